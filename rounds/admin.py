"""Read-only admin views of rounds, submissions and evidence (writes go through the pages)."""

from django.contrib import admin

from .models import Evidence, EvidenceDownload, RoundSubmission, UpdateRound


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UpdateRound)
class UpdateRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "portfolio", "as_of", "due_date", "state", "snapshot_at"]
    list_filter = ["state"]


@admin.register(RoundSubmission)
class RoundSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["round", "proposal", "state", "unchanged", "is_current", "submitted_at"]
    list_filter = ["state", "is_current"]
    list_select_related = ["round", "proposal"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "file_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    list_select_related = ["uploaded_by"]


@admin.register(EvidenceDownload)
class EvidenceDownloadAdmin(ReadOnlyAdmin):
    list_display = ["evidence", "user", "at", "ip_address"]
    list_select_related = ["evidence", "user"]
