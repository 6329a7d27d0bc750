"""Admin of the meeting workflow: a window on the records, never a way around the services.

Closed meetings (and their reviews and actions) are read-only here: corrections go through
the audited amendment page. State, version, due date, owner and every reminder's delivery
fields change only through the services, which keep the reminder plan in step.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LoadedVersionForm, VersionedAdminMixin

from .history import meeting_history_changes
from .history_records import record_meeting_history
from .models import (
    DueDateChangeRequest,
    FollowUpAction,
    MeetingAmendment,
    MeetingState,
    Notification,
    ProposalReview,
    Reminder,
    ReviewMeeting,
)
from .services.meetings import MEETING_EDITABLE_FIELDS, meeting_update

CLOSED = _("종료된 보고회의 기록은 여기서 고칠 수 없습니다. 보고회 화면에서 정정하세요.")


class OpenMeetingForm(LoadedVersionForm):
    """Refuse a change once the record's meeting is closed (checked under the row lock)."""

    def check_locked(self, locked) -> None:
        meeting = locked if isinstance(locked, ReviewMeeting) else locked.meeting
        if meeting.state == MeetingState.CLOSED:
            raise ValidationError(CLOSED)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Readable, never written here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _closed(obj) -> bool:
    meeting = obj if isinstance(obj, ReviewMeeting) else getattr(obj, "meeting", None)
    return meeting is not None and meeting.state == MeetingState.CLOSED


class ProposalReviewInline(admin.TabularInline):
    """Agenda items are added and recorded on the meeting pages; read-only here."""

    model = ProposalReview
    extra = 0
    fields = ("order", "proposal", "feasibility", "gaps", "remedies", "decision")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("held_on", "title", "chair", "chair_name", "state", "data_source")
    list_filter = ("state", "data_source", "portfolio")
    search_fields = ("title", "minutes")
    date_hierarchy = "held_on"
    filter_horizontal = ("attending_departments",)
    inlines = [ProposalReviewInline]
    form = OpenMeetingForm
    readonly_fields = ("state", "closed_at", "version")

    def save_model(self, request, obj, form, change):
        if not change:
            # No record yet: save_related writes one creation record once the attending
            # departments exist, instead of one more per link change (simple-history's signal).
            obj.skip_history_when_saving = True
            super().save_model(request, obj, form, change)
            return
        # An edit goes through the service: one record with the fields and the departments.
        changes = {
            f: form.cleaned_data[f] for f in form.changed_data if f in MEETING_EDITABLE_FIELDS
        }
        if changes:
            meeting_update(
                meeting=obj,
                user=request.user,
                expected_version=form.cleaned_data["loaded_version"],
                **changes,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            del form.instance.skip_history_when_saving
            record_meeting_history(form.instance, user=request.user)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """The history page's changes, attending departments by name, in fixed queries."""
        meeting_history_changes(
            historical_records,
            helper=lambda record: self.get_historical_record_context_helper(request, record),
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _closed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _closed(obj)


@admin.register(ProposalReview)
class ProposalReviewAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("meeting", "proposal", "feasibility")
    list_filter = ("feasibility", "meeting")
    search_fields = ("proposal__title", "gaps", "remedies", "decision")
    list_select_related = ("meeting", "proposal")
    form = OpenMeetingForm
    readonly_fields = ("meeting", "proposal", "version")

    def has_add_permission(self, request):
        return False  # agenda items are added on the meeting page (`review_add`)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _closed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _closed(obj)


@admin.register(FollowUpAction)
class FollowUpActionAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("description", "kind", "meeting", "owner_department", "due_date", "state")
    list_filter = ("state", "kind", "owner_department", "data_source")
    search_fields = ("description", "completion_note")
    date_hierarchy = "due_date"
    list_select_related = ("meeting", "owner_department")
    autocomplete_fields = ("proposal",)
    form = OpenMeetingForm
    # The reminder plan follows state, due date and owner: only the services change them.
    readonly_fields = (
        "meeting",
        "owner_department",
        "due_date",
        "state",
        "completion_note",
        "completed_at",
        "carried_over_from",
        "version",
    )

    def has_add_permission(self, request):
        return False  # actions are agreed on the meeting page (`action_create`)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _closed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _closed(obj)


@admin.register(DueDateChangeRequest)
class DueDateChangeRequestAdmin(ReadOnlyAdmin):
    """Decided on the due-change page (`due_change_decide`), which moves the due date."""

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
class ReminderAdmin(ReadOnlyAdmin):
    """Planned, claimed and sent by the reminder services only."""

    list_display = (
        "kind",
        "due_at",
        "state",
        "recipient",
        "recipient_department",
        "attempts",
        "claims",
        "restarts",
        "sent_at",
    )
    list_filter = ("kind", "state")
    search_fields = ("key", "recipient_email")
    date_hierarchy = "due_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "created_at", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title",)


@admin.register(MeetingAmendment)
class MeetingAmendmentAdmin(ReadOnlyAdmin):
    """Amendments are an audit trail: readable here, written only by `meeting_amend`."""

    list_display = ("meeting", "target", "amended_by", "amended_at")
    list_select_related = ("meeting", "amended_by")
