"""Access is denied by default: every URL but a short allow-list needs a login."""

import re

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Views that must answer anonymous visitors, and why.
PUBLIC = {
    "healthz",  # load-balancer check, touches no data
    "accounts:login",
    "set_language",  # changes only the visitor's own language cookie
    "reviews:calendar_feed",  # calendar apps cannot log in: a revocable secret token instead
}


def test_calendar_feed_without_a_valid_token_reveals_nothing(client):
    response = client.get("/reviews/calendar/not-a-real-token.ics")
    assert response.status_code == 404


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue  # the admin has its own login and staff check
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern)


def _example_path(route: str) -> str:
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(?:str|slug):[^>]+>", "x", path)
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<[^>]+>", "x", path)
    return "/" + path.lstrip("^").rstrip("$")


def test_every_non_public_url_redirects_anonymous_visitors_to_login(client):
    checked = 0
    for name, route in _walk(get_resolver().url_patterns):
        if name in PUBLIC:
            continue
        marked_public = getattr(_view_of(route), "login_required", True) is False
        assert not marked_public, f"{name} is @login_not_required but not in PUBLIC"
        path = _example_path(route)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, (name, path, method, response.status_code)
            assert response.url.startswith("/accounts/login/"), (name, path, response.url)
        checked += 1
    assert checked >= 5


def _view_of(route):
    try:
        return get_resolver().resolve(_example_path(route)).func
    except Resolver404:
        return None
