from django.views.generic import DetailView
from django_filters.views import FilterView

from .filters import ProposalFilterSet
from .models import Proposal


class ProposalListView(FilterView):
    filterset_class = ProposalFilterSet
    template_name = "projects/proposal_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Proposal.objects.with_list_relations()


class ProposalDetailView(DetailView):
    template_name = "projects/proposal_detail.html"

    def get_queryset(self):
        return Proposal.objects.with_list_relations().prefetch_related(
            "supporting_departments", "updates__author"
        )
