"""Benchmark the report import on a scratch PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gp_bench_import .venv/bin/python \
        bench/import_bench.py [--rows 10000]

The database named in DATABASE_URL is DROPPED and recreated: point it at a scratch name.
It imports a 35-row and an N-row synthetic report (labelled '[데모]'), then the same files
again (nothing changes), then a revised file where every row changes, and prints rows/s for
preview and apply plus the number of SQL queries each phase ran. Last, with matching on, N new
rows against a portfolio holding 500 proposals without a report code (data_source manual):
25 rows carry one of their titles exactly (linked by default), 25 a slightly longer one
(suggested), so the reconciliation compares N × 500 titles.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gwangyang_portfolio.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gp_bench_import")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")


def recreate_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if not name.startswith(("gp_bench", "bench")):
        sys.exit(f"refusing to drop {name!r}: use a scratch database named gp_bench_*")
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def report_rows(n: int, revision: int = 0) -> list[dict]:
    rows = []
    for i in range(n):
        rows.append(
            {
                "관리번호": f"데모-{i:05d}",
                "전략": (i + revision) % 5 + 1,
                "사업명": f"[데모] 가상 사업 {i}" + (f" (개정 {revision})" if revision else ""),
                "주관부서": f"[데모] 부서{i % 40}",
                "협조부서": f"[데모] 부서{(i + 1 + revision) % 40}, [데모] 부서{(i + 2) % 40}",
                "사업개요": f"벤치마크용 가상 사업입니다. 개정 {revision}.",
                "구분": "신규" if i % 2 else "기존",
                "사업기간": f"{2024 + revision}~2030",
                "총사업비(백만원)": f"{(i + 1) * 100 + revision:,}",
                "재원": "국비·시비" if i % 3 else "민자",
                "비고": "",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from accounts.models import Role, User
    from imports.services import (
        import_run_apply,
        import_run_create,
        import_run_preview,
        import_run_request_apply,
    )
    from imports.template import report_workbook
    from projects.models import Pillar, Portfolio, Proposal

    portfolio = Portfolio.objects.create(code="bench", name="[데모] 벤치마크 사업군", year=2023)
    for number in range(1, 6):
        Pillar.objects.create(portfolio=portfolio, number=number, name=f"[데모] 전략 {number}")
    user = User.objects.create(username="bench", role=Role.PLANNING)

    results = []

    def run(label: str, rows: list[dict]) -> None:
        data = report_workbook(rows)
        started = time.perf_counter()
        run = import_run_create(portfolio=portfolio, user=user, file_name="b.xlsx", data=data)
        with CaptureQueriesContext(connection) as preview_queries:
            run = import_run_preview(run_id=run.pk)
        preview_s = time.perf_counter() - started
        assert run.state == "ready", run.message
        import_run_request_apply(run=run, user=user, confirm_new_departments=True)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as apply_queries:
            run = import_run_apply(run_id=run.pk)
        apply_s = time.perf_counter() - started
        assert run.state == "applied", run.message
        n = len(rows)
        results.append(
            (
                label,
                n,
                run.rows_new,
                run.rows_changed,
                run.rows_linked,
                preview_s,
                apply_s,
                len(preview_queries),
                len(apply_queries),
            )
        )
        reset_queries()

    for n in (35, args.rows):
        Proposal.objects.all().delete()
        run(f"{n:,} rows, first import", report_rows(n))
        run(f"{n:,} rows, same file again", report_rows(n))
        run(f"{n:,} rows, every row revised", report_rows(n, revision=1))

    Proposal.objects.all().delete()
    words = [
        "항만",
        "철강",
        "수소",
        "그린",
        "물류",
        "관광",
        "도시",
        "문화",
        "산업",
        "연구",
        "기관",
        "유치",
        "조성",
        "구축",
        "센터",
    ]
    words += [
        "거점",
        "특구",
        "스마트",
        "공장",
        "기반",
        "해양",
        "에너지",
        "교육",
        "복지",
        "청년",
        "주거",
        "교통",
        "환경",
        "농업",
    ]
    unlinked = [
        Proposal(
            portfolio=portfolio,
            management_no=f"수기-{i:04d}",
            title=f"[데모] {' '.join(words[(i * k + k) % len(words)] for k in (1, 3, 7))} {i}",
            data_source="manual",
        )
        for i in range(500)
    ]
    Proposal.objects.bulk_create(unlinked)
    rows = report_rows(args.rows)
    for i in range(50):
        rows[i]["사업명"] = unlinked[i].title + (" 추진 계획" if i >= 25 else "")
    reset_queries()
    run(f"{args.rows:,} new rows vs 500 unlinked proposals", rows)

    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}  db: PostgreSQL")
    print()
    print(
        "| file | rows | new | changed | linked | preview s | preview rows/s | apply s | "
        "apply rows/s | preview+apply s | queries (preview/apply) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, n, new, changed, linked, preview_s, apply_s, pq, aq in results:
        print(
            f"| {label} | {n:,} | {new:,} | {changed:,} | {linked:,} | {preview_s:.2f} "
            f"| {n / preview_s:,.0f} | {apply_s:.2f} | {n / apply_s:,.0f} "
            f"| {preview_s + apply_s:.2f} | {pq} / {aq} |"
        )


if __name__ == "__main__":
    main()
