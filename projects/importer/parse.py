"""Turn a read table into normalised rows, with Korean errors per row and column.

Parsing touches no database: pillars come in as a `PillarIndex`. A blank cell means "the file
says nothing" and leaves the stored value alone; a lone '-' counts as blank.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from .columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    column_for_header,
    normalize_header,
    normalize_text,
    split_list,
    subject_particle,
    topic_particle,
)
from .readers import ImportFileError, Table, cell_ref

HEADER_SEARCH_ROWS = 20
BLANK_MARKS = {"-", "–", "—", "_"}
PERIOD = re.compile(r"^(\d{4})\s*년?\s*(?:([~\-–—〜])\s*(?:(\d{4})\s*년?)?)?$")
PILLAR_NUMBER = re.compile(r"^(?:전략\s*)?(\d+)(?:\.0+)?(?:\s*[.:)]\s*.*)?$")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
MAX_BUDGET = Decimal("9999999999999.9")
ORIGINS = {"신규": "new", "new": "new", "기존": "existing", "기존정책": "existing",
           "existing": "existing"}  # fmt: skip
FUNDS = {
    "국비": "fund_national", "국": "fund_national", "national": "fund_national",
    "도비": "fund_province", "도": "fund_province", "province": "fund_province",
    "provincial": "fund_province",
    "시비": "fund_city", "시": "fund_city", "city": "fund_city",
    "민자": "fund_private", "민간": "fund_private", "private": "fund_private",
}  # fmt: skip
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


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("%(row)s행 %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ParsedRow:
    number: int
    key: str
    values: dict
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ParsedFile:
    format: str
    sheet: str
    sheet_names: list[str]
    encoding: str
    header_row: int
    columns: list[str]  # keys of the recognised columns, in file order
    unknown_columns: list[str]
    notices: list[str]
    rows: list[ParsedRow]


def parse_table(
    table: Table, pillars: PillarIndex, progress: Callable[[int, int], None] | None = None
) -> ParsedFile:
    """Return the table's rows parsed; raise ImportFileError if the table cannot be used."""
    header_row = _find_header(table.rows)
    header = table.rows[header_row - 1]
    merged_header = [m.ref for m in table.merged if m.min_row <= header_row <= m.max_row]
    if merged_header:
        raise ImportFileError(
            _(
                "머리글에 병합된 셀(%(refs)s)이 있습니다. 병합을 풀고 열마다 머리글을 "
                "하나씩 적어 주세요."
            )
            % {"refs": ", ".join(sorted(merged_header))}
        )
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        text = normalize_text(_text(cell))
        if not text:
            continue
        key = column_for_header(text)
        if key is None:
            unknown.append(
                _("'%(name)s'(%(ref)s)") % {"name": text, "ref": cell_ref(header_row, index + 1)}
            )
        elif key in columns:
            raise ImportFileError(
                _("'%(header)s' 열이 두 번 있습니다(%(first)s, %(second)s). 하나만 남겨 주세요.")
                % {
                    "header": COLUMN_BY_KEY[key].header,
                    "first": cell_ref(header_row, columns[key] + 1),
                    "second": cell_ref(header_row, index + 1),
                }
            )
        else:
            columns[key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        raise ImportFileError(
            _("필수 열(%(names)s)이 없습니다. 양식의 머리글을 그대로 써 주세요.")
            % {"names": ", ".join(missing)}
        )

    notices = _fill_merged_data_cells(table, header_row)
    if unknown:
        notices.append(
            _("알 수 없는 열 %(names)s은(는) 무시했습니다.") % {"names": ", ".join(unknown)}
        )
    missing_formulas = {(r, c) for r, c in table.formulas_without_value if r > header_row}

    data_rows = [
        (number, row)
        for number, row in enumerate(table.rows[header_row:], start=header_row + 1)
        if any(_text(cell).strip() and _text(cell).strip() not in BLANK_MARKS for cell in row)
    ]
    if not data_rows:
        raise ImportFileError(_("머리글 아래에 사업 행이 없습니다."))
    max_rows = settings.GP_IMPORT_MAX_ROWS
    if len(data_rows) > max_rows:
        raise ImportFileError(
            _("사업 행이 %(count)s개입니다. 한 번에 %(max)s행까지 가져올 수 있습니다.")
            % {"count": f"{len(data_rows):,}", "max": f"{max_rows:,}"}
        )

    parsed = []
    step = max(1, len(data_rows) // 10)
    for position, (number, row) in enumerate(data_rows, start=1):
        parsed.append(_parse_row(number, row, columns, pillars, missing_formulas))
        if progress and position % step == 0:
            progress(position, len(data_rows))
    _mark_duplicates(parsed)
    return ParsedFile(
        format=table.format,
        sheet=table.sheet,
        sheet_names=table.sheet_names,
        encoding=table.encoding,
        header_row=header_row,
        columns=sorted(columns, key=columns.get),
        unknown_columns=unknown,
        notices=notices,
        rows=parsed,
    )


def _find_header(rows: list[list]) -> int:
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        keys = {column_for_header(_text(cell)) for cell in row}
        if "management_no" in keys or ("title" in keys and len(keys - {None}) >= 2):
            return number
    raise ImportFileError(
        _(
            "머리글 행을 찾을 수 없습니다. 위쪽 %(n)s행 안에 '관리번호', '사업명' 같은 열 이름을 "
            "적어 주세요. 양식 파일을 내려받아 쓰면 편합니다."
        )
        % {"n": HEADER_SEARCH_ROWS}
    )


def _fill_merged_data_cells(table: Table, header_row: int) -> list[str]:
    """Give every row of a merged data cell the merged value (e.g. 전략 merged downwards)."""
    filled = []
    for merged in table.merged:
        if merged.max_row <= header_row:
            continue
        anchor = table.rows[merged.min_row - 1][merged.min_col - 1]
        for number in range(max(merged.min_row, header_row + 1), merged.max_row + 1):
            row = table.rows[number - 1]
            row[merged.min_col - 1] = anchor
            for col in range(merged.min_col + 1, merged.max_col + 1):
                row[col - 1] = None
        filled.append(merged.ref)
    if not filled:
        return []
    return [
        _("병합된 셀(%(refs)s)은 병합 범위의 모든 행에 같은 값을 채워 읽었습니다.")
        % {"refs": ", ".join(sorted(filled))}
    ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _parse_row(number, row, columns, pillars, missing_formulas) -> ParsedRow:
    values: dict = {}
    errors: list[RowError] = []
    key = ""
    for column_key, index in columns.items():
        label = COLUMN_BY_KEY[column_key].header
        raw = row[index] if index < len(row) else None
        if (number, index + 1) in missing_formulas:
            errors.append(
                RowError(
                    number,
                    label,
                    _(
                        "수식의 계산 결과가 파일에 저장되어 있지 않습니다. Excel에서 파일을 열어 "
                        "저장한 뒤 다시 올려 주세요."
                    ),
                )
            )
            continue
        if isinstance(raw, str):
            raw = normalize_text(raw)
        if raw is None or (isinstance(raw, str) and raw in BLANK_MARKS | {""}):
            if COLUMN_BY_KEY[column_key].required:
                errors.append(RowError(number, label, _("값이 비어 있습니다.")))
            continue
        try:
            parsed = PARSERS[column_key](raw, pillars)
        except FieldError as exc:
            errors.append(RowError(number, label, str(exc)))
            continue
        if column_key == "management_no":
            key = parsed
        values.update(parsed if isinstance(parsed, dict) else {column_key: parsed})
    values.pop("management_no", None)
    return ParsedRow(number=number, key=key, values=values, errors=errors)


def _mark_duplicates(rows: list[ParsedRow]) -> None:
    seen: dict[str, list[ParsedRow]] = {}
    for row in rows:
        if row.key:
            seen.setdefault(row.key, []).append(row)
    for key, group in seen.items():
        if len(group) < 2:
            continue
        for row in group:
            others = ", ".join(str(o.number) for o in group if o is not row)
            row.errors.append(
                RowError(
                    row.number,
                    COLUMN_BY_KEY["management_no"].header,
                    _('관리번호 "%(key)s"%(particle)s %(others)s행에도 있습니다.')
                    % {"key": key, "particle": subject_particle(key), "others": others},
                )
            )


# --- One parser per column: value in, normalised value out, FieldError with a message ---------


def _quoted(value) -> str:
    text = _text(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _single_line(value, max_length: int) -> str:
    text = " ".join(_text(value).split())
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
    text = _text(value).strip()
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
    names = split_list(_text(value))
    if len(names) > 1:
        raise FieldError(_("주관부서는 하나만 적어 주세요. 나머지는 협조부서에 적습니다."))
    return _single_line(names[0] if names else "", 100)


def parse_departments(value, pillars) -> list[str]:
    return [_single_line(name, 100) for name in split_list(_text(value))]


def parse_summary(value, pillars) -> str:
    return _text(value)


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
    match = PERIOD.match(_text(value).strip())
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
        text = re.sub(r"[,\s]|백만원$|백만$", "", _text(value))
    if not NUMBER.match(text):
        shown = _quoted(value)
        raise FieldError(
            _(
                '"%(value)s"%(particle)s 숫자가 아닙니다. 총사업비는 백만원 단위 숫자로 적어 '
                "주세요(예: 12,500)."
            )  # fmt: skip
            % {"value": shown, "particle": topic_particle(shown)}
        )
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - NUMBER already matched
        raise FieldError(_("숫자가 아닙니다.")) from exc
    if amount < 0:
        raise FieldError(_("총사업비는 0 이상이어야 합니다."))
    if amount != amount.quantize(Decimal("0.1")):
        raise FieldError(_("총사업비는 소수점 첫째 자리까지만 적을 수 있습니다."))
    if amount > MAX_BUDGET:
        raise FieldError(_("총사업비가 너무 큽니다. 백만원 단위로 적었는지 확인해 주세요."))
    return amount.quantize(Decimal("0.1"))


def parse_funding(value, pillars) -> dict:
    flags = dict.fromkeys(FUND_FIELDS, False)
    for token in split_list(_text(value)):
        name = FUNDS.get(normalize_header(token))
        if name is None:
            shown = _quoted(token)
            raise FieldError(
                _(
                    '"%(value)s"%(particle)s 알 수 없는 재원입니다. 국비·도비·시비·민자 중에서 '
                    "적어 주세요."
                )  # fmt: skip
                % {"value": shown, "particle": topic_particle(shown)}
            )
        flags[name] = True
    return flags


def parse_notes(value, pillars) -> str:
    return _text(value)


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
