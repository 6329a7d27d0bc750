"""The sample report: only the nine proposals the source article (광주일보, 2023-07-26) names.

Cells the article is silent on are blank — the importer leaves blank cells alone, so importing
this file over the seeded facts changes nothing. The list duplicates `reviews/seed_facts.py`
on purpose: `imports` never imports `reviews`. Rebuild the files with
`python -m imports.sample_data`.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
XLSX = HERE / "sample_report.xlsx"
CSV = HERE / "sample_report.csv"

# (관리번호, 사업명, 사업개요) as the article states them.
PROPOSALS = [
    (
        "기사-01",
        "미래산업 분야 글로벌 R&D 센터 유치",
        "광양 미래 먹거리로 떠오른 대표 신성장 사업으로 기사에 소개됨.",
    ),
    (
        "기사-02",
        "이차전지 소재부품 공정혁신 스마트공장 도입",
        "이차전지 소재부품 생산은 광양의 차세대 주요 산업. 광양 국가산단은 산단대개조 사업과 "
        "4차 산업혁명 시대에 맞는 고도화된 스마트공장 도입을 추진 중.",
    ),
    (
        "기사-03",
        "항만 3대 기본계획 변경",
        "해상운송 부문과 항만산업 경쟁력을 높이기 위한 주요 현안.",
    ),
    (
        "기사-04",
        "항만 연관 산업 실태조사",
        "해상운송 부문과 항만산업 경쟁력을 높이기 위한 주요 현안.",
    ),
    (
        "기사-05",
        "희소금속 비축·재자원화 거점 조성",
        "국제 물류 기반, 포스코 등 철강산업 기반, 인근 여수 중화학산업 기반을 갖춘 광양항만이 "
        "희소금속의 대량 비축과 신소재·친환경 대체 소재 개발의 최적지라는 설명.",
    ),
    (
        "기사-06",
        "그린수소 생산기지 구축",
        "중앙부처와 기업 협업이 필요한 사업으로, 실행력을 높일 방안을 논의.",
    ),
    (
        "기사-07",
        "상용차 중심 수소 모빌리티 특구 조성",
        "중앙부처와 기업 협업이 필요한 사업으로, 실행력을 높일 방안을 논의.",
    ),
    ("기사-08", "정부 연구기관 유치", "부서 간 협업이 필요한 사업안으로 논의됨."),
    ("기사-09", "공공지원 건축물 건립", "부서 간 협업이 필요한 사업안으로 논의됨."),
]


def rows() -> list[dict]:
    return [
        {"관리번호": no, "사업명": title, "사업개요": summary} for no, title, summary in PROPOSALS
    ]


def write_files() -> None:
    from imports.template import report_csv, report_workbook

    XLSX.write_bytes(report_workbook(rows()))
    CSV.write_bytes(report_csv(rows()))
