"""Forms of the meeting workflow and of follow-up actions; they validate, the services write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from projects.models import Department, Portfolio, Proposal

from .models import DueDateChangeRequest, FollowUpAction, ProposalReview, ReviewMeeting
from .models.actions import DUE_CHANGE_PAST_MESSAGE


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingPlanForm(forms.ModelForm):
    proposals = forms.ModelMultipleChoiceField(
        label=_("안건(검토할 사업)"),
        queryset=Proposal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("현황 미갱신·위험·이월 사업이 미리 선택되어 있습니다."),
    )

    class Meta:
        model = ReviewMeeting
        fields = ["portfolio", "title", "held_on", "location", "chair", "attending_departments"]
        widgets = {
            "held_on": DateInput,
            "attending_departments": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, portfolio: Portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = Portfolio.objects.all()
        self.fields["chair"].queryset = User.objects.filter(role=Role.DEPUTY_MAYOR, is_active=True)
        self.fields["attending_departments"].queryset = Department.objects.order_by("name")
        self.fields["proposals"].queryset = (
            Proposal.objects.filter(portfolio=portfolio)
            .active()
            .select_related("lead_department")
            .order_by("management_no")
        )


class ReviewRecordForm(forms.ModelForm):
    class Meta:
        model = ProposalReview
        fields = ["feasibility", "gaps", "remedies", "decision"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("gaps", "remedies", "decision")}


class AgendaAddForm(forms.Form):
    proposal = forms.ModelChoiceField(label=_("추가할 사업"), queryset=Proposal.objects.none())

    def __init__(self, *args, meeting: ReviewMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = (
            Proposal.objects.filter(portfolio=meeting.portfolio)
            .exclude(reviews__meeting=meeting)
            .order_by("management_no")
        )


class ActionForm(forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["proposal", "kind", "description", "owner_department", "due_date"]
        widgets = {"due_date": DateInput, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, meeting: ReviewMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["proposal"].queryset = Proposal.objects.filter(
            reviews__meeting=meeting
        ).order_by("management_no")
        self.fields["owner_department"].required = True
        self.fields["due_date"].required = True


STALE_FORM = _("화면을 연 뒤에 기록이 바뀌었을 수 있습니다. 새로 고친 뒤 다시 시도하세요.")


class _VersionMixin(forms.Form):
    """The required version of the record the form was loaded with (an optimistic lock).

    Its errors are shown at the top of the form, since the field itself is hidden.
    """

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM, "min_value": STALE_FORM},
    )

    def clean(self):
        cleaned = super().clean()
        if "version" in self._errors:
            self.add_error(None, self._errors.pop("version"))
        return cleaned


class _ReasonMixin(_VersionMixin):
    """The reason of a correction and the version of the record the form was loaded with."""

    reason = forms.CharField(
        label=_("정정 사유"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("정정 사유와 정정한 사람이 보고회 정정 이력에 남습니다."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)

    def changed_values(self) -> dict:
        """The record's fields whose submitted value differs from the stored one."""
        return {f: self.cleaned_data[f] for f in self._meta.fields if f in self.changed_data}


class MinutesAmendForm(_ReasonMixin, forms.ModelForm):
    class Meta:
        model = ReviewMeeting
        fields = ["title", "location", "minutes"]


class ReviewAmendForm(_ReasonMixin, forms.ModelForm):
    class Meta:
        model = ProposalReview
        fields = ["feasibility", "gaps", "remedies", "decision"]


class ActionAmendForm(_ReasonMixin, forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner_department", "due_date"]
        widgets = {"due_date": DateInput}


class ActionCompleteForm(_VersionMixin):
    completion_note = forms.CharField(
        label=_("완료 내용"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("완료 내용을 적어야 합니다.")},
    )


class DueDateChangeRequestForm(forms.ModelForm):
    class Meta:
        model = DueDateChangeRequest
        fields = ["new_due_date", "reason"]
        widgets = {
            "new_due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "new_due_date": {
                "required": _("새 기한을 고르세요."),
                "invalid": _("날짜를 YYYY-MM-DD 형식으로 입력하세요."),
            },
            "reason": {"required": _("기한 변경 사유를 적어야 합니다.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The date picker offers no past day; the check below holds without it too.
        self.fields["new_due_date"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_new_due_date(self):
        new_due_date = self.cleaned_data["new_due_date"]
        if new_due_date < timezone.localdate():
            raise forms.ValidationError(DUE_CHANGE_PAST_MESSAGE, code="past")
        return new_due_date

    def _post_clean(self):
        # The service checks the request against the action under a row lock.
        pass


class DueChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("결정"), choices=[("approve", _("승인")), ("reject", _("반려"))]
    )
