"""Cache the rendered body of a page under a key that changes whenever its data does.

A page's body (its `{% block content %}`) is rendered once per *data version*, audience and
request shape, then served from the cache until any of them moves:

- the **data version** comes from a provider an app above registers at start-up
  (`register_version_provider`; the dashboard registers the portfolio version its database
  triggers move on every write to the portfolio's tables, whatever makes the write). Without a
  provider nothing is cached, so an app that runs alone renders every page fresh;
- the **audience** is what the permission rules read from a user (`accounts.permissions.
  audience_key`): two users with the same audience see the same edit links and forms;
- the **shape**: the page's name and object, the normalised query parameters, the language
  and the date (pages show "N days ago").

Per-request parts stay out of the cached string: the menu, messages and unread count are in
`base.html`, outside the body; a CSRF token inside the body is rendered as a placeholder and
replaced by the request's own token on every response (`render_body`). A body is kept at most
TIMEOUT seconds, which bounds how far "N minutes ago" texts can drift.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

TIMEOUT = 60
CACHE_ALIAS = "pages"  # settings.CACHES: kept apart from the sessions in "default"
# Rendered where `{% csrf_token %}` would put the token; never a valid token itself.
CSRF_PLACEHOLDER = "gp-csrf-placeholder-0000000000000000000000000000000000000000000000000"

_version_provider: Callable | None = None


def register_version_provider(provider: Callable) -> None:
    """Register `provider(request) -> str`: the version of the data every cached body reads."""
    global _version_provider
    _version_provider = provider


def data_version(request) -> str | None:
    """Return the registered data version for this request (read once per request)."""
    if _version_provider is None:
        return None
    if not hasattr(request, "_gp_data_version"):
        request._gp_data_version = _version_provider(request)
    return request._gp_data_version


def body_key(request, *, name: str, audience: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """Return the cache key of a body, or "" when no version provider is registered."""
    version = data_version(request)
    if version is None:
        return ""
    raw = "\n".join(
        [
            name,
            version,
            audience,
            translation.get_language() or "",
            str(timezone.localdate()),
            *(f"{k}={v}" for k, v in sorted(params)),
        ]
    )
    return "page-body:" + hashlib.sha256(raw.encode()).hexdigest()


def query_params(request, *, keep: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The request's query parameters, blanks dropped (and only `keep`, when given)."""
    wanted = None if keep is None else set(keep)
    return [
        (k, v)
        for k, values in request.GET.lists()
        if wanted is None or k in wanted
        for v in values
        if v.strip()
    ]


def render_body(request, key: str, template_name: str, build_context: Callable[[], dict]) -> str:
    """Return the body under `key`, rendering `template_name` with `build_context()` on a miss.

    The returned string carries the request's own CSRF token and is safe to insert.
    """
    cache = caches[CACHE_ALIAS]
    body = cache.get(key) if key else None
    if body is None:
        context = build_context()
        context["csrf_token"] = CSRF_PLACEHOLDER
        body = render_to_string(template_name, context, request=request)
        if key:
            cache.set(key, body, TIMEOUT)
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(body)  # noqa: S308  (rendered by our own templates, autoescaped)
