"""Reading and parsing report files: formats, encodings, headers, and every bad input."""

import io
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from imports.columns import HEADERS, normalize_text, split_list, topic_particle
from imports.fields import PillarIndex
from imports.parse import parse_table
from imports.readers import ImportFileError, read_table
from tests.import_files import csv_bytes, row, with_cached_formula_values, xlsx

PILLARS = PillarIndex.of(
    [
        SimpleNamespace(pk=n, number=n, name=name)
        for n, name in [
            (1, "항만·철강 연관산업 육성·지원"),
            (2, "기후변화 대응 미래 신성장 산업 발굴"),
            (3, "남해안 남부권 신성장 거점지대 도약"),
            (4, "남해안 남부권 문화·관광 중심지대"),
            (5, "누구나 편안한 미래 행복도시"),
        ]
    ]
)


def parse(data, name="report.xlsx", sheet=None):
    return parse_table(read_table(data, name, sheet), PILLARS)


def file_error(data, name="report.xlsx", sheet=None) -> str:
    with pytest.raises(ImportFileError) as info:
        parse(data, name, sheet)
    return info.value.message


def errors_of(parsed) -> list[str]:
    return [str(e) for r in parsed.rows for e in r.errors]


# --- Well-formed files -------------------------------------------------------------------------


def test_a_full_row_is_normalised_into_model_values():
    """Every column is read: pillar by number, lists split, period and budget parsed."""
    data = xlsx(
        [
            row(
                "A-01",
                "  그린수소   생산기지 구축 ",
                pillar=2,
                lead="기후에너지과",
                support="항만물류과, 기업지원과·투자유치과\n관광과",
                summary="수소 생산\n기지 구축",
                origin="신규",
                period="2024~2030",
                budget="12,500",
                funding="국비·시비",
                notes="비고 내용",
            )
        ]
    )
    parsed = parse(data)
    values = parsed.rows[0].values
    assert parsed.rows[0].key == "A-01"
    assert values["title"] == "그린수소 생산기지 구축"
    assert values["pillar"].number == 2
    assert values["lead_department"] == "기후에너지과"
    assert values["supporting_departments"] == ["항만물류과", "기업지원과", "투자유치과", "관광과"]
    assert values["summary"] == "수소 생산\n기지 구축"
    assert values["origin"] == "new"
    assert (values["start_year"], values["end_year"]) == (2024, 2030)
    assert values["budget_million"] == Decimal("12500.0")
    assert values["fund_national"] and values["fund_city"]
    assert not values["fund_province"] and not values["fund_private"]
    assert values["notes"] == "비고 내용"
    assert parsed.rows[0].errors == []


def test_headers_in_any_order_with_english_aliases_and_title_rows_above():
    """English aliases and reordered columns work; a title row above the header is skipped."""
    headers = ["Title", "Budget", "Management No", "Pillar", "Funding"]
    data = xlsx(
        [
            [
                "R&D 센터 유치",
                1200.5,
                "B-7",
                "기후변화 대응 미래 신성장 산업 발굴",
                "national, private",
            ]
        ],
        headers=headers,
        before=[["광양시 미래 신성장 동력 사업 목록"], []],
    )
    parsed = parse(data)
    values = parsed.rows[0].values
    assert parsed.header_row == 3
    assert parsed.rows[0].number == 4
    assert parsed.rows[0].key == "B-7"
    assert values["pillar"].number == 2
    assert values["budget_million"] == Decimal("1200.5")
    assert values["fund_national"] and values["fund_private"]


