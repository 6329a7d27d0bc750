from django.urls import include, path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProposalListView.as_view(), name="proposal_list"),
    path("<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("import/", include("projects.urls_import")),
]
