"""Cache the rendered body of a page under a key that changes whenever its data does.

A page's body (its `{% block content %}`) is rendered once per *data version*, audience and
request shape, then served from the cache until any of them moves:

- the **data version** comes from a provider an app above registers at start-up
  (`register_version_provider`; the dashboard registers the portfolio version its database
  triggers move on every write to the portfolio's tables, whatever makes the write). Without a
  provider nothing is cached, so an app that runs alone renders every page fresh;
- the **audience** is what the permission rules read from a user, from a provider registered
  the same way (accounts registers `accounts.permissions.audience_key`): two users with the
  same audience see the same edit links and forms; without one, each user is their own;
- the **shape**: the page's name and object, the query string exactly as sent (blank values
  too: they can change a page), the language and the date (pages show "N days ago").

On top of the body, `respond` keeps the whole page per session (session, CSRF cookie, full
path, and the page state a provider names, e.g. the unread count), never longer than the body
it was built from; a request with a message to show is rendered fresh.

Per-request parts stay out of the cached string: the menu, messages and unread count are in
`base.html`, outside the body; a CSRF token inside the body is rendered as a placeholder and
replaced by the request's own token on every response (`render_body`), including a token that
a hook rendered into the body with its own `render_to_string(..., request=request)`. A body is
kept at most TIMEOUT seconds, which bounds how far "N minutes ago" texts can drift.

When the cache is shared (Redis), each process also keeps the entries it served last in its own
memory (`LOCAL_ENTRIES`, each until the shared copy would expire): a key names its data
version, so the local copy is exactly as fresh as the shared one, and a hit costs no round
trip to the cache server. `clear()` empties both.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

TIMEOUT = 60
CACHE_ALIAS = "pages"  # settings.CACHES: kept apart from the sessions in "default"
LOCAL_ENTRIES = 300  # per process: at most ~300 pages of ~30-70 KB
# Rendered where `{% csrf_token %}` would put the token; never a valid token itself.
CSRF_PLACEHOLDER = "gp-csrf-placeholder-0000000000000000000000000000000000000000000000000"

_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')

_version_provider: Callable | None = None
_audience_provider: Callable | None = None
_page_state_provider: Callable | None = None


def register_version_provider(provider: Callable) -> None:
    """Register `provider(request) -> str`: the version of the data every cached body reads."""
    global _version_provider
    _version_provider = provider


def register_audience_provider(provider: Callable) -> None:
    """Register `provider(user) -> str`: users with equal answers may share a cached body."""
    global _audience_provider
    _audience_provider = provider


def register_page_state_provider(provider: Callable) -> None:
    """Register `provider(request) -> str`: what the layout shows of the session's own state
    beyond the user (e.g. the unread notification count); part of every whole-page key."""
    global _page_state_provider
    _page_state_provider = provider


# This process's copies of shared entries (see the module's docstring).
_local = LocMemCache(
    "gp-pagecache-local", {"TIMEOUT": TIMEOUT, "OPTIONS": {"MAX_ENTRIES": LOCAL_ENTRIES}}
)


def _local_copy_kept(cache) -> bool:
    """Whether entries of `cache` are copied into this process: only a shared cache's (a
    per-process cache is local already; a dummy one keeps nothing, so must its copies)."""
    return not isinstance(cache, (LocMemCache, DummyCache))


def _get(key: str):
    """Return the `(expires_at, value)` stored under `key`, or None once it expired (by its
    own time, whatever the cache server's clock or rounding of timeouts)."""
    cache = caches[CACHE_ALIAS]
    local = _local_copy_kept(cache)
    stored = _local.get(key) if local else None
    if stored is None:
        stored = cache.get(key)
        if stored is not None and local:
            _keep_locally(key, stored)
    if stored is None or stored[0] <= time.time():
        return None
    return stored


def _set(key: str, value, expires_at: float) -> None:
    """Store `value` under `key` until `expires_at` (epoch seconds), here and in the cache."""
    remaining = int(expires_at - time.time())
    if remaining <= 0:
        return
    cache = caches[CACHE_ALIAS]
    cache.set(key, (expires_at, value), remaining)
    if _local_copy_kept(cache):
        _keep_locally(key, (expires_at, value))


def _keep_locally(key: str, stored) -> None:
    remaining = int(stored[0] - time.time())
    if remaining > 0:
        _local.set(key, stored, remaining)


def versioned(request, name: str, build: Callable):
    """Return `build()`'s value, kept in this process while the data version holds (at most
    TIMEOUT seconds): for small, often-read data the version covers, e.g. the portfolios.
    Each call returns its own copy. Without a version provider, builds every time."""
    version = data_version(request)
    if version is None:
        return build()
    raw = f"{name}\n{version}"
    key = "versioned:" + hashlib.sha256(raw.encode()).hexdigest()
    value = _local.get(key)
    if value is None:
        value = build()
        _local.set(key, value, TIMEOUT)
    return value


def clear() -> None:
    """Empty the page cache: the shared entries and this process's copies."""
    caches[CACHE_ALIAS].clear()
    _local.clear()


def audience(user) -> str:
    if _audience_provider is not None:
        return _audience_provider(user)
    return f"user:{user.pk}" if user.is_authenticated else "anonymous"


def data_version(request) -> str | None:
    """Return the registered data version for this request (read once per request)."""
    if _version_provider is None:
        return None
    if not hasattr(request, "_gp_data_version"):
        request._gp_data_version = _version_provider(request)
    return request._gp_data_version


def body_key(
    request,
    *,
    name: str,
    params: Iterable[tuple[str, str]] = (),
    per_audience: bool = True,
) -> str:
    """Return the cache key of a body, or "" when no version provider is registered.

    `per_audience=False` shares the body between all readers: only for a body that shows no
    link, form or figure that depends on who reads it.
    """
    version = data_version(request)
    if version is None:
        return ""
    raw = "\n".join(
        [
            name,
            version,
            audience(request.user) if per_audience else "*",
            translation.get_language() or "",
            str(timezone.localdate()),
            *(f"{k}={v}" for k, v in sorted(params)),
        ]
    )
    return "body:" + hashlib.sha256(raw.encode()).hexdigest()


def query_params(request) -> list[tuple[str, str]]:
    """The request's query parameters exactly as sent, blanks included: a blank filter value
    can change the page (an invalid choice empties a strict filter), and the page's links
    repeat the whole query string."""
    return [(k, v) for k, values in request.GET.lists() for v in values]


def render_body(request, key: str, template_name: str, build_context: Callable[[], dict]) -> str:
    """Return the body under `key`, rendering `template_name` with `build_context()` on a miss.

    The returned string carries the request's own CSRF token and is safe to insert.
    """
    stored = _get(key) if key else None
    if stored is None:
        context = build_context()
        context["csrf_token"] = CSRF_PLACEHOLDER
        # A fragment a hook rendered on its own carries this request's token: neutralise it too.
        body = _TOKEN_FIELD.sub(
            rf"\g<1>{CSRF_PLACEHOLDER}\g<2>",
            render_to_string(template_name, context, request=request),
        )
        stored = (time.time() + TIMEOUT, body)
        if key:
            _set(key, body, stored[0])
    expires_at, body = stored
    # A page built on this body must not outlive it (`respond`).
    request._gp_body_expires_at = expires_at
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(body)  # noqa: S308  (rendered by our own templates, autoescaped)


def respond(request, body_key_: str, render_page: Callable[[], bytes]) -> HttpResponse:
    """Answer with the whole page, cached per session on top of its body's key.

    The layout around the body shows the session's own things (the user, the unread count
    that the page-state provider names, a CSRF token tied to the session's cookie, the
    language switch's return path), so the page key holds each of them. A request with a
    message to show once is rendered fresh, and never stored.
    """
    if not body_key_ or len(get_messages(request)):
        return HttpResponse(render_page())
    stored = _get(_page_key(request, body_key_))
    if stored is not None:
        return HttpResponse(stored[1])
    content = render_page()
    # Kept under the CSRF secret the response leaves in the browser (the page's first render
    # may have made one), never longer than the body it shows: drift stays within TIMEOUT.
    _set(
        _page_key(request, body_key_),
        content,
        getattr(request, "_gp_body_expires_at", time.time() + TIMEOUT),
    )
    return HttpResponse(content)


def _page_key(request, body_key_: str) -> str:
    raw = "\n".join(
        [
            body_key_,
            request.session.session_key or "",
            # The CSRF secret of this request: its cookie's, or the one rendering just made.
            request.META.get("CSRF_COOKIE", ""),
            request.get_full_path(),
            _page_state_provider(request) if _page_state_provider else "",
        ]
    )
    return "session-page:" + hashlib.sha256(raw.encode()).hexdigest()


class CachedBodyMixin:
    """A generic view whose body is served from this cache; its own `get` builds it on a miss.

    The subclass names the body (`body_name`, `body_key_params()`) and may check access first
    (`check_access()`, which runs on every request, hit or miss); `body_template_name` renders
    the view's context, `template_name` wraps the body (`{{ body }}`) in the site's layout.
    """

    body_name = ""
    body_template_name = ""

    def check_access(self):
        """Raise PermissionDenied/Http404 before anything is served; return the page's object
        (or None) for the layout, e.g. its title."""
        return None

    def body_key_params(self) -> list[tuple[str, str]]:
        return query_params(self.request)

    def get(self, request, *args, **kwargs):
        page_object = self.check_access()
        key = body_key(
            request,
            name=self.body_name,
            params=self.body_key_params(),
        )

        def build_context():
            # The generic view's response is lazy: its context, never rendered, feeds the body.
            return super(CachedBodyMixin, self).get(request, *args, **kwargs).context_data

        def render_page():
            body = render_body(request, key, self.body_template_name, build_context)
            context = {"body": body, "object": page_object}
            return TemplateResponse(request, self.template_name, context).render().content

        return respond(request, key, render_page)
