"""One history record per change of a meeting, holding its attending departments (참석 부서).

`ReviewMeeting.history` keeps the attending departments of each record (`m2m_fields`). On its
own, simple-history writes a record on every save and another on every `m2m_changed` signal:
`.set()` sends up to two (remove, add), so one user action left two or three records, the
first of them without the new departments. The services change the links with those records
paused (`core.history.history_paused`) and write the one record once the links are in place:
on save, or through `record_meeting_history` for a creation. `attending_of` reads the
departments of many records in one query, for the admin's history page.
"""

from __future__ import annotations

from core import history

from .models import ReviewMeeting

ATTENDING = "attending_departments"


def attending_history_model():
    """Return the model of the per-record attending-department snapshots."""
    return history.snapshot_model(ReviewMeeting, ATTENDING)


def record_meeting_history(
    meeting: ReviewMeeting, *, user, change_reason: str | None = None, update: bool = False
):
    """Write one record of `meeting` ("+", or "~" if `update`) with its attending departments.

    Call it after the meeting and its attending departments are written (history paused).
    """
    records = history.record_history(
        ReviewMeeting,
        [meeting],
        m2m_field=ATTENDING,
        user=user,
        change_reason=change_reason,
        update=update,
    )
    return records[0] if records else None


def attending_of(records) -> dict[int, tuple[int, ...]]:
    """Return {history_id: attending department ids} of `records`, in one query."""
    attending: dict[int, list[int]] = {}
    rows = (
        attending_history_model()
        .objects.filter(history_id__in=[r.history_id for r in records])
        .values_list("history_id", "department_id")
    )
    for history_id, department_id in rows:
        attending.setdefault(history_id, []).append(department_id)
    return {history_id: tuple(ids) for history_id, ids in attending.items()}
