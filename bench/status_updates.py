"""Benchmark helper (not a test): status updates through the form, in-process.

Run by bench/pages.sh against its scratch database. A department head posts `--count` status
updates to their proposals (round robin) through Django's test client, the whole request
(middleware, form, service, history, triggers); prints one line:
`per_s=… p50_ms=… p95_ms=… queries=…` (queries of one update, from the last one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gwangyang_portfolio.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from projects.models import Proposal  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    head = (
        User.objects.filter(role=Role.DEPARTMENT_HEAD, department__isnull=False)
        .annotate(n=Count("department__led_proposals"))
        .order_by("-n")
        .first()
    )
    proposals = list(Proposal.objects.filter(lead_department=head.department).order_by("pk")[:50])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(head)
    timings, queries = [], 0
    for i in range(args.count):
        proposal = proposals[i % len(proposals)]
        version = Proposal.objects.values_list("version", flat=True).get(pk=proposal.pk)
        data = {
            "status": "on_track",
            "confidence": "3",
            "progress": str(10 + i % 80),
            "what_changed": f"벤치마크 갱신 {i}",
            "version": str(version),
        }
        url = reverse("projects:proposal_update_status", args=[proposal.pk])
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(url, data)
            timings.append(time.perf_counter() - started)
        if response.status_code != 302:
            raise SystemExit(f"update {i} answered {response.status_code}")
        queries = len(captured.captured_queries)
    timings.sort()
    print(
        f"per_s={len(timings) / sum(timings):.1f}"
        f" p50_ms={statistics.median(timings) * 1000:.2f}"
        f" p95_ms={timings[int(len(timings) * 0.95) - 1] * 1000:.2f}"
        f" queries={queries}"
    )


if __name__ == "__main__":
    main()
