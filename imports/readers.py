"""Read an uploaded .xlsx or .csv into rows of cell values, or explain in Korean why not."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
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
    return table


def _row_cap() -> int:
    """Rows a reader keeps at most, blank ones included: the data rows allowed plus room
    for a title block, a header and a few blank lines."""
    return settings.GP_IMPORT_MAX_ROWS + 100


def _within_columns(cells: list, line: int, empty) -> list:
    """`cells` without trailing empty ones; refuse a row wider than GP_IMPORT_MAX_COLUMNS."""
    limit = settings.GP_IMPORT_MAX_COLUMNS
    if len(cells) > limit:
        while cells and cells[-1] in empty:
            cells.pop()
        if len(cells) > limit:
            raise _too_many_cells(line, len(cells))
    return cells


def _too_many_cells(line: int, count: int) -> ImportFileError:
    return ImportFileError(
        _(
            "%(line)s번째 줄의 칸이 너무 많습니다(%(count)s칸). 한 줄에 %(max)s칸까지 "
            "읽을 수 있습니다."
        )
        % {
            "line": f"{line:,}",
            "count": f"{count:,}",
            "max": f"{settings.GP_IMPORT_MAX_COLUMNS:,}",
        }
    )


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _(
            "행이 너무 많습니다(빈 행 포함 %(cap)s행 초과). 한 번에 %(max)s행까지 가져올 수 "
            "있습니다."
        )
        % {"cap": f"{_row_cap():,}", "max": f"{settings.GP_IMPORT_MAX_ROWS:,}"}
    )


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
    check_archive(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise _corrupt(exc) from exc
    try:
        return _read_sheet(workbook, sheet)
    finally:
        workbook.close()


def check_archive(data: bytes) -> None:
    """Refuse a zip whose members unpack to more than GP_IMPORT_MAX_UNPACKED_BYTES together
    or more than GP_IMPORT_MAX_RATIO times their compressed size, by their declared sizes
    and by what they really unpack to (read in chunks, never past the limit)."""
    limit = settings.GP_IMPORT_MAX_UNPACKED_BYTES
    ratio = settings.GP_IMPORT_MAX_RATIO
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _corrupt(exc) from exc
    declared = 0
    for info in members:
        declared += info.file_size
        if declared > limit:
            raise _unpacked_too_big()
        if _ratio_exceeded(info.file_size, info.compress_size, ratio):
            raise _ratio_too_high(info.filename)
    unpacked = 0
    with archive:
        for info in members:
            if info.is_dir():
                continue
            actual = 0
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        actual += len(chunk)
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise _unpacked_too_big()
                        if _ratio_exceeded(actual, info.compress_size, ratio):
                            raise _ratio_too_high(info.filename)
            except ImportFileError:
                raise
            except Exception as exc:  # a damaged member, an unsupported compression, ...
                raise _corrupt(exc) from exc


_CHUNK = 64 * 1024
# Members smaller than this are not held to the ratio: tiny, repetitive XML parts compress
# far better than any ratio worth setting.
_RATIO_FLOOR = 1024 * 1024


def _ratio_exceeded(size: int, compressed: int, ratio: int) -> bool:
    return size > _RATIO_FLOOR and size > ratio * max(compressed, 1)


def _unpacked_too_big() -> ImportFileError:
    return ImportFileError(
        _(
            "통합문서의 압축을 풀면 %(limit)s를 넘습니다. 압축을 푼 크기가 %(limit)s 이하인 "
            "파일만 가져올 수 있습니다. 불필요한 시트나 서식을 지워 다시 올려 주세요."
        )
        % {"limit": _megabytes(settings.GP_IMPORT_MAX_UNPACKED_BYTES)}
    )


def _ratio_too_high(member: str) -> ImportFileError:
    return ImportFileError(
        _(
            "통합문서의 '%(member)s' 부분이 비정상적으로 많이 압축되어 있습니다(%(ratio)s배 "
            "초과). 압축 폭탄일 수 있어 읽지 않았습니다."
        )
        % {"member": member[:100], "ratio": settings.GP_IMPORT_MAX_RATIO}
    )


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
    limit = _row_cap()
    rows: list[list] = []
    try:
        # Read-only mode streams the sheet row by row; it trusts the file's recorded
        # dimensions, and some programs write wrong ones, so read whatever rows and cells
        # are really there.
        worksheet.reset_dimensions()
        for values in worksheet.iter_rows(values_only=True):
            rows.append(_within_columns(list(values), len(rows) + 1, (None, "")))
            if len(rows) > limit:
                raise _too_many_rows()
        # check_archive has bounded this member's unpacked size.
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
    del data
    delimiter = max((",", "\t", ";"), key=_first_line(text).count)
    limit = _row_cap()
    rows: list[list] = []
    reader = csv.reader(_bounded_lines(text, delimiter), delimiter=delimiter)
    try:
        # One row at a time; blank lines count toward the cap like any other.
        for row in reader:
            if len(rows) >= limit:
                raise _too_many_rows()
            row = _within_columns(row, reader.line_num, ("",))
            for column, cell in enumerate(row, start=1):
                if "\x00" in cell:
                    raise _nul_in_csv(reader.line_num, column)
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(
            _("CSV 파일의 형식이 올바르지 않습니다. (%(detail)s)") % {"detail": exc}
        ) from exc
    return Table(format="csv", rows=rows, encoding=encoding)


def _bounded_lines(text: str, delimiter: str):
    """The text's physical lines, one at a time; a line with more separators than four times
    GP_IMPORT_MAX_COLUMNS is refused before the csv module builds its millions of cells."""
    limit = settings.GP_IMPORT_MAX_COLUMNS * 4
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if line.count(delimiter) > limit:
            raise _too_many_cells(number, line.count(delimiter) + 1)
        yield line


def _first_line(text: str) -> str:
    """The first line with something on it, without splitting the whole text."""
    start = 0
    for _number in range(_row_cap()):
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.strip():
            return line
        if end < 0:
            break
        start = end + 1
    return ""


def _nul_in_csv(line: int, column: int) -> ImportFileError:
    return ImportFileError(
        _(
            "CSV 파일 %(line)s번째 줄 %(column)s번째 칸에 NUL 문자(\\0)가 있습니다. "
            "텍스트 파일이 아니거나 손상된 파일입니다. 그 칸을 고쳐 다시 올려 주세요."
        )
        % {"line": f"{line:,}", "column": column}
    )


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
