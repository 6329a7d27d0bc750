"""Readable changes between a meeting's history records, for the admin's history page."""

from __future__ import annotations

from itertools import pairwise

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from projects.models import Department

from .history_records import ATTENDING, attending_of
from .models import ReviewMeeting


def _departments(ids, names: dict[int, str]) -> str:
    """The departments by name, in name order, as the meeting page lists them; or "없음"."""
    if not ids:
        return _("없음")
    return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in ids))


def meeting_history_changes(records, *, helper) -> None:
    """Give each record but the oldest of `records` (newest first) `history_delta_changes`.

    Like simple-history's admin, which diffs each record against the one before it, except
    for the attending departments: those of all records come from one query and their names
    from one more ("참석 부서: 항만과, 환경과 → 투자유치과, 환경과"), where `diff_against`
    would read them with two to four queries per record and show them as lists. `helper`
    returns the admin's HistoricalRecordContextHelper of a record.
    """
    records = list(records)
    if len(records) < 2:
        return
    attending = attending_of(records)
    pairs = []  # (newer, older, old ids, new ids or None if unchanged)
    for newer, older in pairwise(records):
        old, new = attending.get(older.history_id, ()), attending.get(newer.history_id, ())
        pairs.append((newer, older, old, new if set(old) != set(new) else None))
    wanted = {pk for _n, _o, old, new in pairs if new is not None for pk in (*old, *new)}
    names = {}
    if wanted:
        names = dict(Department.objects.filter(pk__in=wanted).values_list("pk", "name"))
    label = capfirst(ReviewMeeting._meta.get_field(ATTENDING).verbose_name)
    for newer, older, old, new in pairs:
        delta = newer.diff_against(older, excluded_fields=[ATTENDING], foreign_keys_are_objs=True)
        changes = list(
            zip(
                (c.field for c in delta.changes),
                helper(newer).context_for_delta_changes(delta),
                strict=True,
            )
        )
        if new is not None:
            old_names, new_names = _departments(old, names), _departments(new, names)
            changes.append((ATTENDING, {"field": label, "old": old_names, "new": new_names}))
            changes.sort(key=lambda change: change[0])  # by field name, like diff_against
        newer.history_delta_changes = [shown for _name, shown in changes]
