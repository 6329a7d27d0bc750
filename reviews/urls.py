from django.urls import path

from .views import actions, meetings

app_name = "reviews"

urlpatterns = [
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("actions/<int:pk>/", actions.ActionDetailView.as_view(), name="action_detail"),
]
