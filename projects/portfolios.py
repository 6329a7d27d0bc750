"""Which portfolio a request is about: the one place that decides it.

Every portfolio-scoped page (dashboard, briefing and exports, proposal list, 내 부서, meetings,
meeting planning) asks `portfolio_for_request(request)`. The answer, in this order:
1. `?portfolio=<pk>` in the URL, so links and bookmarks stay exact; choosing one there (the
   header's switcher is a GET form) also remembers it on the user;
2. the user's remembered choice (`User.current_portfolio`);
3. the newest portfolio (highest year, then the latest registered).

One query lists the portfolios (for the switcher too); the choice is kept on the request, so a
page asking twice pays once. Each process also keeps the list under the data version the pages
are cached on (`core.pagecache.versioned`; every write to a portfolio moves it), so a
request that reads the version anyway pays no query for the list. The header shows the
switcher only on pages that asked, and only when there is more than one portfolio
(`projects.context_processors.portfolio_switcher`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from accounts.services import user_remember_portfolio
from core import pagecache
from core.pagecache import query_params

from .models import Portfolio

PARAM = "portfolio"
NEWEST_FIRST = ("-year", "-pk")


@dataclass
class PortfolioChoice:
    """The chosen portfolio of a request and the ones it could switch to (newest first)."""

    current: Portfolio | None
    choices: list[Portfolio] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        """Whether the header shows the switcher: only when there is something to switch."""
        return len(self.choices) > 1

    @property
    def pk(self) -> int | None:
        return self.current.pk if self.current else None


def newest_portfolio() -> Portfolio | None:
    """The default portfolio when nobody chose one (commands, tasks, first visit)."""
    return Portfolio.objects.order_by(*NEWEST_FIRST).first()


def _portfolios(request) -> list[Portfolio]:
    """Every portfolio, newest first: read once per data version in each process."""
    return pagecache.versioned(
        request,
        "portfolios",
        lambda: list(Portfolio.objects.order_by(*NEWEST_FIRST)),
    )


def _requested_pk(request) -> int | None:
    raw = (request.GET.get(PARAM) or "").strip()
    return int(raw) if raw.isdigit() else None


def portfolio_choice(request) -> PortfolioChoice:
    """Resolve (once per request) the request's portfolio; see the module's docstring."""
    cached = getattr(request, "_portfolio_choice", None)
    if cached is not None:
        return cached
    choices = _portfolios(request)
    by_pk = {p.pk: p for p in choices}
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    chosen = by_pk.get(_requested_pk(request))
    if chosen is not None and signed_in and user.current_portfolio_id != chosen.pk:
        user_remember_portfolio(user=user, portfolio=chosen)
    if chosen is None and signed_in:
        chosen = by_pk.get(user.current_portfolio_id)
    if chosen is None and choices:
        chosen = choices[0]
    request._portfolio_choice = PortfolioChoice(current=chosen, choices=choices)
    return request._portfolio_choice


def portfolio_for_request(request) -> Portfolio | None:
    """Return the portfolio the request is about (None only when there is no portfolio)."""
    return portfolio_choice(request).current


def page_key_params(request) -> list[tuple[str, str]]:
    """The cache-key parameters of a portfolio-scoped page (`core.pagecache`): the resolved
    portfolio (it may come from the user's remembered choice, not the URL) and the query."""
    return [("@portfolio", str(portfolio_choice(request).pk or "")), *query_params(request)]


def with_portfolio(url: str, portfolio: Portfolio | int | None) -> str:
    """Return `url` with `?portfolio=<pk>` added (or `&portfolio=` after an existing query)."""
    pk = getattr(portfolio, "pk", portfolio)
    if pk is None:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({PARAM: pk})}"
