"""The frozen snapshot: taken at close (or on demand), never changed by later updates."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from projects.services import proposal_update_status
from rounds.exports import pack_pdf, pack_xlsx
from rounds.services import round_close, round_snapshot, round_submit

from .helpers import fresh, make_round_world

pytestmark = pytest.mark.django_db


def test_the_snapshot_is_frozen_at_close_and_later_updates_do_not_change_it():
    # given a round where one proposal was submitted at 50%
    w = make_round_world(departments=1, proposals=2)
    p = fresh(w.proposals[0])
    round_submit(
        round_=w.round,
        proposal=p,
        user=w.head_of(p),
        expected_version=p.version,
        status="on_track",
        progress=50,
        confidence=4,
        what_changed="착공",
    )
    # when the round closes
    closed = round_close(round_=w.round, user=w.planner)
    frozen = closed.snapshot
    row = next(r for r in frozen["proposals"] if r["id"] == p.pk)
    assert (row["progress"], row["submission"], row["what_changed"]) == (50, "submitted", "착공")
    # and the proposal is updated afterwards
    p = fresh(p)
    proposal_update_status(
        proposal=p,
        user=w.head_of(p),
        expected_version=p.version,
        status="on_track",
        progress=90,
        confidence=5,
    )
    # then the stored snapshot is unchanged, and cannot be retaken
    assert fresh(closed).snapshot == frozen
    with pytest.raises(ValidationError):
        round_snapshot(round_=closed, user=w.planner)
    assert fresh(closed).snapshot == frozen


def test_the_pack_renders_the_snapshot_as_pdf_and_xlsx_with_hostile_text():
    """Mark-up and formula-like text are written as text."""
    w = make_round_world(departments=1, proposals=1)
    p = fresh(w.proposals[0])
    round_submit(
        round_=w.round,
        proposal=p,
        user=w.head_of(p),
        expected_version=p.version,
        status="on_track",
        progress=60,
        what_changed="<b>굵게</b> & =SUM(A1)",
    )
    snapshot = round_snapshot(round_=w.round, user=w.planner).snapshot
    pdf = pack_pdf(snapshot)
    assert pdf.startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(pack_xlsx(snapshot))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "'<b>굵게</b> & =SUM(A1)" not in values  # starts with "<", kept as is
    assert "<b>굵게</b> & =SUM(A1)" in values
    assert p.management_no in values
