from django.urls import path

from .dashboard import views as dashboard
from .views import actions, meetings

app_name = "reviews"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/briefing.xlsx", dashboard.briefing_xlsx, name="dashboard_briefing_xlsx"),
    path("dashboard/briefing.pdf", dashboard.briefing_pdf, name="dashboard_briefing_pdf"),
    path("dashboard/proposals.xlsx", dashboard.proposals_xlsx, name="dashboard_proposals_xlsx"),
    path("dashboard/follow-ups.xlsx", dashboard.actions_xlsx, name="dashboard_actions_xlsx"),
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("actions/<int:pk>/", actions.ActionDetailView.as_view(), name="action_detail"),
]
