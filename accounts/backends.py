"""The authentication backend: Django's ModelBackend with a cheaper per-request user lookup."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.db.models.sql import Query


@functools.cache
def _user_by_pk_query(alias: str) -> tuple[str, tuple[str, ...], tuple]:
    """The SELECT of one user by primary key, the attribute names of its columns and the
    columns, as the ORM writes them for `alias` (once per process, so they follow the model)."""
    query = get_user_model()._default_manager.using(alias).filter(pk=0).query
    compiler = query.get_compiler(using=alias)
    sql, _params = compiler.as_sql()
    columns = tuple(column for column, _sql, _alias in compiler.select)
    return sql, tuple(column.target.attname for column in columns), columns


def _user_by_pk(pk):
    """Return the user with this primary key, or None: the ORM's own SELECT and row building
    (field converters, `Model.from_db`), without compiling the query on every request."""
    model = get_user_model()
    alias = router.db_for_read(model)
    sql, attnames, columns = _user_by_pk_query(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    compiler = Query(model).get_compiler(using=alias)
    converters = compiler.get_converters(columns)
    if converters:
        row = next(iter(compiler.apply_converters([row], converters)))
    return model.from_db(alias, attnames, row)


class UserBackend(ModelBackend):
    """Load the signed-in user by primary key through a precompiled query.

    Every signed-in request looks its user up. `ModelBackend.get_user` builds that SELECT with the
    ORM's compiler each time, which costs more than the query itself; this reuses the SQL the
    ORM wrote once and builds the row as the ORM does (converters, `from_db`), so the query is
    counted like any other. The rules are ModelBackend's: inactive users get None.
    """

    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _user_by_pk(pk)
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
