"""Form helpers shared by every app.

- `EmptyChoiceLabelsMixin`: words instead of Django's "---------" for the empty choice of a
  select. A required select says "선택하세요" (choose one); an optional one says "없음" (none).
  Labels that a form sets itself (an explicit `empty_label`) are left alone.
- `add_service_errors`: the one way a service's ValidationError becomes form errors.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

DASHES = BLANK_CHOICE_DASH[0][1]
CHOOSE = _("선택하세요")
NONE = _("없음")


def label_empty_choices(form: forms.BaseForm) -> None:
    """Replace the dashed empty choice of every single-choice select of `form`."""
    for field in form.fields.values():
        text = CHOOSE if field.required else NONE
        if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DASHES:
                field.empty_label = text
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] in ("", None) and choices[0][1] == DASHES:
                field.choices = [("", text), *choices[1:]]


class EmptyChoiceLabelsMixin:
    """Form mixin: call `label_empty_choices` once the fields exist."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_empty_choices(self)


def add_service_errors(form: forms.BaseForm, error: ValidationError, *, rename=None) -> None:
    """Put a service's ValidationError on `form`: keyed errors beside their fields.

    A key that is not a field of the form (or a plain, unkeyed error) becomes a form-wide error.
    `rename` maps a service's field name to the form's (e.g. {"password": "password1"}).
    """
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        field = rename.get(field, field)
        form.add_error(field if field in form.fields else None, messages)
