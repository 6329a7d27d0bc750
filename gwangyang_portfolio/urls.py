from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    # The home page, /reviews/dashboard/… and /proposals/my-department/ (full paths inside).
    path("", include("dashboard.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("proposals/import/", include("imports.urls")),
    path("proposals/", include("projects.urls")),
    path("reviews/", include("reviews.urls")),
    path("rounds/", include("rounds.urls")),
    # Public: a visitor on the login page chooses their language before signing in (the choice is
    # kept in the language cookie, which signing in does not touch).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "gwangyang_portfolio.views.permission_denied"