def test_blank_rows_spaces_and_full_width_characters_are_tolerated():
    """Blank rows are skipped; full-width digits and letters become ordinary ones."""
    data = xlsx(
        [
            [None] * len(HEADERS),
            row(
                "Ａ－０１",
                "  사업　하나  ",
                pillar="１",
                budget="１，０００",
                period="２０２４～２０２６",
            ),
            ["   "] * len(HEADERS),
            row("A-02", "사업 둘", pillar="전략 3"),
        ]
    )
    parsed = parse(data)
    assert [r.key for r in parsed.rows] == ["A-01", "A-02"]
    first = parsed.rows[0].values
    assert first["title"] == "사업 하나"
    assert first["pillar"].number == 1
    assert first["budget_million"] == Decimal("1000.0")
    assert (first["start_year"], first["end_year"]) == (2024, 2026)
    assert parsed.rows[1].values["pillar"].number == 3
    assert errors_of(parsed) == []


def test_blank_cells_and_dashes_say_nothing():
    """A blank cell or a lone '-' leaves the field out, so the stored value stays."""
    parsed = parse(xlsx([row("A-01", "사업", pillar="-", budget=None, notes="")]))
    assert set(parsed.rows[0].values) == {"title"}


def test_unknown_columns_are_reported_and_ignored():
    """A column the importer does not know is named in a notice and not read."""
    parsed = parse(xlsx([["A-01", "사업", "홍길동"]], headers=["관리번호", "사업명", "담당자"]))
    assert parsed.unknown_columns == ["'담당자'(C1)"]
    assert any("담당자" in n and "무시" in n for n in parsed.notices)
    assert set(parsed.rows[0].values) == {"title"}


def test_chosen_sheet_is_read():
    """--sheet / the sheet field picks a sheet other than the first."""
    data = xlsx(
        [row("A-01", "첫 시트 사업")],
        extra_sheets=[("수정본", [HEADERS, ["B-01", None, "둘째 시트 사업"]])],
    )
    parsed = parse(data, sheet="수정본")
    assert parsed.sheet == "수정본"
    assert parsed.rows[0].values["title"] == "둘째 시트 사업"
    assert "'없는시트' 시트가 없습니다" in file_error(data, sheet="없는시트")


def test_formulas_are_read_as_their_computed_values():
    """A formula cell gives the value Excel saved with it, not the formula text."""
    data = xlsx([["A-01", None, "사업", None, None, None, None, None, "=1000*2"]])
    data = with_cached_formula_values(data, {"I2": "2000"})
    parsed = parse(data)
    assert parsed.rows[0].values["budget_million"] == Decimal("2000.0")


def test_a_formula_without_a_saved_value_is_an_error_for_that_cell():
    """A file written by a program (no computed values) gets a per-cell message."""
    data = xlsx([["A-01", None, "사업", None, None, None, None, None, "=1000*2"]])
    parsed = parse(data)
    assert any(e.startswith("2행 총사업비(백만원): 수식의 계산 결과") for e in errors_of(parsed))


