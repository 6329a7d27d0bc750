from django.contrib import admin
from django.urls import include, path

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "gwangyang_portfolio.views.permission_denied"
