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


class JsonlFileBackend(BaseEmailBackend):
    """Append one JSON line per message to $GP_TEST_MAIL_LOG, so another process can count.

    Addresses listed in $GP_TEST_MAIL_FAIL (comma-separated) are refused with an SMTP error.
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
            sent += 1
        return sent


__all__ = ["FlakyLocmemBackend", "JsonlFileBackend", "mail"]
