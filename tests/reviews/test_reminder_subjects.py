"""A line break in a meeting title (typed before such titles were refused) cannot stop the
close-summary e-mails: the subject is made one line, and the notices are written."""

import pytest
import time_machine
from django.core import mail

from reviews.models import Notification, Reminder, ReminderState, ReviewMeeting
from reviews.services import meeting_close
from tests.reminder_helpers import dispatch_in_process, make_world, seoul

pytestmark = pytest.mark.django_db


def test_a_meeting_title_with_a_line_break_still_sends_its_summaries():
    with time_machine.travel(seoul(2026, 6, 15, 17, 0), tick=False):
        w = make_world()
        ReviewMeeting.objects.filter(pk=w.meeting.pk).update(
            title="상반기 보고회\r\nBcc: everyone@example.invalid"
        )
        w.meeting.refresh_from_db()
        meeting_close(meeting=w.meeting, user=w.chair)

        dispatch_in_process()

    summaries = Reminder.objects.filter(kind__endswith="summary")
    assert set(summaries.values_list("state", flat=True)) == {ReminderState.SENT}
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "상반기 보고회 Bcc: everyone@example.invalid" in message.subject
        assert "everyone@example.invalid" not in message.bcc
    assert Notification.objects.filter(user=w.chair).count() == 1
