"""Build report files for the import tests: xlsx and csv, well-formed and broken."""

import io
import re
import zipfile

import openpyxl

from imports.columns import HEADERS


def row(no, title, **cells) -> dict:
    """A report row keyed by Korean header; keyword names use the model-ish short names."""
    names = {
        "pillar": "전략",
        "lead": "주관부서",
        "support": "협조부서",
        "summary": "사업개요",
        "origin": "구분",
        "period": "사업기간",
        "budget": "총사업비(백만원)",
        "funding": "재원",
        "notes": "비고",
    }
    out = {"관리번호": no, "사업명": title}
    for key, value in cells.items():
        out[names.get(key, key)] = value
    return out


def xlsx(rows, headers=HEADERS, *, sheet="사업목록", before=(), extra_sheets=()) -> bytes:
    """Return an .xlsx whose first sheet has `before` rows, the headers, then `rows`."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    for line in before:
        ws.append(line)
    ws.append(list(headers))
    for r in rows:
        ws.append([r.get(h) for h in headers] if isinstance(r, dict) else list(r))
    for name, lines in extra_sheets:
        other = workbook.create_sheet(name)
        for line in lines:
            other.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS, *, encoding="utf-8", bom=False) -> bytes:
    lines = [",".join(headers)]
    for r in rows:
        cells = [r.get(h) for h in headers] if isinstance(r, dict) else list(r)
        lines.append(",".join(_csv_cell(c) for c in cells))
    data = "\r\n".join(lines).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if any(ch in text for ch in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def with_cached_formula_values(data: bytes, values: dict[str, str]) -> bytes:
    """Write computed values into formula cells, as Excel does when it saves a file."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                xml = content.decode()
                for ref, value in values.items():
                    xml = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                        rf"\1\2<v>{value}</v>",
                        xml,
                    )
                content = xml.encode()
            target.writestr(item, content)
    return out.getvalue()
