"""The dashboard's filters.

`pillar`, `lead_department` and `status` mean the same on the proposal list (ProposalFilterSet),
so the dashboard's query string also filters the list and its XLSX export. `portfolio` is read by
`projects.portfolios` (every page's portfolio), not by this filterset. `period` and `sort`
are the dashboard's own and the list ignores them. Note the list's `department` is a different
filter (lead OR supporting department); the dashboard counts by lead department only.
"""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from projects.models import Department, Pillar, Proposal, ProposalStatus

# Comparison windows: blank means "since the last review meeting".
PERIOD_CHOICES = [
    ("7", _("최근 7일")),
    ("30", _("최근 30일")),
    ("90", _("최근 90일")),
]
# The query parameters the dashboard understands (the cache key is built from these only).
PARAMS = ("pillar", "lead_department", "status", "period", "sort")


class DashboardFilterSet(django_filters.FilterSet):
    """Narrow the dashboard to a pillar, a lead department or statuses; choose the period."""

    pillar = django_filters.ModelChoiceFilter(
        label=_("전략"),
        queryset=Pillar.objects.order_by("portfolio", "number"),
        empty_label=_("전체"),
    )
    lead_department = django_filters.ModelChoiceFilter(
        label=_("주관부서"), queryset=Department.objects.order_by("name"), empty_label=_("전체")
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("추진 상태"), choices=ProposalStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    period = django_filters.ChoiceFilter(
        label=_("비교 기간"),
        choices=PERIOD_CHOICES,
        empty_label=_("지난 보고회 이후"),
        method="keep",
    )

    class Meta:
        model = Proposal
        fields = ["pillar", "lead_department", "status", "period"]

    def __init__(self, *args, portfolio=None, **kwargs):
        super().__init__(*args, **kwargs)
        if portfolio is not None:
            # Only the chosen portfolio's pillars can be picked (another's is refused).
            self.filters["pillar"].queryset = Pillar.objects.filter(portfolio=portfolio).order_by(
                "number"
            )

    def keep(self, queryset, name, value):
        """Leave the proposals alone: the period only moves the comparison date."""
        return queryset

    def value(self, name):
        """Return the cleaned value of filter `name` (None or empty when unset or invalid)."""
        if not self.is_bound:
            return None
        self.form.is_valid()  # cleans every field; the valid ones land in cleaned_data
        return self.form.cleaned_data.get(name)

    def actions(self, queryset: QuerySet) -> QuerySet:
        """Apply the same choices to follow-up actions (owner department, proposal's pillar…)."""
        pillar, department, statuses = (
            self.value("pillar"),
            self.value("lead_department"),
            self.value("status"),
        )
        if department:
            queryset = queryset.filter(owner_department=department)
        if pillar:
            queryset = queryset.filter(proposal__pillar=pillar)
        if statuses:
            queryset = queryset.filter(proposal__status__in=statuses)
        return queryset
