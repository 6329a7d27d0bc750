from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from ..models import ActionState, ReviewMeeting


class MeetingListView(ListView):
    template_name = "reviews/reviewmeeting_list.html"
    paginate_by = 25

    def get_queryset(self):
        return ReviewMeeting.objects.select_related("chair").annotate(
            review_count=Count("reviews", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__state=ActionState.OPEN), distinct=True
            ),
        )


class MeetingDetailView(DetailView):
    template_name = "reviews/reviewmeeting_detail.html"

    def get_queryset(self):
        return ReviewMeeting.objects.select_related("chair").prefetch_related(
            "attending_departments",
            "reviews__proposal",
            "actions__owner_department",
            "actions__proposal",
        )
