"""gunicorn's access log without the calendar feed's secret.

The feed address carries its token in the path (/reviews/calendar/<token>.ics), and calendar
apps already subscribed keep asking at that address, so it cannot move. The compose file's
gunicorn logs through this class (`--logger-class`): the token becomes `[redacted]` in every
atom (request line, path, referrer, header and environ atoms) before a line is written.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

FEED_TOKEN = re.compile(r"(/reviews/calendar/)(?!new-token/)[^/?#\s\"]+(\.ics)")
REDACTED = r"\1[redacted]\2"


def redact(text):
    return FEED_TOKEN.sub(REDACTED, text) if isinstance(text, str) else text


class RedactingLogger(Logger):
    """gunicorn's Logger, with calendar tokens taken out of the access-log atoms."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every atom that may hold the address: the request line, path, referrer, and the
        # `{...}i` / `{...}e` header and environ atoms.
        return {key: redact(value) for key, value in atoms.items()}
