"""Values read in the same round trip as the signed-in user's row.

Every signed-in request loads its user by primary key (`accounts.backends.UserBackend`). An
app whose pages need another small value on every request registers an SQL expression here,
and the backend selects it beside the user's columns, so the request pays one query for all:
the data version the cached pages are keyed on (dashboard) and the unread notification count
(reviews). `value(user, name)` answers from that row, or MISSING when the user was loaded
another way (then the app reads the value itself).

An expression is a scalar subquery over its own tables, written for the connection it is given;
`{user_id}` in it stands for the user's primary-key column. The backend reads the registered
expressions when it first builds its query in a process, after every app's `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable

MISSING = object()
_ATTRIBUTE = "_gp_row_values"

# name -> (expression(connection) -> SQL, output field or None)
_expressions: dict[str, tuple[Callable, object]] = {}


def register(name: str, expression: Callable, output_field=None) -> None:
    """Select `expression(connection)` with every signed-in user's row, under `name`."""
    _expressions[name] = (expression, output_field)


def expressions(connection, *, user_id: str) -> dict[str, tuple[str, object]]:
    """Return each registered name's SQL for `connection` and its output field."""
    return {
        name: (expression(connection).format(user_id=user_id), output_field)
        for name, (expression, output_field) in _expressions.items()
    }


def remember(user, values: dict) -> None:
    """Keep the values read with `user`'s row on the user object (one request's lifetime)."""
    setattr(user, _ATTRIBUTE, values)


def value(user, name: str):
    """Return the value `name` read with the user's row, or MISSING."""
    return getattr(user, _ATTRIBUTE, {}).get(name, MISSING)
