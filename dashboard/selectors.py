"""Read the whole portfolio's figures in a fixed number of SQL queries, whatever its size.

Everything is scoped to one portfolio: its proposals, its meetings (the "last meeting" is the
portfolio's own), the follow-ups of its meetings and its pillars.

The state of each proposal at the comparison moment (the start of the last review meeting's day,
or N days ago) is derived from the status history, never from when rows were loaded:
StatusUpdate.previous_* of the first update after that moment holds the state before it, and a
proposal counts as new only if the city first knew it (Proposal.known_since, the article's or
the report's date) after the comparison day. Only proposals updated since then are read row by
row; everything else is aggregated in PostgreSQL.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Coalesce, RowNumber, TruncMonth
from django.utils import timezone

from projects.models import (
    Confidence,
    DataSource,
    Pillar,
    Portfolio,
    ProposalStatus,
    StatusUpdate,
)
from reviews.models import ActionState, FollowUpAction, MeetingState, ReviewMeeting

from .data import (
    ACTIVE_EXCLUDED,
    LIST_LIMIT,
    TREND_MONTHS,
    Dashboard,
    ProposalChange,
)
from .filters import DashboardFilterSet
from .followups import (
    DEPARTMENT_SORTS,
    UPCOMING_DAYS,
    DepartmentRow,
    action_totals,
    departments_table,
)
from .measures import Measures, PillarMeasures, headline_figures
from .since_round import (
    action_aggregates,
    is_new_annotation,
    last_round,
    proposal_aggregates,
    round_changes,
)

__all__ = ["ACTIVE_EXCLUDED", "DEPARTMENT_SORTS", "Dashboard", "DepartmentRow", "dashboard_build"]


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _meetings(today, portfolio):
    """Return the portfolio's (last meeting held on or before today, next meeting after today)
    in one query."""
    meetings = ReviewMeeting.objects.filter(portfolio=portfolio)
    last = meetings.filter(held_on__lte=today).order_by("-held_on", "-id")
    upcoming = meetings.filter(held_on__gt=today).exclude(state=MeetingState.CLOSED)
    upcoming = upcoming.order_by("held_on", "id")
    both = list(
        meetings.filter(
            Q(pk=Subquery(last.values("pk")[:1])) | Q(pk=Subquery(upcoming.values("pk")[:1]))
        )
    )
    last_meeting = next((m for m in both if m.held_on <= today), None)
    next_meeting = next((m for m in both if m.held_on > today), None)
    return last_meeting, next_meeting


def _proposal_totals(proposals, stale_cutoff, extra=None):
    stale_q = Q(last_update_at__lt=stale_cutoff) | Q(last_update_at__isnull=True)
    aggregates = {
        "total": Count("id"),
        "progress_sum": Coalesce(Sum("progress"), 0),
        "stale": Count("id", filter=stale_q & ~Q(status__in=ACTIVE_EXCLUDED)),
        "conf_none": Count("id", filter=Q(confidence__isnull=True)),
        # Invented rows are counted in the same query so every output can say how many.
        "demo": Count("id", filter=Q(data_source=DataSource.DEMO)),
    }
    for value in ProposalStatus.values:
        aggregates[f"s_{value}"] = Count("id", filter=Q(status=value))
    for value in Confidence.values:
        aggregates[f"c_{value}"] = Count("id", filter=Q(confidence=value))
    return proposals.order_by().aggregate(**aggregates, **(extra or {}))


def _first_updates(proposals, since_at, **extra) -> list[dict]:
    """Per proposal updated since `since_at`: its first update then (the state before it in
    `previous_*`), how many it got, its values now, and any `extra` annotations (one query)."""
    in_scope = proposals.order_by().values("pk")
    return list(
        StatusUpdate.objects.filter(created_at__gte=since_at, proposal__in=in_scope)
        # The first update of each proposal since then: a window filter, portable to SQLite.
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("proposal_id")], order_by=[F("created_at"), F("id")]
            ),
            n=Window(Count("id"), partition_by=[F("proposal_id")]),
            **extra,
        )
        .filter(rank=1)
        .order_by("proposal_id")
        .values(
            "proposal_id",
            "previous_status",
            "previous_confidence",
            "previous_progress",
            "n",
            "proposal__management_no",
            "proposal__title",
            "proposal__status",
            "proposal__confidence",
            "proposal__progress",
            *extra,
        )
    )


def _changed_rows(proposals, since, since_at):
    """Return (updated, new): per proposal updated since `since_at`, its first update then and
    how many it got; and the proposals the city first knew after the day `since` (their
    `known_since`, not when their row was loaded) with no earlier update.

    Two queries driven by the indexed dates, so their cost follows the number of changes, not
    the portfolio's size.
    """
    updated = _first_updates(proposals, since_at)
    new = list(
        proposals.filter(known_since__gt=since)
        .exclude(
            Exists(StatusUpdate.objects.filter(proposal=OuterRef("pk"), created_at__lt=since_at))
        )
        .order_by("management_no")
        .values("id", "management_no", "title", "status", "confidence", "progress")
    )
    return updated, new


def _baseline(totals, changed, since_at):
    """Turn current totals into the totals at `since_at` using the changed rows."""
    updated, new = changed
    status_counts = {s: totals[f"s_{s}"] for s in ProposalStatus.values}
    confidence_counts = {c: totals[f"c_{c}"] for c in Confidence.values}
    confidence_counts[None] = totals["conf_none"]
    base_status = dict(status_counts)
    base_conf = dict(confidence_counts)
    base_total, base_progress = totals["total"], totals["progress_sum"]
    new_ids = {row["id"] for row in new}
    changes = []
    for row in updated:
        changes.append(
            ProposalChange(
                id=row["proposal_id"],
                management_no=row["proposal__management_no"],
                title=row["proposal__title"],
                status=row["proposal__status"],
                base_status=row["previous_status"] or ProposalStatus.REVIEWING,
                confidence=row["proposal__confidence"],
                base_confidence=row["previous_confidence"],
                progress=row["proposal__progress"],
                base_progress=row["previous_progress"] or 0,
                updates=row["n"],
                is_new=row["proposal_id"] in new_ids,
            )
        )
    seen = {c.id for c in changes}
    changes += [
        ProposalChange(
            id=row["id"],
            management_no=row["management_no"],
            title=row["title"],
            status=row["status"],
            base_status=row["status"],
            confidence=row["confidence"],
            base_confidence=row["confidence"],
            progress=row["progress"],
            base_progress=row["progress"],
            updates=0,
            is_new=True,
        )
        for row in new
        if row["id"] not in seen
    ]
    changes.sort(key=lambda c: c.management_no)
    for change in changes:
        base_status[change.status] -= 1
        base_conf[change.confidence] -= 1
        base_progress -= change.progress
        if change.is_new:
            base_total -= 1
        else:
            base_status[change.base_status] = base_status.get(change.base_status, 0) + 1
            base_conf[change.base_confidence] = base_conf.get(change.base_confidence, 0) + 1
            base_progress += change.base_progress
    return status_counts, confidence_counts, base_status, base_total, base_progress, changes


def _trend(proposals, total, progress_sum, today):
    """Average progress at each month's end, rolled back from now through the updates."""
    year, month_no = today.year, today.month - (TREND_MONTHS - 1)
    while month_no < 1:
        year, month_no = year - 1, month_no + 12
    first_month = datetime.date(year, month_no, 1)
    deltas = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["delta"]
        for row in StatusUpdate.objects.filter(
            proposal__in=proposals.order_by().values("pk"),
            created_at__gte=_start_of(first_month),
        )
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("month")
        .annotate(delta=Sum(F("progress") - Coalesce("previous_progress", 0)))
    }
    months, month = [], first_month
    while month <= today:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    points, running = [], progress_sum
    for month in reversed(months):
        points.append((month, round(running / total, 1) if total else 0.0))
        running -= deltas.get(month, 0) or 0
    points.reverse()
    return points


