"""Extension points for apps above reviews, so reviews never imports them.

`meeting_links(user, meeting)`: extra (label, url) links on the meeting page (e.g. rounds:
"이 보고회 점검 회차 열기" for planning). Register once at start-up (`AppConfig.ready`).
"""

from __future__ import annotations

from collections.abc import Callable

_meeting_links: list[Callable] = []


def register_meeting_links(provider: Callable) -> None:
    if provider not in _meeting_links:
        _meeting_links.append(provider)


def meeting_links(user, meeting) -> list[tuple[str, str]]:
    return [link for provider in _meeting_links for link in provider(user, meeting)]
