from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportStartView.as_view(), name="import_start"),
    path("template.xlsx", views.import_template_view, name="import_template"),
    path("<int:pk>/", views.ImportRunDetailView.as_view(), name="import_run"),
    path("<int:pk>/apply/", views.import_run_apply_view, name="import_apply"),
]
