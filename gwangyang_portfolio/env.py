"""Read settings from the environment, failing loudly when a required value is missing."""

import os

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def get_str(name: str, default=_REQUIRED) -> str:
    """Return the variable `name`, or `default`; raise if it is required and unset."""
    value = os.environ.get(name)
    if value is None:
        if default is _REQUIRED:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def get_bool(name: str, default: bool) -> bool:
    """Return the variable `name` read as a boolean."""
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def get_int(name: str, default: int) -> int:
    """Return the variable `name` read as an integer."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def get_list(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated variable `name` as a list of stripped strings."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
