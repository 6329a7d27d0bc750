"""Reminder kinds owned by apps above reviews (e.g. `rounds`), without reviews importing them.

An upper app plans rows of the engine's `Reminder` model (unique keys, planned in its own
transaction) and registers, once at start-up (`AppConfig.ready`), how such a row is worded
and whether it is still wanted when it falls due. The dispatcher and the delivery stay the
same: claimed under SKIP LOCKED, delivered once, in-app notice + e-mail, retried on failure.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Reminder
    from .reminder_messages import Message


@dataclass(frozen=True)
class KindHandler:
    compose: Callable[[Reminder, datetime.datetime], Message]
    still_wanted: Callable[[Reminder], bool]


_HANDLERS: dict[str, KindHandler] = {}


def register_reminder_kind(
    kind: str,
    *,
    compose: Callable[[Reminder, datetime.datetime], Message],
    still_wanted: Callable[[Reminder], bool],
) -> None:
    """Let an upper app word and gate the reminders of `kind` (idempotent per kind)."""
    _HANDLERS[str(kind)] = KindHandler(compose=compose, still_wanted=still_wanted)


def handler_for(kind: str) -> KindHandler | None:
    return _HANDLERS.get(str(kind))