def test_vertically_merged_data_cells_fill_every_row():
    """전략 merged down over several rows counts for each of them, with a notice."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(HEADERS)
    ws.append(["A-01", 1, "하나"])
    ws.append(["A-02", None, "둘"])
    ws.merge_cells("B2:B3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse(buffer.getvalue())
    assert [r.values["pillar"].number for r in parsed.rows] == [1, 1]
    assert any("B2:B3" in n for n in parsed.notices)


# --- CSV encodings -----------------------------------------------------------------------------

ENCODED_ROWS = [row("가-01", "희소금속 비축·재자원화 거점 조성", lead="항만물류과", budget="3,000")]


@pytest.mark.parametrize(
    ("encoding", "bom", "reported"),
    [("utf-8", False, "UTF-8"), ("utf-8", True, "UTF-8 (BOM)"), ("cp949", False, None)],
)
def test_csv_in_utf8_with_or_without_bom_and_cp949_is_read(encoding, bom, reported):
    """UTF-8 (with or without BOM) and CP949 give the same rows; the encoding is named."""
    data = csv_bytes(ENCODED_ROWS * 1, encoding=encoding, bom=bom)
    table = read_table(data, "report.csv")
    parsed = parse_table(table, PILLARS)
    assert parsed.rows[0].key == "가-01"
    assert parsed.rows[0].values["title"] == "희소금속 비축·재자원화 거점 조성"
    assert parsed.rows[0].values["budget_million"] == Decimal("3000.0")
    if reported:
        assert table.encoding == reported
    else:
        assert table.encoding in ("CP949", "EUC-KR")


def test_csv_with_a_quoted_newline_keeps_the_cell_together():
    """A quoted cell may hold line breaks (e.g. one supporting department per line)."""
    data = csv_bytes([row("A-01", "사업", support="가과\n나과")])
    parsed = parse(data, "report.csv")
    assert parsed.rows[0].values["supporting_departments"] == ["가과", "나과"]


def test_csv_in_an_unexpected_encoding_is_refused():
    """UTF-16 and unreadable byte soup get a message naming the accepted encodings."""
    utf16 = "\ufeff관리번호,사업명\r\nA,B".encode("utf-16-le")
    assert "UTF-8 또는 CP949" in file_error(utf16, "report.csv")
    latin = "관리번호,사업명\r\nA-1,Café crème".encode().replace(b"\xc3\xa9", b"\xe9")
    assert "UTF-8 또는 CP949" in file_error(latin + b"\xff\xfe\xfa", "report.csv")


# --- Bad files ---------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    assert "빈 파일" in file_error(b"")


def test_a_file_with_headers_only_is_refused():
    assert "사업 행이 없습니다" in file_error(xlsx([]))


def test_another_file_type_renamed_to_xlsx_is_refused():
    """A PDF (or a CSV) with an .xlsx name is named as not a workbook."""
    assert "xlsx 통합문서가 아닙니다" in file_error(b"%PDF-1.7 fake pdf", "report.xlsx")
    assert "xlsx 통합문서가 아닙니다" in file_error(csv_bytes([]), "report.xlsx")


def test_a_corrupt_workbook_is_refused():
    """A zip that is not a workbook, or a truncated workbook, cannot be opened."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert "통합문서를 열 수 없습니다" in file_error(buffer.getvalue())
    truncated = xlsx([row("A-01", "사업")])[:600]
    assert "통합문서를 열 수 없습니다" in file_error(truncated)


def test_a_password_protected_workbook_is_refused():
    """Excel stores an encrypted workbook in an OLE container with an EncryptionInfo stream."""
    fake = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptionInfo".encode("utf-16-le")
    )
    assert "암호로 보호된" in file_error(fake)
    assert ".xls" in file_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_other_extensions_are_refused():
    assert "지원하지 않는 파일 형식" in file_error(b"data", "report.pdf")
    assert ".xls" in file_error(b"data", "report.xls")


def test_merged_header_cells_are_refused():
    """A merged header cell hides a column name: the message names the range."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["관리번호", "사업명", None, "전략"])
    ws.append(["A-01", "사업", None, 1])
    ws.merge_cells("B1:C1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    message = file_error(buffer.getvalue())
    assert "머리글에 병합된 셀(B1:C1)" in message


def test_missing_required_columns_and_no_header_are_refused():
    assert "필수 열(관리번호)" in file_error(xlsx([["사업"]], headers=["사업명", "전략"]))
    assert "머리글 행을 찾을 수 없습니다" in file_error(xlsx([["x"]], headers=["아무개"]))


def test_a_column_given_twice_is_refused():
    message = file_error(xlsx([["A", "B", "C"]], headers=["관리번호", "사업명", "Title"]))
    assert "'사업명' 열이 두 번 있습니다(B1, C1)" in message


def test_a_file_over_the_size_limit_is_refused_before_reading(settings):
    """A 50 MB file is refused by size, with the limit in the message."""
    settings.GP_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    message = file_error(b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024))
    assert "파일이 너무 큽니다(50.0MB)" in message
    assert "10.0MB 이하" in message


def test_too_many_rows_are_refused(settings):
    settings.GP_IMPORT_MAX_ROWS = 5
    data = csv_bytes([row(f"A-{n}", "사업") for n in range(6)])
    assert "한 번에 5행까지" in file_error(data, "report.csv")


def test_ten_thousand_rows_are_read():
    """A 10,000-row file is within the limit and every row is parsed."""
    data = csv_bytes([row(f"A-{n:05d}", f"사업 {n}", pillar=n % 5 + 1) for n in range(10_000)])
    parsed = parse(data, "report.csv")
    assert len(parsed.rows) == 10_000
    assert errors_of(parsed) == []


# --- Bad rows: Korean messages per row and column ----------------------------------------------


def test_a_pillar_that_does_not_exist_names_row_and_column():
    """The message reads like the issue's example: '12행 전략: "7"은 없는 전략입니다'."""
    rows = [row(f"A-{n}", "사업", pillar=1) for n in range(10)] + [row("A-X", "사업", pillar=7)]
    parsed = parse(xlsx(rows))
    assert '12행 전략: "7"은 없는 전략입니다' in errors_of(parsed)[0]


