"""Template filters that ask `projects.permissions`, so templates never re-implement a rule,
and the display format of amounts."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects import permissions, provenance

register = template.Library()


@register.filter
def can_edit_proposal(user, proposal) -> bool:
    return permissions.can_edit_proposal(user, proposal)


@register.filter
def can_comment_proposal(user, proposal) -> bool:
    return permissions.can_comment_proposal(user, proposal)


@register.filter
def days_since(moment) -> int | None:
    """Return whole days from `moment` until now (None when there is no moment)."""
    if not moment:
        return None
    return (timezone.now() - moment).days


def format_million(value) -> str:
    """An amount in 백만원 with thousands separators: 15,890 (decimals only when present).

    Also takes the text of an older import preview ("26,280.0"); other text comes back as is.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount.normalize():,f}"


@register.filter
def million(value) -> str:
    """`{{ proposal.budget_million|million }}`: see `format_million`; blank when unknown."""
    return format_million(value)


@register.filter
def source_of(proposal, fact: str):
    """`{{ proposal|source_of:"title" }}`: what to show of that field's source (or None)."""
    return provenance.source_mark((proposal.field_sources or {}).get(fact))


@register.filter
def source_badge(obj) -> str:
    """The list badge of a row: "demo", "article", "shortened", "mixed", "summary" or "" (see
    `provenance.row_badge`); rows without field sources (meetings, actions) use their
    `data_source`."""
    if hasattr(obj, "field_sources"):
        return provenance.row_badge(obj)
    kind = {"demo": "demo", "article": "article"}.get(getattr(obj, "data_source", ""), "")
    if kind == "article" and obj._meta.model_name == "followupaction":
        return "summary"  # the seed words a follow-up after the article, not in its words
    return kind


# Badges shown on every row of the lists: simple tags (one Python call each) rather than
# `{% include %}`s, which cost a template render per row.
_SOURCE_BADGES = {
    "demo": ("badge-demo", _("데모"), _("시험용 가상 자료")),
    "article": ("badge-fact", _("기사 확인"), _("기사에 그대로 나온 사실")),
    "shortened": (
        "badge-inferred",
        _("기사 표현 축약"),
        _("기사의 표현을 줄인 사업명입니다. 원문은 상세 화면에 있습니다."),
    ),
    "summary": (
        "badge-inferred",
        _("기사 요약"),
        _("기사 내용을 요약한 것으로, 기사 원문 그대로가 아닙니다."),
    ),
    "mixed": (
        "badge-mixed",
        _("기사·기타 출처"),
        _(
            "기사와 다른 출처(보고서, 직접 수정)의 값이 섞여 있습니다. 항목별 출처는 상세 "
            "화면에 있습니다."
        ),
    ),
}


@register.simple_tag
def status_badge(status, label):
    """A proposal's status (추진 상태) as a coloured badge."""
    return format_html('<span class="status status-{}">{}</span>', status, label)


@register.simple_tag
def confidence_badge(value, label):
    """A confidence grade (신뢰도) with its dot, or "미평가"."""
    if not value:
        return format_html('<span class="muted">{}</span>', _("미평가"))
    return format_html(
        '<span class="confidence confidence-{}"><span aria-hidden="true">●</span> {}</span>',
        value,
        label,
    )


@register.simple_tag
def data_source_badge(obj):
    """Where a row's facts come from (demo, the article, …), or nothing (see source_badge)."""
    badge = _SOURCE_BADGES.get(source_badge(obj))
    if badge is None:
        return ""
    css, label, title = badge
    return format_html('<span class="badge {}" title="{}">{}</span>', css, title, label)
