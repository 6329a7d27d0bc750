"""What the source article (광주일보, 2023-07-26) states, and nothing more.

Where the article does not say a fact — a proposal's pillar, its department, a due date — the
value is left empty, or, where the link is plain from the article's wording, filled and listed
in `inferred_fields` so the UI marks it '추정'. Where it says nothing of an agenda item's
verdict or a follow-up's progress, the seed records "기사에 기록 없음", never 미검토 / 진행중.

The article's text is in /work/shared/seeds (the product's source); its exact words below are
copied from it: titles marked verbatim are its words, the three in SHORTENED_TITLES shorten a
phrase of it (shown with the phrase), and the deputy mayor's quote is whole.
"""

import datetime
from zoneinfo import ZoneInfo

# The facts' as-of date: the meeting the article reports (2023-07-24), and the article's own
# publication date. Every seeded row is as of ARTICLE_AS_OF (for "since the last meeting"
# figures: these proposals existed at that meeting whenever the seed ran); the provenance
# marks carry the publication date ("기사 2023-07-26").
ARTICLE_AS_OF = datetime.date(2023, 7, 24)
ARTICLE_PUBLISHED = datetime.date(2023, 7, 26)
# The article does not say when the meeting ended; it is recorded as closed that evening.
MEETING_CLOSED_AT = datetime.datetime(2023, 7, 24, 18, 0, tzinfo=ZoneInfo("Asia/Seoul"))
# The report's number of proposals, as the article states it (35개 사업안).
STATED_TOTAL = 35

PORTFOLIO = {
    "code": "future-growth-2023",
    "name": "미래 신성장 동력 발굴사업",
    "year": 2023,
    "source": "광주전남연구원 「미래 신성장 동력 발굴 용역」(2023년 4월 완료), 35개 사업안",
    "description": (
        "2017년 수립한 '2030 광양시 종합발전 계획' 이후 변화된 지역 여건을 반영해 새로운 발전 "
        "전략을 세우기 위해 추진한 용역의 사업안입니다. 출처: 광주일보 2023-07-26 기사."
    ),
}

PILLARS = [
    (1, "항만·철강 연관산업 육성·지원"),
    (2, "기후변화 대응 미래 신성장 산업 발굴"),
    (3, "남해안 남부권 신성장 거점지대 도약"),
    (4, "남해안 남부권 문화·관광 중심지대"),
    (5, "누구나 편안한 미래 행복도시"),
]

# (management_no, title, pillar number or None, pillar inferred?, summary from the article)
PROPOSALS = [
    (
        "기사-01",
        "미래산업 분야 글로벌 R&D 센터 유치",
        None,
        False,
        "광양 미래 먹거리로 떠오른 대표 신성장 사업으로 기사에 소개됨.",
    ),
    (
        "기사-02",
        "이차전지 소재부품 공정혁신 스마트공장 도입",
        None,
        False,
        "이차전지 소재부품 생산은 광양의 차세대 주요 산업. 광양 국가산단은 산단대개조 사업과 "
        "4차 산업혁명 시대에 맞는 고도화된 스마트공장 도입을 추진 중.",
    ),
    (
        "기사-03",
        "항만 3대 기본계획 변경",
        1,
        True,
        "해상운송 부문과 항만산업 경쟁력을 높이기 위한 주요 현안.",
    ),
    (
        "기사-04",
        "항만 연관 산업 실태조사",
        1,
        True,
        "해상운송 부문과 항만산업 경쟁력을 높이기 위한 주요 현안.",
    ),
    (
        "기사-05",
        "희소금속 비축·재자원화 거점 조성",
        1,
        True,
        "국제 물류 기반, 포스코 등 철강산업 기반, 인근 여수 중화학산업 기반을 갖춘 광양항만이 "
        "희소금속의 대량 비축과 신소재·친환경 대체 소재 개발의 최적지라는 설명.",
    ),
    (
        "기사-06",
        "그린수소 생산기지 구축",
        2,
        True,
        "중앙부처와 기업 협업이 필요한 사업으로, 실행력을 높일 방안을 논의.",
    ),
    (
        "기사-07",
        "상용차 중심 수소 모빌리티 특구 조성",
        2,
        True,
        "중앙부처와 기업 협업이 필요한 사업으로, 실행력을 높일 방안을 논의.",
    ),
    ("기사-08", "정부 연구기관 유치", None, False, "부서 간 협업이 필요한 사업안으로 논의됨."),
    ("기사-09", "공공지원 건축물 건립", None, False, "부서 간 협업이 필요한 사업안으로 논의됨."),
]

