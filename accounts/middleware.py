"""Idle sessions end after SESSION_COOKIE_AGE without a request."""

import time

from django.conf import settings


class SessionIdleMiddleware:
    """Push a signed-in session's expiry forward, at most once per GP_SESSION_TOUCH_SECONDS.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would cost a database
    write per page; touching it once a minute keeps the 30-minute idle rule to the minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key is not None:
            now = int(time.time())
            if now - session.get("_idle_touch", 0) >= settings.GP_SESSION_TOUCH_SECONDS:
                session["_idle_touch"] = now
        return self.get_response(request)
