"""Benchmark helper (not a test): sign in the users `bench/pages.sh` needs and name its URLs.

Run with the bench's environment (DATABASE_URL of the scratch database) after `seed` and
`load_demo`. Prints shell assignments, `eval`ed by pages.sh:
- COOKIE_DEPUTY, COOKIE_HEAD (the head with the most proposals), COOKIE_ADMIN (a superuser
  made here, for the admin changelist and the list beside it): each a browser's cookies after
  signing in, the session and a CSRF secret;
- URL_DETAIL (the proposal with the most status updates), URL_MEETING (the meeting with
  the most follow-ups), URL_ADMIN (the admin changelist of the same 25 rows as the list);
- the mixed-load sessions in var/bench/mixed_sessions.txt: one line per signed-in user,
  "cookie<TAB>csrf secret<TAB>proposal id<TAB>role", for the deputy, planning, the viewer and
  heads (only heads open 내 부서).
Sessions are made by Django's own login (`Client.force_login`), so every middleware accepts
them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gwangyang_portfolio.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from projects.models import Proposal  # noqa: E402
from projects.portfolios import newest_portfolio  # noqa: E402
from reviews.models import ReviewMeeting  # noqa: E402

MIXED_USERS = 50


def cookie_for(user) -> str:
    """The cookies a browser holds after signing in: the session and a CSRF secret (the sign-in
    form set one), so the pages' forms carry a token the browser can send back."""
    client = Client()
    client.force_login(user)
    secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    return (
        f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={secret}"
    )


def main() -> None:
    portfolio = newest_portfolio()
    admin, _created = User.objects.get_or_create(
        username="bench-admin",
        defaults={"is_superuser": True, "is_staff": True, "role": Role.PLANNING},
    )
    head = (
        User.objects.filter(role=Role.DEPARTMENT_HEAD, department__isnull=False)
        .annotate(n=Count("department__led_proposals"))
        .order_by("-n")
        .first()
    )
    detail = (
        Proposal.objects.filter(portfolio=portfolio)
        .annotate(n=Count("updates"))
        .order_by("-n", "pk")
        .first()
    )
    meeting = (
        ReviewMeeting.objects.filter(portfolio=portfolio)
        .annotate(n=Count("actions"))
        .order_by("-n", "pk")
        .first()
    )
    print(f"COOKIE_DEPUTY='{cookie_for(User.objects.get(username='deputy'))}'")
    print(f"COOKIE_HEAD='{cookie_for(head)}'")
    print(f"COOKIE_ADMIN='{cookie_for(admin)}'")
    print(f"HEAD_PROPOSALS={Proposal.objects.filter(lead_department=head.department).count()}")
    print(f"URL_DETAIL='{detail.get_absolute_url()}'")
    print(f"URL_MEETING='{meeting.get_absolute_url()}'")
    print(f"URL_ADMIN='/admin/projects/proposal/?portfolio__id__exact={portfolio.pk}'")
    readers = list(User.objects.filter(role__in=[Role.DEPUTY_MAYOR, Role.PLANNING, Role.VIEWER]))
    heads = list(User.objects.filter(role=Role.DEPARTMENT_HEAD, department__isnull=False))
    users = (readers + heads * MIXED_USERS)[:MIXED_USERS]
    out = ROOT / "var" / "bench" / "mixed_sessions.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    sessions_of: dict[int, int] = {}
    for user in users:
        # Sessions of one head take the department's proposals in turn, so that people edit
        # the same proposal only where the department has fewer proposals than sessions.
        led = list(
            Proposal.objects.filter(portfolio=portfolio, lead_department=user.department_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        nth = sessions_of[user.pk] = sessions_of.get(user.pk, -1) + 1
        proposal = led[nth % len(led)] if led else detail.pk
        cookie = cookie_for(user)
        secret = cookie.rpartition("=")[2]
        role = "head" if user.role == Role.DEPARTMENT_HEAD else "reader"
        lines.append(f"{cookie}\t{secret}\t{proposal}\t{role}")
    out.write_text("\n".join(lines) + "\n")
    print(f"MIXED_SESSIONS='{out}'")


if __name__ == "__main__":
    main()
