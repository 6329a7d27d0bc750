from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    DueDateChangeRequest,
    FollowUpAction,
    MeetingAmendment,
    Notification,
    ProposalReview,
    Reminder,
    ReviewMeeting,
)


class ProposalReviewInline(admin.TabularInline):
    model = ProposalReview
    extra = 0
    autocomplete_fields = ("proposal",)


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(SimpleHistoryAdmin):
    list_display = ("held_on", "title", "chair", "chair_name", "state", "data_source")
    list_filter = ("state", "data_source", "portfolio")
    search_fields = ("title", "minutes")
    date_hierarchy = "held_on"
    filter_horizontal = ("attending_departments",)
    inlines = [ProposalReviewInline]


@admin.register(ProposalReview)
class ProposalReviewAdmin(SimpleHistoryAdmin):
    list_display = ("meeting", "proposal", "feasibility")
    list_filter = ("feasibility", "meeting")
    search_fields = ("proposal__title", "gaps", "remedies", "decision")
    list_select_related = ("meeting", "proposal")


@admin.register(FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    list_display = ("description", "kind", "meeting", "owner_department", "due_date", "state")
    list_filter = ("state", "kind", "owner_department", "data_source")
    search_fields = ("description", "completion_note")
    date_hierarchy = "due_date"
    list_select_related = ("meeting", "owner_department")
    autocomplete_fields = ("proposal",)


@admin.register(DueDateChangeRequest)
class DueDateChangeRequestAdmin(admin.ModelAdmin):
    list_display = (
        "action",
        "old_due_date",
        "new_due_date",
        "state",
        "requested_by",
        "requested_at",
    )
    list_filter = ("state",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "due_at",
        "state",
        "recipient",
        "recipient_department",
        "attempts",
        "sent_at",
    )
    list_filter = ("kind", "state")
    search_fields = ("key", "recipient_email")
    date_hierarchy = "due_at"
    readonly_fields = ("key", "claimed_at", "sent_at", "attempts", "last_error")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "created_at", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title",)


@admin.register(MeetingAmendment)
class MeetingAmendmentAdmin(admin.ModelAdmin):
    """Amendments are an audit trail: readable here, written only by `meeting_amend`."""

    list_display = ("meeting", "target", "amended_by", "amended_at")
    list_select_related = ("meeting", "amended_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
