"""Forms for the department heads' pages; they validate, the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gwangyang_portfolio.form_labels import EmptyChoiceLabelsMixin

from .form_merge import MergeOnConflictMixin
from .models import Confidence, Proposal, ProposalComment, ProposalStatus, StatusUpdate

REASON_STATUSES = (ProposalStatus.ON_HOLD, ProposalStatus.DROPPED)


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

    def clean_progress(self):
        progress = self.cleaned_data["progress"]
        if not 0 <= progress <= 100:
            raise forms.ValidationError(_("진척률은 0에서 100 사이의 숫자여야 합니다."))
        return progress

    def clean(self):
        data = super().clean()
        status, progress = data.get("status"), data.get("progress")
        if status == ProposalStatus.DONE and progress is not None and progress != 100:
            self.add_error("progress", _("'완료' 상태로 바꾸려면 진척률이 100%여야 합니다."))
        if status in REASON_STATUSES and not (data.get("reason") or "").strip():
            if status == self.initial.get("status"):
                message = _("'보류' 또는 '폐기' 상태인 사업은 사유를 비워 둘 수 없습니다.")
            else:
                message = _("'보류' 또는 '폐기'로 바꾸려면 사유를 적어야 합니다.")
            self.add_error("reason", message)
        return data

    def _post_clean(self):
        # The service builds and validates the StatusUpdate; the form only checks its own input.
        pass


class ProposalCommentForm(forms.ModelForm):
    class Meta:
        model = ProposalComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"body": {"required": _("의견 내용을 적어야 합니다.")}}
