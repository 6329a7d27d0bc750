"""Forms of the meeting workflow and of follow-up actions; they validate, the services write."""

from django import forms
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.forms import EmptyChoiceLabelsMixin
from core.merge import MergeOnConflictMixin
from projects.models import Department, Portfolio, Proposal

from .models import (
    DueDateChangeRequest,
    Feasibility,
    FollowUpAction,
    ProposalReview,
    ReviewMeeting,
)
from .models.actions import DUE_CHANGE_PAST_MESSAGE


class DateInput(forms.DateInput):
    input_type = "date"


def _chair_label(user: User) -> str:
    """A chair by name only ("부시장(데모)", not "부시장(데모) (부시장)"): every choice is a
    deputy mayor."""
    return user.display_name


class MeetingPlanForm(EmptyChoiceLabelsMixin, forms.ModelForm):
    proposals = forms.ModelMultipleChoiceField(
        label=_("안건(검토할 사업)"),
        queryset=Proposal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("제안된 사업이 먼저 나오고, 가장 급한 사업이 미리 선택되어 있습니다."),
    )

    class Meta:
        model = ReviewMeeting
        fields = ["portfolio", "title", "held_on", "location", "chair", "attending_departments"]
        widgets = {
            "held_on": DateInput,
            "attending_departments": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, portfolio: Portfolio, suggested: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        # A meeting is planned for the portfolio chosen in the header, never another one.
        self.fields["portfolio"].queryset = Portfolio.objects.filter(pk=portfolio.pk)
        self.fields["chair"].queryset = User.objects.filter(role=Role.DEPUTY_MAYOR, is_active=True)
        self.fields["chair"].label_from_instance = _chair_label
        self.fields["attending_departments"].queryset = Department.objects.order_by("name")
        # The suggested proposals first, in the order of their urgency, then the rest.
        order = ["management_no"]
        if suggested:
            whens = [When(pk=pk, then=Value(i)) for i, pk in enumerate(suggested)]
            order.insert(0, Case(*whens, default=Value(len(suggested))).asc())
        self.fields["proposals"].queryset = (
            Proposal.objects.filter(portfolio=portfolio)
            .active()
            .select_related("lead_department")
            .order_by(*order)
        )


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


class MeetingEditForm(EmptyChoiceLabelsMixin, MergeOnConflictMixin, _VersionMixin, forms.ModelForm):
    """An open meeting's record: title, date, place, chair, attendance and minutes (회의록).

    `version` is the meeting's version when the form was loaded (an optimistic lock).
    """

    class Meta:
        model = ReviewMeeting
        fields = [
            "title",
            "held_on",
            "location",
            "chair",
            "attending_departments",
            "attendee_count",
            "minutes",
        ]
        labels = {
            "title": _("회의명"),
            "held_on": _("개최일"),
            "location": _("장소"),
            "chair": _("주재자"),
            "attending_departments": _("참석 부서"),
            "attendee_count": _("참석 부서장 수"),
            "minutes": _("회의록"),
        }
        help_texts = {
            "attendee_count": _("참석 부서를 모두 고르기 어려우면 참석한 부서장 수만 적으세요."),
            "minutes": _(
                "논의 내용과 결정 사항을 적습니다. 보고회를 종료한 뒤에는 정정으로만 고칩니다."
            ),
        }
        widgets = {
            "held_on": DateInput(format="%Y-%m-%d"),
            "attending_departments": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)
        # The deputy mayors, and the meeting's own chair even if no longer one.
        self.fields["chair"].label_from_instance = _chair_label
        self.fields["chair"].queryset = User.objects.filter(
            Q(role=Role.DEPUTY_MAYOR, is_active=True) | Q(pk=self.instance.chair_id)
        )
        self.fields["attending_departments"].queryset = Department.objects.order_by("name")

    def changes(self) -> dict:
        """The record's fields whose submitted value differs from the stored one."""
        return {f: self.cleaned_data[f] for f in self._meta.fields if f in self.changed_data}


class MeetingCloseForm(forms.Form):
    """The confirmation of a close; with unreviewed agenda items it must be ticked."""

    confirm_unreviewed = forms.BooleanField(required=False)
    # How many unreviewed items the page showed: a later one asks again.
    unreviewed_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, unreviewed: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm_unreviewed"].label = _("미검토 %(n)s건이 있어도 종료합니다") % {
            "n": unreviewed
        }

    def accepted_unreviewed(self) -> int:
        """The number of unreviewed items the user agreed to close with (0 unless ticked)."""
        if not self.cleaned_data.get("confirm_unreviewed"):
            return 0
        return self.cleaned_data.get("unreviewed_seen") or 0


class ReviewRecordForm(forms.ModelForm):
    class Meta:
        model = ProposalReview
        fields = ["feasibility", "gaps", "remedies", "decision"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("gaps", "remedies", "decision")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "기사에 기록 없음" says what a source lacks; it is not a verdict a person records.
        if self.instance.feasibility != Feasibility.UNRECORDED:
            field = self.fields["feasibility"]
            field.choices = [c for c in field.choices if c[0] != Feasibility.UNRECORDED]


class AgendaAddForm(EmptyChoiceLabelsMixin, forms.Form):
    proposal = forms.ModelChoiceField(label=_("추가할 사업"), queryset=Proposal.objects.none())

    def __init__(self, *args, meeting: ReviewMeeting, **kwargs):
        # Its own ids: the follow-up form on the same page has a `proposal` field too.
        kwargs.setdefault("auto_id", "agenda_%s")
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = (
            Proposal.objects.filter(portfolio=meeting.portfolio)
            .exclude(reviews__meeting=meeting)
            .order_by("management_no")
        )


class ActionForm(EmptyChoiceLabelsMixin, forms.ModelForm):
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


class _ReasonMixin(MergeOnConflictMixin, _VersionMixin):
    """The reason of a correction and the version of the record the form was loaded with.

    The record's fields carry the values they were loaded with (hidden initial inputs), so a
    correction refused as stale is merged with the stored record, field by field.
    """

    reason = forms.CharField(
        label=_("정정 사유"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("정정 사유와 정정한 사람이 보고회 정정 이력에 남습니다."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)

    def changed_values(self) -> dict:
        """The record's fields the user changed from the values the form was loaded with."""
        return {f: self.cleaned_data[f] for f in self._meta.fields if f in self.changed_data}


class MinutesAmendForm(_ReasonMixin, forms.ModelForm):
    class Meta:
        model = ReviewMeeting
        fields = ["title", "location", "minutes"]


class ReviewAmendForm(_ReasonMixin, forms.ModelForm):
    class Meta:
        model = ProposalReview
        fields = ["feasibility", "gaps", "remedies", "decision"]


class ActionAmendForm(EmptyChoiceLabelsMixin, _ReasonMixin, forms.ModelForm):
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