def _pillar_matrix(proposals, filterset, portfolio):
    """Return the pillar × status matrix and each pillar's measures (two queries)."""
    counts: dict[int | None, dict[str, int]] = {}
    progress: dict[int | None, int] = {}
    for row in (
        proposals.order_by()
        .values("pillar_id", "status")
        .annotate(n=Count("id"), p=Coalesce(Sum("progress"), 0))
        .order_by()
    ):
        counts.setdefault(row["pillar_id"], {})[row["status"]] = row["n"]
        progress[row["pillar_id"]] = progress.get(row["pillar_id"], 0) + row["p"]
    chosen = filterset.value("pillar")
    pillars = (
        [chosen] if chosen else list(Pillar.objects.filter(portfolio=portfolio).order_by("number"))
    )
    keys = [pillar.pk for pillar in pillars] + ([None] if None in counts else [])
    by_pk = {pillar.pk: pillar for pillar in pillars}
    matrix, measures = [], []
    for key in keys:
        cells = counts.get(key, {})
        matrix.append((by_pk.get(key), cells, sum(cells.values())))
        measures.append(PillarMeasures(by_pk.get(key), Measures.of(cells, progress.get(key, 0))))
    return matrix, measures


def _loaded_total(portfolio, filterset, filtered_total) -> int:
    """The portfolio's proposals loaded now, whatever the filters (one query when filtered)."""
    if not any(filterset.value(k) for k in ("pillar", "lead_department", "status")):
        return filtered_total
    return portfolio.proposals.count() if portfolio else 0


