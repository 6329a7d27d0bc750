"""The report's columns: Korean headers, English aliases, and text normalisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str  # internal name
    header: str  # the Korean header, as in the template
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS = (
    Column(
        "management_no",
        "관리번호",
        ("관리 번호", "번호", "management no", "management_no", "no", "key", "id"),
        required=True,
    ),
    Column("pillar", "전략", ("전략명", "전략번호", "pillar", "strategy")),
    Column(
        "title", "사업명", ("사업 명", "title", "project", "project name", "name"), required=True
    ),
    Column(
        "lead_department",
        "주관부서",
        ("주관 부서", "lead department", "lead_department", "department", "lead"),
    ),
    Column(
        "supporting_departments",
        "협조부서",
        ("협조 부서", "협업부서", "supporting departments", "supporting_departments", "support"),
    ),
    Column("summary", "사업개요", ("사업 개요", "개요", "summary", "overview", "description")),
    Column("origin", "구분", ("신규/기존", "origin", "type", "category")),
    Column("period", "사업기간", ("사업 기간", "기간", "period", "years")),
    Column(
        "budget_million",
        "총사업비(백만원)",
        (
            "총사업비",
            "사업비",
            "총사업비(백만)",
            "budget",
            "budget_million",
            "total budget (million krw)",
            "budget (million krw)",
        ),
    ),
    Column("funding", "재원", ("재원구분", "funding", "fund", "funds", "fund source")),
    Column("notes", "비고", ("notes", "note", "remarks", "remark", "memo")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]

# Labels used in messages and in the preview's field-by-field changes.
FIELD_LABELS = {
    "management_no": _("관리번호"),
    "pillar": _("전략"),
    "title": _("사업명"),
    "lead_department": _("주관부서"),
    "supporting_departments": _("협조부서"),
    "summary": _("사업개요"),
    "origin": _("구분"),
    "start_year": _("시작 연도"),
    "end_year": _("종료 연도"),
    "budget_million": _("총사업비(백만원)"),
    "fund_national": _("국비"),
    "fund_province": _("도비"),
    "fund_city": _("시비"),
    "fund_private": _("민자"),
    "notes": _("비고"),
}

ARAE_A = "\u318d"  # 'ㆍ', the middle dot Korean documents use; NFKC would turn it into a jamo.
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
# Separators between department names or funding sources: , · ㆍ ・ • 、 ; and new lines.
LIST_SEPARATORS = re.compile("[,\u00b7\u318d\u119e\u30fb\u2022\u3001;/\n]+")


def normalize_text(value: str) -> str:
    """Return `value` NFKC-normalised (full-width → half-width), trimmed, spaces collapsed.

    Line breaks are kept (summaries have paragraphs); 'ㆍ' survives as itself.
    """
    value = ARAE_A.join(unicodedata.normalize("NFKC", part) for part in value.split(ARAE_A))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return "\n".join(lines).strip("\n ").strip()


def normalize_header(value) -> str:
    """Reduce a header to a comparable key: NFKC, lower case, no spaces or underscores."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s_]+", "", text).lower()


_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        _ALIASES[normalize_header(_name)] = _column.key


def column_for_header(value) -> str | None:
    """Return the column key a header cell names, or None if it is not one of ours."""
    key = normalize_header(value)
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    # '총사업비 (단위: 백만원)' and similar: match on the part before the bracket.
    base = key.split("(")[0]
    return _ALIASES.get(base) if base else None


def split_list(value: str) -> list[str]:
    """Split a cell listing several names; keep order, drop blanks and repeats."""
    seen: list[str] = []
    for part in LIST_SEPARATORS.split(value or ""):
        name = part.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


_NO_BATCHIM_DIGITS = set("2459")


def topic_particle(word: str) -> str:
    """Return '은' or '는' for `word` as Korean reads it ('7'은, '사업'은, '2'는).

    Other languages have no particle: the translated message reads without it.
    """
    if not translation.get_language() or not translation.get_language().startswith("ko"):
        return ""
    if not word:
        return "은(는)"
    last = word.rstrip()[-1:] or " "
    if "가" <= last <= "힣":
        return "은" if (ord(last) - 0xAC00) % 28 else "는"
    if last.isdigit():
        return "는" if last in _NO_BATCHIM_DIGITS else "은"
    return "은(는)"


def subject_particle(word: str) -> str:
    """Return '이' or '가' for `word` as Korean reads it."""
    particle = topic_particle(word)
    if not particle:
        return ""
    return {"은": "이", "는": "가"}.get(particle, "이(가)")
