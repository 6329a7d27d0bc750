"""Turn a read table into normalised rows, with Korean errors per row and column.

Parsing touches no database: pillars come in as a `PillarIndex`. A blank cell means "the file
says nothing" and leaves the stored value alone; a lone '-' counts as blank.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from .columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    column_for_header,
    normalize_text,
    subject_particle,
)
from .fields import PARSERS, FieldError, PillarIndex, cell_text
from .readers import ImportFileError, Table, cell_ref

HEADER_SEARCH_ROWS = 20
PROGRESS_STEPS = 10
BLANK_MARKS = {"-", "–", "—", "_"}


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
    stated_date: str | None = None  # ISO date read from the title rows above the header

    def to_json(self) -> dict:
        """Return the error-free parse as JSON, so applying need not read the file again."""
        meta = {name: getattr(self, name) for name in META_FIELDS}
        rows = []
        for row in self.rows:
            values = dict(row.values)
            if values.get("pillar") is not None:
                values["pillar"] = values["pillar"].pk
            if values.get("budget_million") is not None:
                values["budget_million"] = str(values["budget_million"])
            rows.append([row.number, row.key, values])
        return {"meta": meta, "rows": rows}

    @classmethod
    def from_json(cls, data: dict, pillars_by_pk: dict) -> ParsedFile:
        """Rebuild a parse stored by to_json; KeyError if one of its pillars is gone."""
        rows = []
        for number, key, values in data["rows"]:
            if values.get("pillar") is not None:
                values["pillar"] = pillars_by_pk[values["pillar"]]
            if values.get("budget_million") is not None:
                values["budget_million"] = Decimal(values["budget_million"])
            rows.append(ParsedRow(number=number, key=key, values=values))
        return cls(**data["meta"], rows=rows)


META_FIELDS = (
    "format",
    "sheet",
    "sheet_names",
    "encoding",
    "header_row",
    "columns",
    "unknown_columns",
    "notices",
    "stated_date",
)


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
        text = normalize_text(cell_text(cell))
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
        if any(
            cell_text(cell).strip() and cell_text(cell).strip() not in BLANK_MARKS for cell in row
        )
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
    total = len(data_rows)
    reported = 0
    for position, (number, row) in enumerate(data_rows, start=1):
        parsed.append(_parse_row(number, row, columns, pillars, missing_formulas))
        # Ten reports whatever the size, so the query count does not grow with the rows.
        if progress and position * PROGRESS_STEPS // total > reported:
            reported = position * PROGRESS_STEPS // total
            progress(position, total)
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
        stated_date=_title_date(table.rows[: header_row - 1]),
    )


DATE = re.compile(r"((?:19|20)\d{2})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*일?")


def _title_date(rows: list[list]) -> str | None:
    """Return the one date the title rows above the header state (e.g. '2023. 4. 30. 기준').

    A cell saying '기준' wins over other dates; if no single date remains, None (the caller
    then uses the upload's date).
    """
    found: dict[datetime.date, bool] = {}
    for row in rows:
        for cell in row:
            if isinstance(cell, datetime.datetime | datetime.date):
                day = cell.date() if isinstance(cell, datetime.datetime) else cell
                found.setdefault(day, False)
                continue
            text = cell_text(cell)
            for match in DATE.finditer(text):
                try:
                    day = datetime.date(*(int(part) for part in match.groups()))
                except ValueError:
                    continue
                found[day] = found.get(day, False) or "기준" in text
    preferred = [day for day, stated in found.items() if stated] or list(found)
    return preferred[0].isoformat() if len(preferred) == 1 else None


def _find_header(rows: list[list]) -> int:
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        keys = {column_for_header(cell_text(cell)) for cell in row}
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


# The template's example row ('예시-01'): imported by mistake it would pose as the report's.
EXAMPLE_KEY_PREFIX = "예시-"


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
            if key.startswith(EXAMPLE_KEY_PREFIX):
                errors.append(
                    RowError(
                        number,
                        label,
                        _("양식의 작성 예시 행입니다. 지우고 실제 사업을 적어 주세요."),
                    )
                )
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
