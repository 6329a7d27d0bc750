"""Test e-mail backends: one failing for chosen recipients, one shared across processes."""

import json
import os
import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


def _refuse(message, failing: set[str]) -> None:
    refused = failing & set(message.recipients())
    if refused:
        raise smtplib.SMTPRecipientsRefused({r: (450, b"mailbox busy, try later") for r in refused})


class FlakyLocmemBackend(LocmemBackend):
    """The locmem outbox, but a message to any address in `fail_for` raises an SMTP error."""

    fail_for: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            _refuse(message, self.fail_for)
        return super().send_messages(messages)


class CrashAfterSendBackend(LocmemBackend):
    """The SMTP server accepts the message (it is in the outbox), then the process dies
    (SystemExit, a BaseException) before the caller can record the send."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise SystemExit("worker process died after the SMTP server accepted the message")


class BreakAfterBackend(LocmemBackend):
    """The locmem outbox over a counted connection: `opened` counts the connections opened,
    and once `break_after` messages have gone through, the next raises SMTPServerDisconnected
    (the server dropped the connection). `reset()` before each use."""

    opened = 0
    sent = 0
    break_after: int | None = None

    @classmethod
    def reset(cls, *, break_after: int | None) -> None:
        cls.opened, cls.sent, cls.break_after = 0, 0, break_after

    def open(self):
        type(self).opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            if self.break_after is not None and type(self).sent >= self.break_after:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            type(self).sent += 1
            super().send_messages([message])
        return len(messages)


class JsonlFileBackend(BaseEmailBackend):
    """Append one JSON line per message to $GP_TEST_MAIL_LOG, so another process can count.

    Addresses listed in $GP_TEST_MAIL_FAIL (comma-separated) are refused with an SMTP error.
    With $GP_TEST_MAIL_DIE=1 the process dies (os._exit) right after writing each message,
    as a worker killed after the SMTP server accepted it.
    """

    def send_messages(self, messages):
        failing = {a for a in os.environ.get("GP_TEST_MAIL_FAIL", "").split(",") if a}
        sent = 0
        for message in messages:
            _refuse(message, failing)
            line = json.dumps(
                {
                    "message_id": message.extra_headers.get("Message-ID"),
                    "to": message.recipients(),
                    "subject": message.subject,
                },
                ensure_ascii=False,
            )
            # O_APPEND writes of one short line are atomic between processes.
            with open(os.environ["GP_TEST_MAIL_LOG"], "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
            if os.environ.get("GP_TEST_MAIL_DIE") == "1":
                os._exit(1)
            sent += 1
        return sent


__all__ = [
    "BreakAfterBackend",
    "CrashAfterSendBackend",
    "FlakyLocmemBackend",
    "JsonlFileBackend",
    "mail",
]
