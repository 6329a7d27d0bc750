"""Geometry of the server-rendered SVG charts (no JavaScript, no CDN; the page works offline)."""

from __future__ import annotations

from dataclasses import dataclass

from projects.models import ProposalStatus

# Fill colours reach 3:1 against white (WCAG 1.4.11); segments are also separated by a white
# stroke and every chart has a text alternative, so colour is never the only cue.
STATUS_COLOURS = {
    ProposalStatus.REVIEWING: "#0b4f8a",
    ProposalStatus.ON_TRACK: "#1e6b32",
    ProposalStatus.PARTIAL: "#8a5a00",
    ProposalStatus.ON_HOLD: "#6d4c9f",
    ProposalStatus.DROPPED: "#5a5a5a",
    ProposalStatus.DONE: "#0d5c4d",
    ProposalStatus.DONE_CONTINUING: "#a4161a",
}

# The labels leave room for 22-unit text, the size a phone needs (static/css/app.css).
BAR_LEFT, BAR_RIGHT, BAR_HEIGHT, BAR_GAP = 92, 630, 22, 12
# The line chart's viewBox is 640 wide; the last month's label is centred on the last point,
# so the plot ends well short of the edge ("11월", "12월" are ~30 units wide at 13 px).
LINE_WIDTH = 640
LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 72, 600, 14, 190


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    label: str
    count: int


@dataclass
class Bar:
    label: str
    y: float
    text_y: float
    total: int
    total_x: float
    segments: list[Segment]


def status_bars(pillars) -> dict:
    """Lay out one horizontal stacked bar per pillar row of the matrix."""
    longest = max((total for _p, _c, total in pillars), default=0) or 1
    scale = (BAR_RIGHT - BAR_LEFT - 40) / longest
    bars = []
    for index, (pillar, cells, total) in enumerate(pillars):
        y = 10 + index * (BAR_HEIGHT + BAR_GAP)
        x, segments = float(BAR_LEFT), []
        for status in ProposalStatus:
            count = cells.get(status.value, 0)
            if not count:
                continue
            width = count * scale
            segments.append(Segment(x, width, STATUS_COLOURS[status], str(status.label), count))
            x += width
        label = f"{pillar.number}" if pillar else "-"
        bars.append(Bar(label, y, y + BAR_HEIGHT * 0.72, total, x + 6, segments))
    height = 10 + len(bars) * (BAR_HEIGHT + BAR_GAP)
    legend = [(str(s.label), STATUS_COLOURS[s]) for s in ProposalStatus]
    return {"bars": bars, "height": height, "legend": legend, "left": BAR_LEFT}


def progress_line(trend) -> dict:
    """Lay out the average-progress line, one point per month, 0–100 % on the y axis."""
    count = len(trend)
    step = (LINE_RIGHT - LINE_LEFT) / max(count - 1, 1)
    span = LINE_BOTTOM - LINE_TOP
    points = []
    for index, (month, value) in enumerate(trend):
        x = LINE_LEFT + index * step
        y = LINE_BOTTOM - span * value / 100
        points.append({"x": round(x, 1), "y": round(y, 1), "month": month, "value": value})
    grid = [
        {"y": round(LINE_BOTTOM - span * v / 100, 1), "label": f"{v}%"}
        for v in (0, 25, 50, 75, 100)
    ]
    return {
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "grid": grid,
        "left": LINE_LEFT,
        "right": LINE_RIGHT,
        "bottom": LINE_BOTTOM,
        "width": LINE_WIDTH,
    }
