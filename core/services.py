"""Helpers for service functions (the writes of every app)."""

from collections.abc import Iterable


def reject_unknown_fields(service: str, changes: dict, allowed: Iterable[str]) -> None:
    """Raise TypeError naming the fields of `changes` that `service` may not write.

    A programming error, like an unexpected keyword argument: not a user's mistake.
    """
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{service}() got unexpected fields {sorted(unknown)}")
