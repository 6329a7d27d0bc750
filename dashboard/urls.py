"""The dashboard app's pages, at the paths they always had (bookmarks and browser tests use
them): included once at the site root, so each route spells out its full path."""

from django.urls import path

from . import views
from .my_department import MyDepartmentView

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/dashboard/", views.dashboard, name="index"),
    path("reviews/dashboard/briefing.xlsx", views.briefing_xlsx, name="briefing_xlsx"),
    path("reviews/dashboard/briefing.pdf", views.briefing_pdf, name="briefing_pdf"),
    path("reviews/dashboard/proposals.xlsx", views.proposals_xlsx, name="proposals_xlsx"),
    path("reviews/dashboard/follow-ups.xlsx", views.actions_xlsx, name="actions_xlsx"),
    path("proposals/my-department/", MyDepartmentView.as_view(), name="my_department"),
]