# Titles that shorten the article's wording (not its exact words), with the article's phrase.
# Every other title in PROPOSALS appears word for word in the article.
SHORTENED_TITLES = {
    "기사-05": "광양에 희소금속 비축·재자원화 거점을 조성하자는 방안",
    "기사-08": "정부 연구기관을 유치하고",
    "기사-09": "공공지원 건축물을 건립하는",
}

# Decisions the article reports for particular proposals.
REVIEW_DECISIONS = {
    "기사-06": "중앙부처·기업 협업을 통해 실행력을 높일 방안을 논의함.",
    "기사-07": "중앙부처·기업 협업을 통해 실행력을 높일 방안을 논의함.",
    "기사-08": "부서 간 협업이 필요한 사업안으로 논의함.",
    "기사-09": "부서 간 협업이 필요한 사업안으로 논의함.",
}

MEETING = {
    "title": "미래 신성장 동력 발굴사업 실행방안 보고회",
    "held_on": datetime.date(2023, 7, 24),
    "chair_name": "주순선 부시장",
    "attendee_count": 15,
    "minutes": (
        "주순선 부시장 주재, 부서장 15명 참석. 용역 결과 제시된 35개 사업안을 1차 검토함.\n"
        "- 관련 부서장들이 사업 실행방안의 타당성을 점검하고 미비점 보완 방법을 찾음.\n"
        "- 기획재정부가 발표한 '지방 활성화 투자 펀드 운영 방안'을 논의함.\n"
        "- 사업안이 원활히 추진되도록 주무 부처 동향을 파악하고 기업 정보 공유를 활성화하기로 함.\n"
        "- 사업안의 내실을 다지기 위해 전문가 토론회 등을 열기로 함.\n"
        "- 지역 일자리 창출, 세수 증가, 인구 유입, 지역 상권 활성화를 이끌 대규모 사업안을 "
        "지속해서 발굴하기로 함.\n"
        "부시장: “이번에 발굴된 35개 사업에 대해 추진이 어렵다는 생각보다는 열린 마음과 "
        "적극적인 사고로 사업을 추진해 실행력을 높일 것”\n"
        "(출처: 광주일보 2023-07-26 기사)"
    ),
}

# The deputy mayor's words, whole, as the article quotes them.
QUOTE = (
    "이번에 발굴된 35개 사업에 대해 추진이 어렵다는 생각보다는 열린 마음과 적극적인 사고로 "
    "사업을 추진해 실행력을 높일 것"
)

# (kind, description) — cross-cutting: no proposal, owner and due date are not in the article.
# Agreed at the meeting; the article records no progress, so they are "기사에 기록 없음".
ACTIONS = [
    (
        "ministry_trends",
        "거론된 사업안이 원활하게 추진될 수 있도록 관련 주무 부처 동향을 파악한다.",
    ),
    ("company_info", "사업안 추진을 위해 기업 정보 공유를 활성화한다."),
    ("expert_forum", "사업안의 내실을 다지기 위해 전문가 토론회 등을 연다."),
    (
        "project_discovery",
        "지역 일자리 창출, 세수 증가, 인구 유입, 지역 상권 활성화를 이끌 대규모 사업안을 "
        "지속해서 발굴한다.",
    ),
]
