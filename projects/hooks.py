"""Extension points for apps above projects, so projects never imports them.

- `status_update_url(user, proposal)`: where "추진 현황 갱신" leads. An upper app (e.g. rounds,
  during an open round) may answer another URL; the first non-empty answer wins.
- `detail_panels(request, proposal)`: extra HTML fragments on the proposal page (e.g. a
  submission waiting for planning's confirmation next to the confirmed state).

Register once at start-up (`AppConfig.ready`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_update_url_resolvers: list[Callable] = []
_detail_panels: list[Callable] = []


def register_status_update_url(resolver: Callable) -> None:
    if resolver not in _update_url_resolvers:
        _update_url_resolvers.append(resolver)


def register_detail_panel(panel: Callable) -> None:
    if panel not in _detail_panels:
        _detail_panels.append(panel)


def status_update_url(user, proposal) -> str:
    """Return where `user` records a status update of `proposal`."""
    for resolver in _update_url_resolvers:
        url = resolver(user, proposal)
        if url:
            return url
    return reverse("projects:proposal_update_status", args=[proposal.pk])


def detail_panels(request, proposal) -> list[str]:
    """Return the rendered extra panels of the proposal page (each already escaped HTML)."""
    return [html for panel in _detail_panels if (html := panel(request, proposal))]
