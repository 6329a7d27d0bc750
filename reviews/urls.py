from django.urls import path

from .views import actions, meetings

app_name = "reviews"

urlpatterns = [
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("actions/<int:pk>/", actions.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/complete/", actions.action_complete_view, name="action_complete"),
    path(
        "actions/<int:pk>/due-change/",
        actions.action_due_change_request_view,
        name="action_request_due_change",
    ),
    path("due-changes/", actions.DueChangeListView.as_view(), name="due_change_list"),
    path("due-changes/<int:pk>/decide/", actions.due_change_decide_view, name="due_change_decide"),
]
