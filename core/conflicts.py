"""The one optimistic-lock conflict: a row changed after the editor loaded it.

Versioned rows carry an integer `version`, bumped by every write. A service locks the row and
compares the version the form was loaded with; a mismatch raises `VersionConflict`, which
carries the fresh row so the view can show what is stored now and merge the user's input.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_MESSAGE = _(
    "다른 사용자가 먼저 이 기록을 수정했습니다. 지금 저장된 내용을 확인한 뒤 다시 저장하세요. "
    "입력하신 내용은 그대로 남겨 두었습니다."
)


class VersionConflict(Exception):
    """Raised when a row's version is not the one its editor loaded; nothing was written."""

    def __init__(self, current: models.Model, expected_version: int, message=None):
        self.current = current
        self.expected_version = expected_version
        self.message = message or DEFAULT_MESSAGE
        super().__init__(str(self.message))

    def __str__(self):
        return str(self.message)

    @property
    def messages(self) -> list[str]:
        """The message as a list, like ValidationError.messages (for form errors)."""
        return [str(self.message)]


def lock_for_update(instance: models.Model, expected_version: int | None, *, message=None):
    """Return `instance`'s row locked FOR UPDATE; raise VersionConflict if its version moved.

    `expected_version=None` skips the comparison (internal callers that hold no form).
    Call it inside a transaction.
    """
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(locked, expected_version, message)
    return locked
