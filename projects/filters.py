import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Confidence, Department, Pillar, Proposal, ProposalStatus


class ProposalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("검색어"), method="search")
    pillar = django_filters.ModelChoiceFilter(label=_("전략"), queryset=Pillar.objects.all())
    lead_department = django_filters.ModelChoiceFilter(
        label=_("주관부서"), queryset=Department.objects.all()
    )
    status = django_filters.ChoiceFilter(label=_("추진 상태"), choices=ProposalStatus.choices)
    confidence = django_filters.ChoiceFilter(label=_("추진 신뢰도"), choices=Confidence.choices)
    ordering = django_filters.OrderingFilter(
        label=_("정렬"),
        fields=(
            ("management_no", "management_no"),
            ("title", "title"),
            ("progress", "progress"),
            ("last_update_at", "last_update_at"),
        ),
        field_labels={
            "management_no": _("관리번호"),
            "title": _("사업명"),
            "progress": _("진척률"),
            "last_update_at": _("최근 갱신"),
        },
    )

    class Meta:
        model = Proposal
        fields = ["q", "pillar", "lead_department", "status", "confidence"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))
