"""Text that is only text: control characters refused on the way in, and spreadsheet
formulas neutralised on the way out.

- `SingleLineValidator` / `MultiLineValidator`: refuse C0/C1 control characters (multi-line
  text may hold line breaks and tabs). `plain_text_fields` attaches them to every CharField and
  TextField of the project's models (settings.GP_PLAIN_TEXT_APPS), so model forms, the admin
  and `full_clean` all check them.
- `spreadsheet_cell(value)`: the one helper every XLSX/CSV export passes its cells through.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls, DEL and C1 controls; multi-line text keeps tab, line feed and carriage return.
_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """Return the first forbidden control character in `value`, or None."""
    match = (_MULTI_LINE if multiline else _SINGLE_LINE).search(value or "")
    return match.group() if match else None


def describe(char: str) -> str:
    """How a message names a control character: U+000A and, where there is one, its name."""
    names = {"\x00": "NUL", "\t": _("탭"), "\n": _("줄바꿈"), "\r": _("줄바꿈(CR)")}
    name = names.get(char)
    code = f"U+{ord(char):04X}"
    return f"{name}, {code}" if name else code


@deconstructible(path="core.text.SingleLineValidator")
class SingleLineValidator:
    """Refuse control characters, line breaks and tabs included, in a one-line field."""

    multiline = False
    code = "control_character"

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        char = control_character(value, multiline=self.multiline)
        if char is not None:
            raise ValidationError(self.message(), code=self.code, params={"char": describe(char)})

    def message(self):
        return _("제어 문자(%(char)s)는 쓸 수 없습니다. 한 줄로, 보이는 글자만 입력해 주세요.")

    def __eq__(self, other) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible(path="core.text.MultiLineValidator")
class MultiLineValidator(SingleLineValidator):
    """Refuse control characters other than line breaks and tabs in a multi-line field."""

    multiline = True

    def message(self):
        return _("제어 문자(%(char)s)는 쓸 수 없습니다. 보이는 글자와 줄바꿈만 입력해 주세요.")


single_line = SingleLineValidator()
multi_line = MultiLineValidator()


def plain_text_fields(sender, **kwargs) -> None:
    """`class_prepared` receiver: give the project's text fields their validator."""
    from django.conf import settings
    from django.db import models

    if sender._meta.app_label not in getattr(settings, "GP_PLAIN_TEXT_APPS", ()):
        return
    # A model that records what it was sent (an access log) names the fields to leave alone.
    exempt = getattr(sender, "plain_text_exempt", ())
    for field in sender._meta.local_fields:
        if field.name in exempt:
            continue
        if isinstance(field, models.TextField):
            validator = multi_line
        elif isinstance(field, models.CharField) and not field.choices:
            validator = single_line
        else:
            continue
        if validator not in field._validators:
            field._validators = [*field._validators, validator]
            field.__dict__.pop("validators", None)  # the cached_property, if already read


def one_line(value: str) -> str:
    """`value` with every run of whitespace and control characters made one space: for an
    e-mail subject (a line break there is a BadHeaderError) or a notice title."""
    return " ".join(_SINGLE_LINE.sub(" ", value or "").split())


# --- Exports -----------------------------------------------------------------------------------

# A cell starting with one of these is read as a formula (or DDE) by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# A signed figure ("-8.3%p", "+1", "-1,200") holds no function, reference or DDE call: the
# briefing's changes are written so and stay as they are.
_SIGNED_FIGURE = re.compile(r"[+-]\d[\d,]*(\.\d+)?(%p?)?")


def spreadsheet_cell(value):
    """Return `value` safe for an XLSX/CSV cell: text a spreadsheet would take for a formula
    gets a leading apostrophe (OWASP, CWE-1236); signed figures and other values pass."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not _SIGNED_FIGURE.fullmatch(value)
    ):
        return "'" + value
    return value


def spreadsheet_row(values) -> list:
    return [spreadsheet_cell(value) for value in values]
