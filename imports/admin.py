from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Import runs are the audit record of the report import: read-only here."""

    list_display = (
        "id",
        "file_name",
        "created_by",
        "created_at",
        "state",
        "rows_new",
        "rows_changed",
        "rows_error",
        "applied_at",
    )
    list_filter = ("state", "portfolio")
    search_fields = ("file_name", "sha256")
    list_select_related = ("created_by",)
    exclude = ("content", "parsed", "preview")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
