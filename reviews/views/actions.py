from django.views.generic import DetailView

from ..models import FollowUpAction


class ActionDetailView(DetailView):
    template_name = "reviews/followupaction_detail.html"

    def get_queryset(self):
        return FollowUpAction.objects.select_related("meeting", "proposal", "owner_department")
