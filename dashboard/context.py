"""Turn a Dashboard into what the template shows: links into the proposal list, sort links."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from projects.models import Confidence, ProposalStatus

from . import charts
from .selectors import ACTIVE_EXCLUDED, DEPARTMENT_SORTS, Dashboard

# Department-table columns: URL sort key, heading, whether the first click sorts descending.
NUMERIC_SORTS = [key for key in DEPARTMENT_SORTS if key != "department"]


def proposal_list_url(**params) -> str:
    """Return the proposal list's URL filtered by the list's own parameter names."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)
    base = reverse("projects:proposal_list")
    return f"{base}?{query}" if query else base


def _list_url(dashboard: Dashboard, **params) -> str:
    """Link into the proposal list of the dashboard's portfolio (`?portfolio=` always set)."""
    portfolio = dashboard.portfolio.pk if dashboard.portfolio else None
    return proposal_list_url(portfolio=portfolio, **params)


def _status_url(dashboard: Dashboard, status, statuses, **params) -> str | None:
    """Link to one status's proposals; none when the dashboard's status filter leaves it out
    (the dashboard counts 0 there, the list would show them all)."""
    if statuses and status not in statuses:
        return None
    return _list_url(dashboard, **params, status=status)


def _matrix(dashboard: Dashboard, department_id, statuses):
    rows = []
    for pillar, cells, total in dashboard.pillars:
        pillar_id = pillar.pk if pillar else None
        row_cells = []
        for status in ProposalStatus:
            count = cells.get(status.value, 0)
            url = (
                _status_url(
                    dashboard,
                    status.value,
                    statuses,
                    pillar=pillar_id,
                    lead_department=department_id,
                )
                if pillar_id
                else None
            )
            row_cells.append({"count": count, "url": url, "label": status.label})
        rows.append(
            {
                "pillar": pillar,
                "cells": row_cells,
                "total": total,
                "url": _list_url(
                    dashboard, pillar=pillar_id, lead_department=department_id, status=statuses
                )
                if pillar_id
                else None,
            }
        )
    columns = [
        {
            "status": status,
            "count": dashboard.status_counts.get(status.value, 0),
            "url": _status_url(dashboard, status.value, statuses, lead_department=department_id),
        }
        for status in ProposalStatus
    ]
    return rows, columns


def _status_rows(dashboard: Dashboard, pillar_id, department_id, statuses):
    base = dashboard.base_status_counts
    rows = []
    for status in ProposalStatus:
        count = dashboard.status_counts.get(status.value, 0)
        before = base.get(status.value, 0) if base is not None else None
        rows.append(
            {
                "status": status,
                "count": count,
                "base": before,
                "delta": None if before is None else count - before,
                "url": _status_url(
                    dashboard,
                    status.value,
                    statuses,
                    pillar=pillar_id,
                    lead_department=department_id,
                ),
            }
        )
    return rows


def _confidence_rows(dashboard: Dashboard, pillar_id, department_id, statuses):
    total = dashboard.total or 1
    rows = []
    for grade in Confidence:
        count = dashboard.confidence_counts.get(grade.value, 0)
        rows.append(
            {
                "value": grade.value,
                "label": grade.label,
                "count": count,
                "percent": round(100 * count / total, 1),
                "url": _list_url(
                    dashboard,
                    confidence=grade.value,
                    pillar=pillar_id,
                    lead_department=department_id,
                    status=statuses,
                ),
            }
        )
    unrated = dashboard.confidence_counts.get(None, 0)
    return rows, unrated


def _sort_links(params: list[tuple[str, str]], current: str):
    kept = [(k, v) for k, v in params if k != "sort"]
    links = {}
    for key in DEPARTMENT_SORTS:
        if current.lstrip("-") == key:
            new = key if current.startswith("-") else f"-{key}"
            state = "descending" if current.startswith("-") else "ascending"
        else:
            new = key if key == "department" else f"-{key}"
            state = None
        links[key] = {
            "url": "?" + urlencode([*kept, ("sort", new)]),
            "aria_sort": state,
        }
    return links


def _stale_url(dashboard: Dashboard, pillar_id, department_id, statuses) -> str:
    """Link to the stale proposals the dashboard counts: not updated for GP_STALE_DAYS days,
    finished and dropped ones left out (the list's stale_days alone would include them)."""
    active = [
        s
        for s in ProposalStatus.values
        if s not in ACTIVE_EXCLUDED and (not statuses or s in statuses)
    ]
    return _list_url(
        dashboard,
        stale_days=dashboard.stale_days,
        pillar=pillar_id,
        lead_department=department_id,
        status=active,
    )


def dashboard_context(
    dashboard: Dashboard, *, params, pillar_id, department_id, statuses=()
) -> dict:
    """Return the template context of the dashboard's body.

    Every link into the proposal list carries the dashboard's filters under the list's own
    parameter names (pillar, lead_department, status, stale_days), so the list shows exactly
    the proposals a figure counts.
    """
    statuses = list(statuses or [])
    matrix, columns = _matrix(dashboard, department_id, statuses)
    confidence_rows, unrated = _confidence_rows(dashboard, pillar_id, department_id, statuses)
    query = urlencode([(k, v) for k, v in params if k != "sort"])
    return {
        "d": dashboard,
        "matrix": matrix,
        "matrix_columns": columns,
        "status_rows": _status_rows(dashboard, pillar_id, department_id, statuses),
        "confidence_rows": confidence_rows,
        "unrated": unrated,
        "bars": charts.status_bars(dashboard.pillars),
        "line": charts.progress_line(dashboard.trend),
        "sort_links": _sort_links(params, dashboard.department_sort),
        "stale_url": _stale_url(dashboard, pillar_id, department_id, statuses),
        "query": query,
        "departments": [
            (
                row,
                _list_url(dashboard, lead_department=row.department_id)
                if row.department_id
                else "",
            )
            for row in dashboard.departments
        ],
    }
