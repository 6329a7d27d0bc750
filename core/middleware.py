"""Request plumbing shared by every app."""

from __future__ import annotations

import logging
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL character in its path, query string or form fields.

    PostgreSQL cannot store or compare text holding NUL, so such a value reaching a query is
    a 500; no legitimate address or form holds one. Uploaded files are left to their readers,
    which name the row and column.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            logger.warning("request with a NUL character refused: %r", request.path[:200])
            return HttpResponseBadRequest(
                _("주소나 입력값에 NUL 문자(\\0)가 들어 있어 요청을 처리할 수 없습니다."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path_info or "\x00" in request.path:
            return True
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for values in request.POST.lists():
                if any("\x00" in value for value in values[1]) or "\x00" in values[0]:
                    return True
        return False
