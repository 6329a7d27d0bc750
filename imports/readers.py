"""Read an uploaded .xlsx or .csv into rows of cell values, or explain in Korean why not."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

import charset_normalizer
import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
KOREAN_ENCODINGS = {"cp949": "CP949", "euc_kr": "EUC-KR"}


class ImportFileError(Exception):
    """The file as a whole cannot be read; `message` says why, in Korean."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class MergedRange:
    ref: str
    min_row: int
    max_row: int
    min_col: int
    max_col: int


@dataclass
class Table:
    """The cells of one sheet; row n of the file is rows[n - 1]."""

    format: str
    rows: list[list] = field(default_factory=list)
    sheet: str = ""
    sheet_names: list[str] = field(default_factory=list)
    encoding: str = ""
    merged: list[MergedRange] = field(default_factory=list)
    # (row, column number) of formula cells whose computed value the file does not hold.
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)


def read_table(data: bytes, file_name: str, sheet: str | None = None) -> Table:
    """Return the table in `data`, or raise ImportFileError with a Korean message."""
    if not data:
        raise ImportFileError(_("빈 파일입니다. 내용이 있는 .xlsx 또는 .csv 파일을 올려 주세요."))
    limit = settings.GP_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportFileError(size_message(len(data)))
    name = (file_name or "").lower()
    if name.endswith(".xlsx"):
        table = _read_xlsx(data, sheet)
    elif name.endswith(".csv"):
        table = _read_csv(data)
    elif name.endswith(".xls"):
        raise ImportFileError(
            _(
                "예전 Excel 형식(.xls)은 읽을 수 없습니다. "
                "Excel에서 .xlsx로 저장해 다시 올려 주세요."
            )
        )
    else:
        raise ImportFileError(
            _("지원하지 않는 파일 형식입니다. .xlsx 또는 .csv 파일을 올려 주세요.")
        )
    max_rows = settings.GP_IMPORT_MAX_ROWS
    if len(table.rows) > max_rows + 100:
        raise ImportFileError(
            _("행이 너무 많습니다. 한 번에 %(max)s행까지 가져올 수 있습니다.")
            % {"max": f"{max_rows:,}"}
        )
    return table


def size_message(size: int) -> str:
    limit = settings.GP_IMPORT_MAX_BYTES
    return _("파일이 너무 큽니다(%(size)s). %(limit)s 이하의 파일만 올릴 수 있습니다.") % {
        "size": _megabytes(size),
        "limit": _megabytes(limit),
    }


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f}MB"


# --- xlsx -------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    if data.startswith(CFB_MAGIC):
        if ENCRYPTION_MARK in data:
            raise ImportFileError(
                _("암호로 보호된 통합문서입니다. Excel에서 암호를 해제한 뒤 다시 올려 주세요.")
            )
        raise ImportFileError(
            _("예전 Excel 형식(.xls) 파일입니다. Excel에서 .xlsx로 저장해 다시 올려 주세요.")
        )
    if not data.startswith(ZIP_MAGIC):
        raise ImportFileError(
            _(
                "이 파일은 .xlsx 통합문서가 아닙니다. 다른 형식의 파일에 확장자만 .xlsx로 "
                "붙인 것 같습니다. Excel에서 .xlsx로 저장해 다시 올려 주세요."
            )
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise _corrupt(exc) from exc
    try:
        return _read_sheet(workbook, sheet)
    finally:
        workbook.close()


def _corrupt(exc: Exception) -> ImportFileError:
    return ImportFileError(
        _("통합문서를 열 수 없습니다. 파일이 손상되었을 수 있습니다. (%(detail)s)")
        % {"detail": type(exc).__name__}
    )


def _read_sheet(workbook, sheet: str | None) -> Table:
    names = list(workbook.sheetnames)
    if sheet:
        if sheet not in names:
            raise ImportFileError(
                _("'%(sheet)s' 시트가 없습니다. 이 파일의 시트: %(names)s")
                % {"sheet": sheet, "names": ", ".join(names)}
            )
        worksheet = workbook[sheet]
    else:
        worksheet = workbook.worksheets[0]
    if not hasattr(worksheet, "_worksheet_path"):  # a chart sheet has no cells
        raise ImportFileError(_("'%(sheet)s' 시트에는 표가 없습니다.") % {"sheet": worksheet.title})
    limit = settings.GP_IMPORT_MAX_ROWS * 2 + 100
    rows: list[list] = []
    try:
        # Read-only mode trusts the file's recorded dimensions; some programs write wrong
        # ones, so read whatever rows and cells are really there.
        worksheet.reset_dimensions()
        for values in worksheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > limit:
                raise ImportFileError(
                    _("행이 너무 많습니다. 한 번에 %(max)s행까지 가져올 수 있습니다.")
                    % {"max": f"{settings.GP_IMPORT_MAX_ROWS:,}"}
                )
        xml = workbook._archive.read(worksheet._worksheet_path)
    except ImportFileError:
        raise
    except Exception as exc:
        raise _corrupt(exc) from exc
    return Table(
        format="xlsx",
        rows=rows,
        sheet=worksheet.title,
        sheet_names=names,
        merged=_merged_ranges(xml),
        formulas_without_value=_formulas_without_value(xml),
    )


MERGE_CELL = re.compile(rb'<mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
FORMULA_CELL = re.compile(rb'<c\s+r="([A-Z]+)(\d+)"[^>]*>(.*?)</c>', re.S)
CACHED_VALUE = re.compile(rb"<v>[^<]+</v>")


def _merged_ranges(xml: bytes) -> list[MergedRange]:
    """Read the sheet's merged ranges from its XML (read-only mode does not keep them)."""
    merged = []
    for ref in MERGE_CELL.findall(xml):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        merged.append(MergedRange(ref.decode(), min_row, max_row, min_col, max_col))
    return merged


def _formulas_without_value(xml: bytes) -> list[tuple[int, int]]:
    """Find formula cells whose computed value the file does not hold (saved by a program
    that does not calculate, not by Excel)."""
    if b"<f>" not in xml and b"<f " not in xml:
        return []
    found = []
    for column, row, body in FORMULA_CELL.findall(xml):
        if b"<f" in body and not CACHED_VALUE.search(body):
            found.append((int(row), column_index_from_string(column.decode())))
    return found


def cell_ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


# --- csv --------------------------------------------------------------------------------------


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=first_line.count)
    try:
        rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(
            _("CSV 파일의 형식이 올바르지 않습니다. (%(detail)s)") % {"detail": exc}
        ) from exc
    return Table(format="csv", rows=rows, encoding=encoding)


def _decode(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or CP949/EUC-KR; name the encoding used."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as exc:
            raise _encoding_error("UTF-8") from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise _encoding_error("UTF-16")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    detected = best.encoding if best else ""
    if detected in KOREAN_ENCODINGS:
        return str(best), KOREAN_ENCODINGS[detected]
    # Short Korean files are sometimes mistaken for another code page: accept CP949 when it
    # decodes cleanly and the text holds Hangul.
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        text = ""
    if text and any("가" <= ch <= "힣" for ch in text):
        return text, "CP949"
    raise _encoding_error(detected or _("알 수 없음"))


def _encoding_error(detected: str) -> ImportFileError:
    return ImportFileError(
        _(
            "CSV 파일의 문자 인코딩(%(encoding)s)을 읽을 수 없습니다. "
            "UTF-8 또는 CP949(EUC-KR)로 저장해 다시 올려 주세요."
        )
        % {"encoding": detected}
    )
