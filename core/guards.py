"""The one permission guard: a predicate decides, a denial is logged and answered 403.

Views never test roles themselves. They name a predicate from an app's `permissions.py`
(`can_edit_proposal(user, proposal)`, `can_manage_meetings(user)`) and this guard calls it:

    @permission_required(can_manage_meetings)
    def meeting_create(request): ...

    class ProposalStatusUpdateView(PermissionRequiredMixin, FormView):
        permission = staticmethod(can_edit_proposal)

        def get_permission_object(self):
            return self.proposal

A denial raises PermissionDenied; the project's 403 handler writes it to the access log.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied

logger = logging.getLogger("core.guards")

_NO_OBJECT = object()


def ensure_permitted(request, predicate: Callable[..., bool], obj=_NO_OBJECT) -> None:
    """Raise PermissionDenied unless `predicate(request.user[, obj])` is true."""
    allowed = predicate(request.user) if obj is _NO_OBJECT else predicate(request.user, obj)
    if not allowed:
        logger.info(
            "denied %s %s to user %s by %s",
            request.method,
            request.path,
            getattr(request.user, "pk", None),
            getattr(predicate, "__name__", predicate),
        )
        raise PermissionDenied


def permission_required(predicate: Callable[[object], bool]):
    """Decorate a function view: run it only for users for whom `predicate(user)` holds."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            ensure_permitted(request, predicate)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class PermissionRequiredMixin:
    """Check `permission` before a class-based view does anything.

    `permission` takes the user, or the user and `get_permission_object()` when that returns
    an object. Put the mixin first, so the check runs before the view's own `dispatch`.
    """

    permission: Callable[..., bool] | None = None

    def get_permission_object(self):
        """Return the object the predicate judges, or None for a user-only predicate."""
        return None

    def dispatch(self, request, *args, **kwargs):
        if self.permission is None:
            raise PermissionDenied  # deny by default: a view that names no rule serves no one
        obj = self.get_permission_object()
        ensure_permitted(request, self.permission, _NO_OBJECT if obj is None else obj)
        return super().dispatch(request, *args, **kwargs)
