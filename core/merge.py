"""Three-way merge of a form refused by an optimistic lock (the 409 re-render).

A form using `MergeOnConflictMixin` renders each merged field with Django's
`show_hidden_initial`: beside the input, a hidden `initial-<name>` input holds the value the
user loaded (the *base*), and `form.changed_data` compares the submission against it. When the
save is refused because someone else saved first, `merge_after_conflict()` builds the form to
show again, field by field, from base, *mine* (submitted) and *theirs* (stored now):

- mine == base (the user did not touch it): show theirs, so a re-save cannot revert it;
- theirs == base (only the user changed it): keep mine;
- both changed, to different values: keep mine and mark the field as a conflict (a note
  beside the input, linked with aria-describedby, listed by `conflicting_fields`).

The rebuilt form carries the new version, and its hidden initial values are the stored ones,
so the next save, and the one after it, are compared with what is stored now.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _


class ConflictBoundField(forms.BoundField):
    """A bound field that renders its conflict note right after the input."""

    @property
    def conflict(self) -> str | None:
        """The other user's value (for display) if this field is a real conflict, else None."""
        return getattr(self.form, "merge_conflicts", {}).get(self.name)

    @property
    def conflict_id(self) -> str:
        return f"{self.auto_id}_conflict"

    @property
    def aria_describedby(self):
        described = super().aria_describedby
        if described is None or self.conflict is None or not self.auto_id:
            return described
        return " ".join(filter(None, [described, self.conflict_id]))

    def conflict_message(self) -> str:
        theirs = self.conflict
        if theirs == "":
            return _("다른 사용자가 이 항목을 비웠습니다. 확인 후 다시 저장하세요.")
        return _(
            "다른 사용자가 이 항목을 '%(value)s'(으)로 바꿨습니다. 확인 후 다시 저장하세요."
        ) % {"value": theirs}

    @property
    def conflict_note(self) -> str:
        """The conflict note's HTML (empty when this field is no conflict)."""
        if self.conflict is None:
            return ""
        return format_html(
            '<p class="help conflict" id="{}"><strong>{}</strong> {}</p>',
            self.conflict_id,
            _("충돌:"),
            self.conflict_message(),
        )

    @property
    def hidden_initial(self) -> str:
        """The hidden input with the loaded value, for templates that draw the widget by hand
        (e.g. one checkbox per choice), where `{{ field }}` would have added it."""
        if not self.field.show_hidden_initial:
            return ""
        return self.as_hidden(only_initial=True)

    def __str__(self):
        html, note = super().__str__(), self.conflict_note
        return html + note if note else html  # both safe strings: the sum stays safe

    __html__ = __str__


class MergeOnConflictMixin:
    """Track what the user loaded and merge a stale submission with the stored values.

    `merge_fields` names the fields to merge (default: the ModelForm's `Meta.fields`);
    `version_field` is the hidden optimistic-lock field. Put the mixin before the form class.
    """

    merge_fields: tuple[str, ...] = ()
    version_field = "version"
    bound_field_class = ConflictBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.merge_conflicts: dict[str, str] = {}
        for name in self.get_merge_fields():
            self.fields[name].show_hidden_initial = True

    def get_merge_fields(self) -> list[str]:
        names = self.merge_fields or getattr(getattr(self, "_meta", None), "fields", None) or ()
        return [name for name in names if name in self.fields]

    @property
    def conflicting_fields(self) -> list[ConflictBoundField]:
        return [self[name] for name in self.get_merge_fields() if name in self.merge_conflicts]

    def merge_after_conflict(self, current: dict, version: int, **form_kwargs):
        """Return a new bound form of the same class: the merge of this submission with
        `current` (field name -> stored value), armed with `version`.

        `form_kwargs` are passed to the new form (e.g. `instance=` or `initial=`).
        """
        data = self.data.copy()
        conflicts = {}
        changed = set(self.changed_data)
        for name in self.get_merge_fields():
            bf, field = self[name], self.fields[name]
            base = field.hidden_widget().value_from_datadict(
                self.data, self.files, bf.html_initial_name
            )
            mine = bf.data
            theirs = _as_data(field, current.get(name))
            if name not in changed:
                merged = theirs
            else:
                merged = mine
                if _differs(field, base, theirs) and _differs(field, mine, theirs):
                    conflicts[name] = _display(field, current.get(name))
            _put(data, bf.html_name, merged)
            _put(data, bf.html_initial_name, theirs)
        data[self.add_prefix(self.version_field)] = str(version)
        form = type(self)(data, **form_kwargs)
        form.merge_conflicts = conflicts
        return form


def _as_data(field: forms.Field, value) -> str | list[str]:
    """`value` as a browser would submit it for `field`."""
    value = field.prepare_value(value)
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _put(data, key: str, value) -> None:
    if isinstance(value, list):
        data.setlist(key, value)
    else:
        data[key] = "" if value is None else value


def _normalize(raw):
    if isinstance(raw, str):
        return raw.replace("\r\n", "\n")
    if isinstance(raw, (list, tuple)):
        return [_normalize(v) for v in raw]
    return raw


def _differs(field: forms.Field, a, b) -> bool:
    """Whether two submitted values of `field` mean different things (Field.has_changed)."""
    a, b = _normalize(a), _normalize(b)
    try:
        a_value = field.to_python(a)
    except ValidationError:
        return a != b
    return field.has_changed(a_value, b)


def _display(field: forms.Field, value) -> str:
    """The stored value as the user reads it: choice labels, object names, ISO dates."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, models.Model):
        text = str(value)
    elif isinstance(value, (list, tuple)):  # a many-to-many field: the objects' names
        text = ", ".join(str(v) for v in value)
    elif isinstance(field, forms.ModelChoiceField):
        found = field.queryset.filter(pk=value).first()
        text = str(found if found is not None else value)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        text = value.isoformat()
    elif isinstance(field, forms.ChoiceField):
        labels = {}
        for key, label in field.choices:
            if isinstance(label, (list, tuple)):
                labels.update({str(k): v for k, v in label})
            else:
                labels[str(key)] = label
        text = str(labels.get(str(value), value))
    else:
        text = str(value)
    return Truncator(text).chars(80)
