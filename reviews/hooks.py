"""Extension points for apps above reviews, so reviews never imports them.

- `meeting_links(user, meeting)`: extra (label, url) links on the meeting page (e.g. rounds:
  "이 보고회 점검 회차 열기" for planning).
- `meeting_panels(request, meeting)`: extra HTML fragments on the meeting page, below the
  reviews (e.g. rounds: each review's evidence files and, for whom may post, the upload form).
  A provider reads a fixed number of queries for the whole meeting, never one per review.
- `action_panels(request, action)`: extra HTML fragments on a follow-up's page (e.g. rounds:
  the evidence of a completed action).
- `minutes_annex(meeting)`: the rows of the minutes' annex (별첨), as `AnnexRow`s of plain
  text (the PDF escapes them before reportlab reads its mark-up).

Register once at start-up (`AppConfig.ready`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

_meeting_links: list[Callable] = []
_meeting_panels: list[Callable] = []
_action_panels: list[Callable] = []
_minutes_annex: list[Callable] = []


@dataclass(frozen=True)
class AnnexRow:
    """One attached file in an annex: what it is and what it belongs to, as plain values."""

    name: str
    kind: str  # the type key found from the content ("pdf", "hwp", ...)
    size: int  # bytes
    sha256: str
    uploaded_by: str
    uploaded_at: datetime.datetime
    belongs_to: str  # e.g. "검토: <사업명>", "후속조치: <내용>", "사업: <번호> <사업명>"

    def cells(self, number: int) -> list[str]:
        """The row as the annex tables print it (plain text, still to be escaped)."""
        at = timezone.localtime(self.uploaded_at)
        return [
            str(number),
            self.name,
            self.kind.upper(),
            str(filesizeformat(self.size)).replace("\xa0", " "),
            self.sha256[:12],
            f"{self.uploaded_by} · {at:%Y-%m-%d %H:%M}",
            self.belongs_to,
        ]


def annex_header() -> list[str]:
    """The header of an annex table (번호, 파일명, 형식, 크기, SHA-256, 올린 사람·시각, 대상)."""
    return [
        _("번호"),
        _("파일명"),
        _("형식"),
        _("크기"),
        _("SHA-256(앞 12자리)"),
        _("올린 사람·시각"),
        _("대상"),
    ]


def _register(registry: list[Callable], provider: Callable) -> None:
    if provider not in registry:
        registry.append(provider)


def register_meeting_links(provider: Callable) -> None:
    _register(_meeting_links, provider)


def register_meeting_panel(provider: Callable) -> None:
    _register(_meeting_panels, provider)


def register_action_panel(provider: Callable) -> None:
    _register(_action_panels, provider)


def register_minutes_annex(provider: Callable) -> None:
    _register(_minutes_annex, provider)


def meeting_links(user, meeting) -> list[tuple[str, str]]:
    return [link for provider in _meeting_links for link in provider(user, meeting)]


def meeting_panels(request, meeting) -> list[str]:
    """Return the rendered extra panels of the meeting page (each already escaped HTML)."""
    return [html for provider in _meeting_panels if (html := provider(request, meeting))]


def action_panels(request, action) -> list[str]:
    """Return the rendered extra panels of a follow-up's page (each already escaped HTML)."""
    return [html for provider in _action_panels if (html := provider(request, action))]


def minutes_annex(meeting) -> list[AnnexRow]:
    """Return the annex rows of the meeting's minutes, in the providers' order."""
    return [row for provider in _minutes_annex for row in provider(meeting)]
