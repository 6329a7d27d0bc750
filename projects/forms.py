"""Forms for the department heads' pages; they validate, the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import EmptyChoiceLabelsMixin
from core.merge import MergeOnConflictMixin

from .models import (
    REASON_STATUSES,
    Confidence,
    Proposal,
    ProposalComment,
    StatusUpdate,
    status_rule_errors,
)


def proposal_stored_values(proposal: Proposal) -> dict:
    """The proposal's state as the status form shows it, with the version it edits.

    A proposal on hold or dropped keeps the reason of the update that put it there, so a
    head who only changes its progress does not have to type the reason again.
    """
    reason = ""
    if proposal.status in REASON_STATUSES:
        latest = proposal.updates.order_by("-created_at", "-id").only("reason").first()
        reason = latest.reason if latest is not None else ""
    return {
        "status": proposal.status,
        "confidence": proposal.confidence,
        "progress": proposal.progress,
        "reason": reason,
        "version": proposal.version,
    }


class ProposalStatusUpdateForm(EmptyChoiceLabelsMixin, MergeOnConflictMixin, forms.ModelForm):
    """Status, confidence, progress and narrative of one update, with the version it edits.

    The proposal's state (and its hold/drop reason) is merged with the stored one after a
    version conflict; the narrative fields belong to this update alone and are kept as typed.
    """

    merge_fields = ("status", "confidence", "progress", "reason")

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confidence = forms.TypedChoiceField(
        label=_("추진 신뢰도"),
        choices=[("", _("미평가")), *Confidence.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    progress = forms.IntegerField(
        label=_("진척률(%)"),
        error_messages={
            "required": _("진척률을 입력하세요."),
            "invalid": _("진척률은 숫자로 입력하세요."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )

    class Meta:
        model = StatusUpdate
        fields = [
            "status",
            "confidence",
            "progress",
            "what_changed",
            "issues",
            "next_step",
            "reason",
        ]
        widgets = {
            "what_changed": forms.Textarea(attrs={"rows": 4}),
            "issues": forms.Textarea(attrs={"rows": 3}),
            "next_step": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reason": _("'보류' 또는 '폐기'로 바꿀 때는 반드시 적어야 합니다."),
        }

    def clean(self):
        data = super().clean()
        if data.get("status") not in REASON_STATUSES:
            # A reason belongs to a hold or a drop; a stale one left in the box is not saved.
            data["reason"] = ""
        errors = status_rule_errors(
            status=data.get("status"),
            progress=data.get("progress"),
            reason=data.get("reason"),
            previous_status=self.initial.get("status"),
        )
        for field, message in errors.items():
            if field not in self.errors:  # a missing or non-numeric value is already explained
                self.add_error(field, message)
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # static/js/status-form.js hides (and clears) the reason for statuses that take none.
        self.fields["status"].widget.attrs["data-reason-statuses"] = " ".join(REASON_STATUSES)
        self.fields["reason"].widget.attrs["data-reason-for"] = self["status"].auto_id

    def _post_clean(self):
        # The service builds and validates the StatusUpdate; the form only checks its own input.
        pass


class ProposalCommentForm(forms.ModelForm):
    class Meta:
        model = ProposalComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"body": {"required": _("의견 내용을 적어야 합니다.")}}