def test_text_in_the_budget_column_is_an_error():
    parsed = parse(xlsx([row("A-01", "사업", budget="많음"), row("A-02", "사업", budget=-5)]))
    messages = errors_of(parsed)
    assert messages[0].startswith('2행 총사업비(백만원): "많음"은 숫자가 아닙니다')
    assert messages[1] == "3행 총사업비(백만원): 총사업비는 0 이상이어야 합니다."


def test_duplicate_management_numbers_are_errors_on_every_copy():
    parsed = parse(xlsx([row("A-01", "하나"), row("A-02", "둘"), row("A-01", "셋")]))
    assert errors_of(parsed) == [
        '2행 관리번호: 관리번호 "A-01"이 4행에도 있습니다.',
        '4행 관리번호: 관리번호 "A-01"이 2행에도 있습니다.',
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"origin": "계속"}, '2행 구분: "계속"은 알 수 없는 구분입니다.'),
        ({"period": "내년"}, '2행 사업기간: "내년"은 사업기간 형식이 아닙니다. 예: 2024~2030'),
        ({"period": "2030~2024"}, "2행 사업기간: 종료 연도(2024)가 시작 연도(2030)보다 빠릅니다."),
        ({"funding": "국비·기금"}, '2행 재원: "기금"은 알 수 없는 재원입니다.'),
        ({"lead": "가과, 나과"}, "2행 주관부서: 주관부서는 하나만 적어 주세요."),
        ({"budget": "1.25"}, "2행 총사업비(백만원): 총사업비는 소수점 첫째 자리까지만"),
        ({"title": None}, "2행 사업명: 값이 비어 있습니다."),
        ({"budget": "1" + "0" * 27}, "2행 총사업비(백만원): 총사업비가 너무 큽니다."),
    ],
)
def test_bad_cells_get_a_korean_message_with_row_and_column(cells, expected):
    title = cells.pop("title", "사업")
    parsed = parse(xlsx([row("A-01", title, **cells)]))
    assert any(m.startswith(expected) for m in errors_of(parsed)), errors_of(parsed)


def test_period_forms():
    """'2024~2030', '2024-2030', '2024년~2030년', '2024~' and a single year are accepted."""
    cases = {
        "2024-2030": (2024, 2030),
        "2024년~2030년": (2024, 2030),
        "2024~": (2024, None),
        "2025": (2025, 2025),
    }
    for text, years in cases.items():
        values = parse(xlsx([row("A", "사업", period=text)])).rows[0].values
        assert (values["start_year"], values["end_year"]) == years, text


# --- Helpers -----------------------------------------------------------------------------------


def test_text_helpers():
    assert normalize_text("  가ㆍ나　ＡＢ  \r\n 둘째  줄 ") == "가ㆍ나 AB\n둘째 줄"
    assert split_list("가과ㆍ나과, 가과 ;다과") == ["가과", "나과", "다과"]
    assert [topic_particle(w) for w in ("7", "2", "사업", "부서", "abc")] == [
        "은",
        "는",
        "은",
        "는",
        "은(는)",
    ]
