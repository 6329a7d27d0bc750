"""The authentication backend: Django's ModelBackend with a cheaper per-request user lookup."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError


@functools.cache
def _user_by_pk_sql() -> str:
    # The ORM writes the SELECT once per process, so it follows the model; only the primary key
    # changes from request to request.
    sql, _params = get_user_model()._default_manager.filter(pk=0).query.sql_with_params()
    return sql


class UserBackend(ModelBackend):
    """Load the signed-in user by primary key through a precompiled query.

    Every signed-in request looks its user up. `ModelBackend.get_user` builds that SELECT with the
    ORM's compiler each time, which costs more than the query itself; this reuses the SQL the
    ORM wrote once. The row comes back through `Manager.raw`, so field converters apply and the
    query is counted like any other. The rules are ModelBackend's: inactive users get None.
    """

    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(model._default_manager.raw(_user_by_pk_sql(), [pk])), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        """ModelBackend's check; a wrong password ends the backend chain here.

        ModelBackend is listed after this backend only so that sessions signed in through it
        stay valid; without this it would hash the same wrong password a second time.
        """
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            raise PermissionDenied
        return user

    def get_all_permissions(self, user_obj, obj=None):
        """The account's permissions plus those its role brings in the admin
        (accounts.permissions.PLANNING_ADMIN_PERMISSIONS for planning staff)."""
        from .permissions import admin_permissions

        perms = super().get_all_permissions(user_obj, obj)
        if obj is not None or not user_obj.is_active:
            return perms
        return perms | admin_permissions(user_obj)
