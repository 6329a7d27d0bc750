"""FilterSets for the proposal list: every filter lives in the URL, so a view can be shared."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import (
    Confidence,
    Department,
    Pillar,
    Portfolio,
    Proposal,
    ProposalCode,
    ProposalStatus,
)

# (model field, URL parameter, label) of every sort order of the proposal list.
ORDERING = (
    ("management_no", "management_no", _("관리번호")),
    ("title", "title", _("사업명")),
    ("pillar__number", "pillar", _("전략")),
    ("lead_department__name", "department", _("주관부서")),
    ("status", "status", _("추진 상태")),
    ("confidence", "confidence", _("신뢰도")),
    ("progress", "progress", _("진척률")),
    ("last_update_at", "last_update_at", _("최근 갱신")),
)


def ordering_choices() -> list:
    """Each sort order ascending, then descending; every label translated when displayed."""
    choices = []
    for _field, param, label in ORDERING:
        choices.append((param, label))
        choices.append((f"-{param}", format_lazy(_("{label} (내림차순)"), label=label)))
    return choices


class ProposalFilterSet(django_filters.FilterSet):
    """The list's filters, within one portfolio.

    `portfolio` is the request's portfolio (`projects.portfolios`): the view passes it, and the
    form's field shows it; there is no "all portfolios" choice, so one portfolio's figures never
    mix with another's. Pillars offered are that portfolio's.
    """

    # Its choices are the portfolios the request already read (no query of its own).
    portfolio = django_filters.ChoiceFilter(
        label=_("사업군"), choices=[], empty_label=None, method="filter_portfolio"
    )
    q = django_filters.CharFilter(
        label=_("검색어"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("사업명·개요·관리번호 검색")}
        ),
    )
    pillar = django_filters.ModelChoiceFilter(
        label=_("전략"), queryset=Pillar.objects.all(), empty_label=_("전체")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("부서(주관·협조)"),
        queryset=Department.objects.all(),
        method="filter_department",
        empty_label=_("전체"),
    )
    # The dashboard links here with its own filter: the exact lead department only.
    lead_department = django_filters.ModelChoiceFilter(
        label=_("주관부서"), queryset=Department.objects.all(), empty_label=_("전체")
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("추진 상태"),
        choices=ProposalStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    confidence = django_filters.ChoiceFilter(
        label=_("추진 신뢰도"), choices=Confidence.choices, empty_label=_("전체")
    )
    stale_days = django_filters.NumberFilter(
        label=_("N일 이상 미갱신"),
        method="filter_stale",
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"min": 1, "max": 3650, "inputmode": "numeric"}),
    )
    ordering = django_filters.OrderingFilter(
        label=_("정렬"),
        empty_label=_("기본(관리번호순)"),
        fields=tuple((field, param) for field, param, _label in ORDERING),
        # Explicit choices: django-filter's own descending labels ("%s (descending)") are
        # formatted once at import time, in English, whatever the visitor's language.
        choices=ordering_choices(),
    )

    class Meta:
        model = Proposal
        fields = [
            "portfolio",
            "q",
            "pillar",
            "department",
            "lead_department",
            "status",
            "confidence",
            "stale_days",
        ]

    def __init__(
        self,
        data=None,
        *args,
        portfolio: Portfolio | None = None,
        portfolios: list[Portfolio] | None = None,
        **kwargs,
    ):
        if portfolio is not None:
            # The request's portfolio wins over a missing or unknown ?portfolio= value.
            data = data.copy() if data is not None else {}
            data["portfolio"] = str(portfolio.pk)
        super().__init__(data, *args, **kwargs)
        if portfolio is not None:
            self.filters["pillar"].queryset = Pillar.objects.filter(portfolio=portfolio)
        shown = portfolios or ([portfolio] if portfolio is not None else [])
        self.filters["portfolio"].extra["choices"] = [(str(p.pk), str(p)) for p in shown]

    def filter_portfolio(self, queryset, name, value):
        return queryset.filter(portfolio_id=int(value)) if value else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # icontains is a substring match, so '수소' finds '그린수소' (PostgreSQL and SQLite).
        # Codes too, former ones included (a code replaced by a report's stays findable).
        former = ProposalCode.objects.filter(code__icontains=value).values("proposal_id")
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(management_no__icontains=value)
            | Q(pk__in=former)
        )

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        supported = Proposal.supporting_departments.through.objects.filter(
            department_id=value.pk
        ).values("proposal_id")
        # A subquery instead of a join keeps one row per proposal (no DISTINCT needed).
        return queryset.filter(Q(lead_department=value) | Q(pk__in=supported))

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.stale(int(value))