def dashboard_build(
    *,
    portfolio: Portfolio | None,
    filterset: DashboardFilterSet,
    today: datetime.date,
    stale_days: int,
    sort: str = "",
) -> Dashboard:
    """Compute every figure of the dashboard for one portfolio, filtered.

    Nothing outside `portfolio` counts: the filterset's proposals are narrowed to it, and the
    meetings, follow-ups and pillars read are its own."""
    proposals = filterset.qs.filter(portfolio=portfolio)
    actions = filterset.actions(FollowUpAction.objects.filter(meeting__portfolio=portfolio))
    last_meeting, next_meeting = _meetings(today, portfolio)
    period = filterset.value("period")
    if period:
        since, since_meeting = today - datetime.timedelta(days=int(period)), None
    else:
        since = last_meeting.held_on if last_meeting else None
        since_meeting = last_meeting
    since_at = _start_of(since) if since else None
    stale_cutoff = timezone.now() - datetime.timedelta(days=stale_days)

    round_ = last_round(portfolio)  # "since the last round", beside the meeting's

    totals = _proposal_totals(proposals, stale_cutoff, proposal_aggregates(round_))
    changed = _changed_rows(proposals, since, since_at) if since_at else ([], [])
    status_counts, conf_counts, base_status, base_total, base_progress, changes = _baseline(
        totals, changed, since_at
    )
    follow_ups = action_totals(actions, today, since, since_at, action_aggregates(round_))
    round_rows = (
        _first_updates(proposals, round_.snapshot_at, is_new=is_new_annotation(round_))
        if round_
        else []
    )
    base = (base_status, base_total, base_progress) if since else None
    figures = headline_figures(
        totals["total"], status_counts, totals["progress_sum"], base, follow_ups
    )
    existing = [c for c in changes if not c.is_new]
    status_changes = [c for c in existing if c.status != c.base_status]
    confidence_changes = [c for c in existing if c.confidence != c.base_confidence]
    changed_now = [
        c
        for c in existing
        if (c.status, c.confidence, c.progress)
        != (c.base_status, c.base_confidence, c.base_progress)
    ]
    confidence_down = [
        c
        for c in confidence_changes
        if c.confidence and c.base_confidence and c.confidence < c.base_confidence
    ]
    stale = list(
        proposals.exclude(status__in=ACTIVE_EXCLUDED)
        .filter(Q(last_update_at__lt=stale_cutoff) | Q(last_update_at__isnull=True))
        .select_related("lead_department")
        .order_by(F("last_update_at").asc(nulls_first=True), "management_no")[:LIST_LIMIT]
    )
    changed_actions = (
        list(
            actions.filter(
                Q(meeting__held_on__gte=since)
                | Q(state=ActionState.DONE, completed_at__gte=since_at)
            )
            .select_related("owner_department", "proposal", "meeting")
            .order_by("due_date", "id")[: 2 * LIST_LIMIT]
        )
        if since
        else []
    )
    departments, department_sort = departments_table(actions, today, sort)
    matrix, pillar_measures = _pillar_matrix(proposals, filterset, portfolio)
    upcoming = list(
        actions.open()
        .filter(
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(UPCOMING_DAYS),
        )
        .select_related("owner_department", "proposal")
        .order_by("due_date", "id")[:LIST_LIMIT]
    )
    return Dashboard(
        today=today,
        since=since,
        since_meeting=since_meeting,
        next_meeting=next_meeting,
        total=totals["total"],
        base_total=base_total if since else None,
        status_counts=status_counts,
        base_status_counts=base_status if since else None,
        figures=figures,
        confidence_counts=conf_counts,
        pillars=matrix,
        pillar_measures=pillar_measures,
        status_changes=status_changes,
        confidence_changes=confidence_changes,
        confidence_down=confidence_down,
        new_proposals=[c for c in changes if c.is_new],
        updates_since=sum(c.updates for c in changes),
        proposals_updated_since=sum(1 for c in changes if c.updates),
        stale_count=totals["stale"],
        stale=stale,
        stale_days=stale_days,
        new_actions=[a for a in changed_actions if a.meeting.held_on >= since][:LIST_LIMIT]
        if since
        else [],
        new_action_count=follow_ups.get("new", 0),
        completed_actions=[
            a
            for a in changed_actions
            if a.state == ActionState.DONE and a.completed_at and a.completed_at >= since_at
        ][:LIST_LIMIT],
        completed_action_count=follow_ups.get("completed", 0),
        departments=departments,
        department_sort=department_sort,
        upcoming=upcoming,
        upcoming_count=follow_ups["upcoming"],
        trend=_trend(proposals, totals["total"], totals["progress_sum"], today),
        demo_count=totals["demo"],
        portfolio=portfolio,
        measures=Measures.of(status_counts, totals["progress_sum"]),
        loaded_total=_loaded_total(portfolio, filterset, totals["total"]),
        stated_total=portfolio.stated_total if portfolio else None,
        changed=changed_now,
        since_round=round_changes(round_, round_rows, totals, follow_ups),
    )
