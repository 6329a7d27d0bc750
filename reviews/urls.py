from django.urls import path

from .views import actions, amendments, meetings, minutes, notifications

app_name = "reviews"

urlpatterns = [
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", meetings.meeting_plan, name="meeting_plan"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", meetings.agenda_add, name="agenda_add"),
    path(
        "meetings/<int:pk>/reviews/<int:review_pk>/",
        meetings.review_record,
        name="review_record",
    ),
    path("meetings/<int:pk>/actions/new/", meetings.action_add, name="action_add"),
    path("meetings/<int:pk>/close/", meetings.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/amend/", amendments.meeting_amend, name="meeting_amend"),
    path(
        "meetings/<int:pk>/amend/<str:target>/<int:target_pk>/",
        amendments.meeting_amend,
        name="meeting_amend_item",
    ),
    path("meetings/<int:pk>/minutes/", minutes.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/minutes.pdf", minutes.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("actions/<int:pk>/", actions.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/complete/", actions.action_complete_view, name="action_complete"),
    path(
        "actions/<int:pk>/due-change/",
        actions.action_due_change_request_view,
        name="action_request_due_change",
    ),
    path("due-changes/", actions.DueChangeListView.as_view(), name="due_change_list"),
    path("due-changes/<int:pk>/decide/", actions.due_change_decide_view, name="due_change_decide"),
    path("calendar/", minutes.calendar_subscribe, name="calendar_subscribe"),
    path("calendar/new-token/", minutes.calendar_token_new, name="calendar_token_new"),
    path("calendar/<str:token>.ics", minutes.calendar_feed_view, name="calendar_feed"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/read-all/", notifications.notification_read_all, name="notification_read_all"
    ),
]
