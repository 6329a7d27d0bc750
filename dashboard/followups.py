"""Follow-up figures of the dashboard: totals now and then, and the per-department table."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q

from reviews.models import ActionState, FollowUpAction, FollowUpActionQuerySet

UPCOMING_DAYS = 14
# Sort keys of the follow-ups-by-department table (URL value → row attribute).
DEPARTMENT_SORTS = ("department", "open", "overdue", "on_time", "late", "total")


@dataclass
class DepartmentRow:
    department_id: int | None
    department: str
    open: int
    overdue: int
    on_time: int
    late: int
    total: int


def action_totals(actions, today, since, since_at, extra=None):
    """The follow-up counts now and at `since` (if any), plus the `extra` aggregates (e.g. the
    counts since the last round), in one query."""
    open_q = FollowUpActionQuerySet.open_q()
    aggregates = {
        "open": Count("id", filter=open_q),
        "overdue": Count("id", filter=FollowUpActionQuerySet.overdue_q(today)),
        "upcoming": Count(
            "id",
            filter=open_q
            & Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(UPCOMING_DAYS)),
        ),
    }
    if since is not None:
        # A cancelled action was still open then unless its history shows it cancelled before.
        cancelled_later = Q(state=ActionState.CANCELLED) & ~Exists(
            FollowUpAction.history.model.objects.filter(
                id=OuterRef("pk"), state=ActionState.CANCELLED, history_date__lt=since_at
            )
        )
        open_then = Q(meeting__held_on__lt=since) & (
            open_q | Q(state=ActionState.DONE, completed_at__gte=since_at) | cancelled_later
        )
        aggregates |= {
            "base_open": Count("id", filter=open_then),
            "base_overdue": Count("id", filter=open_then & Q(due_date__lt=since)),
            "new": Count("id", filter=Q(meeting__held_on__gte=since)),
            "completed": Count("id", filter=Q(state=ActionState.DONE, completed_at__gte=since_at)),
        }
    return actions.order_by().aggregate(**aggregates, **(extra or {}))


def departments_table(actions, today, sort):
    done = Q(state=ActionState.DONE)
    on_time = done & (Q(due_date__isnull=True) | Q(completed_at__date__lte=F("due_date")))
    rows = (
        actions.order_by()
        .values("owner_department_id", "owner_department__name")
        .annotate(
            open=Count("id", filter=FollowUpActionQuerySet.open_q()),
            overdue=Count("id", filter=FollowUpActionQuerySet.overdue_q(today)),
            on_time=Count("id", filter=on_time),
            late=Count("id", filter=done & ~on_time),
            total=Count("id"),
        )
    )
    result = [
        DepartmentRow(
            department_id=r["owner_department_id"],
            department=r["owner_department__name"] or "",
            open=r["open"],
            overdue=r["overdue"],
            on_time=r["on_time"],
            late=r["late"],
            total=r["total"],
        )
        for r in rows
    ]
    key = sort.lstrip("-")
    if key not in DEPARTMENT_SORTS:
        sort, key = "-overdue", "overdue"
    result.sort(key=lambda r: r.department)
    if key != "department":
        result.sort(key=lambda r: getattr(r, key), reverse=sort.startswith("-"))
    elif sort.startswith("-"):
        result.reverse()
    return result, sort
