"""Forms of the rounds pages; they validate, the services write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Proposal

from .models import UpdateRound


class RoundOpenForm(forms.ModelForm):
    proposals = forms.ModelMultipleChoiceField(
        label=_("점검 대상 사업"),
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("기본값은 완료·폐기가 아닌 모든 사업입니다."),
        error_messages={"required": _("점검할 사업을 하나 이상 고르세요.")},
    )

    class Meta:
        model = UpdateRound
        fields = ["name", "as_of", "due_date"]
        widgets = {
            "as_of": forms.DateInput(attrs={"type": "date"}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "name": {"required": _("회차명을 입력하세요.")},
            "as_of": {"required": _("기준일을 입력하세요."), "invalid": _("날짜 형식이 아닙니다.")},
            "due_date": {
                "required": _("제출 기한을 입력하세요."),
                "invalid": _("날짜 형식이 아닙니다."),
            },
        }

    def __init__(self, *args, portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        scope = Proposal.objects.filter(portfolio=portfolio).select_related("lead_department")
        self.fields["proposals"].queryset = scope.order_by("management_no")
        if not self.is_bound:
            self.initial.setdefault("proposals", list(scope.active().values_list("pk", flat=True)))
            self.initial.setdefault("as_of", timezone.localdate())

    def _post_clean(self):
        # The service builds and validates the round.
        pass


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("반려 사유"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("반려하려면 사유를 적어야 합니다.")},
    )
