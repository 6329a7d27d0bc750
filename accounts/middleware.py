"""Sessions end after SESSION_COOKIE_AGE without a request, and GP_SESSION_MAX_AGE_SECONDS
after sign-in whatever happens; signed-in responses are not cached."""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

logger = logging.getLogger(__name__)

# Session keys: when the session was last pushed forward, and when its sign-in began.
IDLE_TOUCH = "_idle_touch"
SIGNED_IN_AT = "_signed_in_at"


class SessionIdleMiddleware:
    """Push a signed-in session's expiry forward, at most once per GP_SESSION_TOUCH_SECONDS,
    and end it GP_SESSION_MAX_AGE_SECONDS after its sign-in (an absolute lifetime).

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would cost a database
    write per page; touching it once a minute keeps the 30-minute idle rule to the minute.
    A session older than the absolute lifetime is signed out (recorded as a logout) before the
    view runs, so LoginRequiredMiddleware sends the user to the sign-in page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key is not None:
            now = int(time.time())
            if "_auth_user_id" in session:
                # A sign-in from before this rule starts its clock at its first request.
                began = session.setdefault(SIGNED_IN_AT, now)
                if now - began >= settings.GP_SESSION_MAX_AGE_SECONDS:
                    logger.info("session ended: signed in %s s ago", now - began)
                    logout(request)
                    return self.get_response(request)
            if now - session.get(IDLE_TOUCH, 0) >= settings.GP_SESSION_TOUCH_SECONDS:
                session[IDLE_TOUCH] = now
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Mark every response to a signed-in user `Cache-Control: private, no-store`.

    Pages, exports and the calendar page (which shows the feed's secret address) must not be
    kept by a shared proxy or in the browser's cache after sign-out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


class PasswordChangeRequiredMiddleware:
    """Send a user whose password someone else set to the password change page first.

    Only that page, signing out and static files stay open until the password is changed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            target = reverse("accounts:password_change")
            static = "/" + settings.STATIC_URL.lstrip("/")
            allowed = (target, reverse("accounts:logout"), reverse("set_language"), static)
            if not request.path.startswith(allowed):
                return redirect(target)
        return self.get_response(request)
