"""Forms for follow-up actions: complete, ask for a new due date, decide on the request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DueDateChangeRequest


class ActionCompleteForm(forms.Form):
    completion_note = forms.CharField(
        label=_("완료 내용"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("완료 내용을 적어야 합니다.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


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

    def _post_clean(self):
        # The service checks the request against the action under a row lock.
        pass


class DueChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("결정"), choices=[("approve", _("승인")), ("reject", _("반려"))]
    )
