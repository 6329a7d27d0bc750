"""Benchmark (not a test): plan and dispatch 10,000 reminders on the synthetic portfolio.

Run against a scratch PostgreSQL database loaded with `manage.py seed` and
`manage.py load_demo --scale 100`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gp_bench DJANGO_DEBUG=1 \
        .venv/bin/python bench/reminders.py --target 10000 --dispatchers 4

It plans every closed demo meeting with the service `meeting_close` uses (summaries per
department and chair, dated reminders of each open action), then claims and delivers
`--target` of them with N concurrent dispatcher processes (like Celery's prefork children,
one database connection each), each claiming with FOR UPDATE SKIP LOCKED exactly as the
beat task does. Mail goes to Django's locmem backend;
the duplicate count is the number of extra messages with an already-seen Message-ID plus the
number of rows delivered more than once. It must be 0. The run leaves the rows in the
database: use a scratch database.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gwangyang_portfolio.settings")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# The run delivers as if the clock were 400 days on (below): lift the give-up horizon, or every
# row would be given up (past REMINDER_GIVE_UP_AFTER_DAYS) instead of sent.
os.environ.setdefault("REMINDER_GIVE_UP_AFTER_DAYS", "100000")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from reviews.models import MeetingState, Reminder, ReminderState, ReviewMeeting  # noqa: E402
from reviews.services import reminders_claim_due, reminders_deliver  # noqa: E402
from reviews.services.reminders import reminders_plan_for_meeting_close  # noqa: E402


def plan() -> tuple[int, float]:
    """Plan every closed demo meeting as `meeting_close` does; return (rows, seconds).

    Per meeting: one summary per owner department, one for the chair, and the dated
    reminders of each open action, in one transaction per meeting.
    """
    before = Reminder.objects.count()
    meetings = list(ReviewMeeting.objects.filter(state=MeetingState.CLOSED).select_related("chair"))
    started = time.perf_counter()
    for meeting in meetings:
        with transaction.atomic():
            reminders_plan_for_meeting_close(meeting)
    return Reminder.objects.count() - before, time.perf_counter() - started


def _dispatcher(args) -> tuple[list[int], dict, list[str]]:
    """One dispatcher process: claim batches until the shared budget is spent, deliver them."""
    batch, send_batch, now = args
    connection.close()  # never share the parent's connection after fork
    mail.outbox = []
    cpu = time.process_time()
    claimed, outcomes = [], collections.Counter()
    while True:
        with _BUDGET.get_lock():
            take = min(batch, _BUDGET.value)
            _BUDGET.value -= take
        if take <= 0:
            break
        ids = reminders_claim_due(limit=take, now=now)
        with _BUDGET.get_lock():
            _BUDGET.value += take - len(ids)
        if not ids:
            break
        claimed += ids
        # As the send tasks: one delivery per `send_batch` claimed rows (1 = the old per-row path).
        for start in range(0, len(ids), send_batch):
            outcomes.update(
                reminders_deliver(ids=ids[start : start + send_batch], now=now).values()
            )
    connection.close()
    cpu = time.process_time() - cpu
    return claimed, dict(outcomes), [m.extra_headers["Message-ID"] for m in mail.outbox], cpu


_BUDGET = multiprocessing.Value("i", 0)


def dispatch(target: int, dispatchers: int, batch: int, send_batch: int, now) -> dict:
    """Race `dispatchers` processes (like Celery prefork children) until `target` are claimed."""
    _BUDGET.value = target
    connection.close()
    started = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(dispatchers) as pool:
        results = pool.map(_dispatcher, [(batch, send_batch, now)] * dispatchers)
    seconds = time.perf_counter() - started
    claimed, outcomes, message_ids = collections.Counter(), collections.Counter(), []
    cpu = sum(r[3] for r in results)
    for ids, result, mids, _cpu in results:
        claimed.update(ids)
        outcomes.update(result)
        message_ids += mids
    return {
        "claimed": claimed,
        "outcomes": outcomes,
        "seconds": seconds,
        "mail": message_ids,
        "cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=int, default=10_000)
    parser.add_argument("--dispatchers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=200, help="rows per claim")
    parser.add_argument(
        "--send-batch", type=int, default=None, help="rows per send task (REMINDER_SEND_BATCH)"
    )
    args = parser.parse_args()
    rows, plan_seconds = plan()
    pending = Reminder.objects.filter(state=ReminderState.PENDING).count()
    print(
        f"planned {rows} reminder rows in {plan_seconds:.2f} s "
        f"({rows / plan_seconds:,.0f} rows/s); pending now {pending}"
    )
    if pending < args.target:
        sys.exit(f"only {pending} pending rows; load a bigger portfolio (--scale)")
    # Deliver as if the clock were past every planned date (the rows themselves are unchanged).
    now = timezone.now() + datetime.timedelta(days=400)
    send_batch = args.send_batch or settings.REMINDER_SEND_BATCH
    result = dispatch(args.target, args.dispatchers, args.batch, send_batch, now)
    claimed, outcomes, seconds = result["claimed"], result["outcomes"], result["seconds"]
    message_ids = collections.Counter(result["mail"])
    duplicate_mail = sum(n - 1 for n in message_ids.values())
    duplicate_claims = sum(n - 1 for n in claimed.values())
    delivered = sum(outcomes[k] for k in ("sent", "cancelled", "failed", "given_up"))
    print(
        f"dispatched {len(claimed)} reminders with {args.dispatchers} racing dispatcher processes "
        f"(claims of {args.batch}, send batches of {send_batch}) "
        f"in {seconds:.2f} s: {len(claimed) / seconds:,.0f} reminders/s"
    )
    print(
        f"dispatcher CPU {result['cpu']:.2f} s: {1000 * result['cpu'] / len(claimed):.2f} ms "
        f"per reminder in Python (PostgreSQL's share not included); load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(
        f"outcomes {dict(outcomes)}; e-mails {len(result['mail'])}; "
        f"notifications per row ≤ 1 by constraint"
    )
    print(
        f"duplicates: {duplicate_mail + duplicate_claims} "
        f"(repeated Message-IDs {duplicate_mail}, rows claimed twice {duplicate_claims})"
    )
    if duplicate_mail or duplicate_claims or delivered != len(claimed):
        sys.exit("FAIL: duplicates or lost rows")


if __name__ == "__main__":
    main()
