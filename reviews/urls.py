from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
]
