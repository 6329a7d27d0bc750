"""The authentication backend: Django's ModelBackend with a cheaper per-request user lookup."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from core import user_row


@functools.cache
def _user_by_pk_query(alias: str) -> tuple[str, tuple[str, ...], tuple, tuple[str, ...]]:
    """The SELECT of one user by primary key, as the ORM writes it for `alias` once per process
    (so it follows the model), with the values apps asked to read alongside (core.user_row).

    Returns the SQL, the attribute names of the user's columns, every selected expression (for
    the field converters) and the names of the values that follow the user's columns.
    """
    model = get_user_model()
    quote = connections[alias].ops.quote_name
    user_id = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    extras = user_row.expressions(connections[alias], user_id=user_id)
    queryset = model._default_manager.using(alias).filter(pk=0)
    if extras:
        # The SQL is the registering apps' own code, never input.
        raw = {
            name: RawSQL(sql, (), output_field=field)  # noqa: S611
            for name, (sql, field) in extras.items()
        }
        queryset = queryset.annotate(**raw)
    compiler = queryset.query.get_compiler(using=alias)
    sql, _params = compiler.as_sql()
    columns = tuple(column for column, _sql, _alias in compiler.select)
    attnames = tuple(column.target.attname for column in columns[: len(columns) - len(extras)])
    names = tuple(alias_ for _column, _sql, alias_ in compiler.select[len(attnames) :])
    return sql, attnames, columns, names


def _user_by_pk(pk):
    """Return the user with this primary key, or None: the ORM's own SELECT and row building
    (field converters, `Model.from_db`), without compiling the query on every request."""
    model = get_user_model()
    alias = router.db_for_read(model)
    sql, attnames, columns, names = _user_by_pk_query(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    compiler = Query(model).get_compiler(using=alias)
    converters = compiler.get_converters(columns)
    if converters:
        row = next(iter(compiler.apply_converters([row], converters)))
    user = model.from_db(alias, attnames, row[: len(attnames)])
    user_row.remember(user, dict(zip(names, row[len(attnames) :], strict=True)))
    return user


class UserBackend(ModelBackend):
    """Load the signed-in user by primary key through a precompiled query.

    Every signed-in request looks its user up. `ModelBackend.get_user` builds that SELECT with the
    ORM's compiler each time, which costs more than the query itself; this reuses the SQL the
    ORM wrote once and builds the row as the ORM does (converters, `from_db`), so the query is
    counted like any other. The same query reads what other apps registered in
    `core.user_row` (the pages' data version, the unread count): one round trip for all.
    The rules are ModelBackend's: inactive users get None.
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
