"""One parser per column: a cell value in, a normalised value out, or FieldError with a
Korean message (without the row and column, which the caller adds)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.text import control_character, describe

from .columns import normalize_header, split_list, topic_particle

PERIOD = re.compile(r"^(\d{4})\s*년?\s*(?:([~\-–—〜])\s*(?:(\d{4})\s*년?)?)?$")
PILLAR_NUMBER = re.compile(r"^(?:전략\s*)?(\d+)(?:\.0+)?(?:\s*[.:)]\s*.*)?$")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
MAX_BUDGET = Decimal("9999999999999.9")
ORIGINS = {
    "신규": "new",
    "new": "new",
    "기존": "existing",
    "기존정책": "existing",
    "existing": "existing",
}
FUNDS = {
    "국비": "fund_national",
    "국": "fund_national",
    "national": "fund_national",
    "도비": "fund_province",
    "도": "fund_province",
    "province": "fund_province",
    "provincial": "fund_province",
    "시비": "fund_city",
    "시": "fund_city",
    "city": "fund_city",
    "민자": "fund_private",
    "민간": "fund_private",
    "private": "fund_private",
}
FUND_FIELDS = ("fund_national", "fund_province", "fund_city", "fund_private")


class FieldError(Exception):
    pass


@dataclass
class PillarIndex:
    """The portfolio's pillars by number and by normalised name."""

    by_number: dict[int, object] = field(default_factory=dict)
    by_name: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, pillars) -> PillarIndex:
        index = cls()
        for pillar in pillars:
            index.by_number[pillar.number] = pillar
            index.by_name[_pillar_key(pillar.name)] = pillar
        return index


def _pillar_key(name: str) -> str:
    return re.sub(r"[\s·ㆍᆞ・]+", "", normalize_header(name))


def cell_text(value) -> str:
    """Return a cell value as text: whole floats without '.0', dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _quoted(value) -> str:
    text = cell_text(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _no_control_characters(text: str, *, multiline: bool) -> str:
    char = control_character(text, multiline=multiline)
    if char is not None:
        raise FieldError(
            _("제어 문자(%(char)s)가 들어 있습니다. 보이는 글자만 적어 주세요.")
            % {"char": describe(char)}
        )
    return text


def _single_line(value, max_length: int) -> str:
    # Line breaks and tabs become spaces; any other control character is refused.
    text = _no_control_characters(" ".join(cell_text(value).split()), multiline=False)
    if len(text) > max_length:
        raise FieldError(
            _("%(max)s자를 넘을 수 없습니다(지금 %(length)s자).")
            % {"max": max_length, "length": len(text)}
        )
    return text


def parse_management_no(value, pillars) -> str:
    return _single_line(value, 30)


def parse_title(value, pillars) -> str:
    return _single_line(value, 200)


def parse_pillar(value, pillars: PillarIndex):
    text = cell_text(value).strip()
    match = PILLAR_NUMBER.match(text)
    pillar = None
    if match:
        pillar = pillars.by_number.get(int(match[1]))
    else:
        pillar = pillars.by_name.get(_pillar_key(text))
    if pillar is None:
        shown = _quoted(value)
        raise FieldError(
            _('"%(value)s"%(particle)s 없는 전략입니다.')
            % {"value": shown, "particle": topic_particle(shown)}
        )
    return pillar


def parse_department(value, pillars) -> str:
    names = split_list(cell_text(value))
    if len(names) > 1:
        raise FieldError(_("주관부서는 하나만 적어 주세요. 나머지는 협조부서에 적습니다."))
    return _single_line(names[0] if names else "", 100)


def parse_departments(value, pillars) -> list[str]:
    return [_single_line(name, 100) for name in split_list(cell_text(value))]


def parse_summary(value, pillars) -> str:
    return _no_control_characters(cell_text(value), multiline=True)


def parse_origin(value, pillars) -> str:
    code = ORIGINS.get(normalize_header(value))
    if code is None:
        shown = _quoted(value)
        raise FieldError(
            _('"%(value)s"%(particle)s 알 수 없는 구분입니다. "신규" 또는 "기존"으로 적어 주세요.')
            % {"value": shown, "particle": topic_particle(shown)}
        )
    return code


def parse_period(value, pillars) -> dict:
    match = PERIOD.match(cell_text(value).strip())
    if not match:
        shown = _quoted(value)
        raise FieldError(
            _('"%(value)s"%(particle)s 사업기간 형식이 아닙니다. 예: 2024~2030')
            % {"value": shown, "particle": topic_particle(shown)}
        )
    start = int(match[1])
    # '2024~2030' → both years; '2024~' → open end; '2024' → a one-year project.
    end = int(match[3]) if match[3] else (None if match[2] else start)
    for year in (start, end):
        if year is not None and not 1900 <= year <= 2100:
            raise FieldError(_("연도 %(year)s은(는) 1900~2100 사이가 아닙니다.") % {"year": year})
    if end is not None and end < start:
        raise FieldError(
            _("종료 연도(%(end)s)가 시작 연도(%(start)s)보다 빠릅니다.")
            % {"end": end, "start": start}
        )
    return {"start_year": start, "end_year": end}


def parse_budget(value, pillars) -> Decimal:
    if isinstance(value, bool):
        raise FieldError(_("숫자가 아닙니다. 총사업비는 백만원 단위 숫자로 적어 주세요."))
    if isinstance(value, int | float):
        text = repr(round(float(value), 6)) if isinstance(value, float) else str(value)
    else:
        text = re.sub(r"[,\s]|백만원$|백만$", "", cell_text(value))
    if not NUMBER.match(text):
        shown = _quoted(value)
        raise FieldError(
            _(
                '"%(value)s"%(particle)s 숫자가 아닙니다. 총사업비는 백만원 단위 숫자로 적어 '
                "주세요(예: 12,500)."
            )
            % {"value": shown, "particle": topic_particle(shown)}
        )
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - NUMBER already matched
        raise FieldError(_("숫자가 아닙니다.")) from exc
    if amount < 0:
        raise FieldError(_("총사업비는 0 이상이어야 합니다."))
    # Size first: quantizing a 30-digit number overflows the decimal context.
    if amount > MAX_BUDGET:
        raise FieldError(_("총사업비가 너무 큽니다. 백만원 단위로 적었는지 확인해 주세요."))
    if amount != amount.quantize(Decimal("0.1")):
        raise FieldError(_("총사업비는 소수점 첫째 자리까지만 적을 수 있습니다."))
    return amount.quantize(Decimal("0.1"))


def parse_funding(value, pillars) -> dict:
    flags = dict.fromkeys(FUND_FIELDS, False)
    for token in split_list(cell_text(value)):
        name = FUNDS.get(normalize_header(token))
        if name is None:
            shown = _quoted(token)
            raise FieldError(
                _(
                    '"%(value)s"%(particle)s 알 수 없는 재원입니다. 국비·도비·시비·민자 중에서 '
                    "적어 주세요."
                )
                % {"value": shown, "particle": topic_particle(shown)}
            )
        flags[name] = True
    return flags


def parse_notes(value, pillars) -> str:
    return _no_control_characters(cell_text(value), multiline=True)


PARSERS = {
    "management_no": parse_management_no,
    "pillar": parse_pillar,
    "title": parse_title,
    "lead_department": parse_department,
    "supporting_departments": parse_departments,
    "summary": parse_summary,
    "origin": parse_origin,
    "period": parse_period,
    "budget_million": parse_budget,
    "funding": parse_funding,
    "notes": parse_notes,
}
