from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProposalListView.as_view(), name="proposal_list"),
    path("<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("code/<str:code>/", views.proposal_by_code_view, name="proposal_by_code"),
    path(
        "<int:pk>/status/",
        views.ProposalStatusUpdateView.as_view(),
        name="proposal_update_status",
    ),
    path("<int:pk>/comments/", views.proposal_comment_add_view, name="proposal_comment_add"),
]
