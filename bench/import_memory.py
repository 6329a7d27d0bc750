"""Peak memory of a worker previewing hostile and large report files up to the upload limit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gp_bench_memory CELERY_BROKER_URL=memory:// \
        .venv/bin/python bench/import_memory.py

The database named in DATABASE_URL is DROPPED and recreated: point it at a scratch name.
Each file is previewed in a fresh process that does what the Celery task does
(`imports.services.import_run_preview`, the step that reads the file); the process reports
its peak resident set size (VmHWM, the kernel's high-water mark of resident memory) at start
and at the end. The target is a peak under 300 MB for any file the upload form accepts
(GP_IMPORT_MAX_BYTES, 10 MB).
"""

import argparse
import io
import os
import random
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gwangyang_portfolio.settings")
# As in production: with DEBUG on, Django keeps every query's SQL (the file included) in memory.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gp_bench_memory")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

MB = 1024 * 1024
UPLOAD_LIMIT = 10 * MB
SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초"


def peak_mb() -> float:
    """Peak resident set size of this process image, in MB.

    /proc/self/status VmHWM, not getrusage's ru_maxrss: on Linux ru_maxrss carries over the
    parent's peak through fork and exec, which would charge the child for the files the
    parent built. Elsewhere, ru_maxrss it is.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(run_id: int) -> None:
    """Child process: preview one uploaded run as the worker's task does; print the figures."""
    import django

    django.setup()
    from imports.services import import_run_preview

    before = peak_mb()
    run = import_run_preview(run_id=run_id)
    print(f"{before:.0f}\t{peak_mb():.0f}\t{run.state}\t{run.rows_total}\t{run.message[:70]}")


def text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


def big_xlsx(rows: int, summary_chars: int) -> bytes:
    """A well-formed report of distinct long texts (every cell a new shared string)."""
    import openpyxl

    from imports.columns import HEADERS

    rng = random.Random(12)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("사업목록")
    sheet.append(list(HEADERS))
    for i in range(rows):
        values = {
            "관리번호": f"M-{i:05d}",
            "전략": i % 5 + 1,
            "사업명": f"[데모] 사업 {i} {text(rng, 20)}",
            "주관부서": f"[데모] 부서{i % 40}",
            "사업개요": text(rng, summary_chars),
        }
        sheet.append([values.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def big_csv(rows: int, summary_chars: int) -> bytes:
    from imports.columns import HEADERS

    rng = random.Random(13)
    lines = [",".join(HEADERS)]
    index = {h: n for n, h in enumerate(HEADERS)}
    for i in range(rows):
        cells = [""] * len(HEADERS)
        cells[index["관리번호"]] = f"C-{i:05d}"
        cells[index["전략"]] = str(i % 5 + 1)
        cells[index["사업명"]] = f"[데모] 사업 {i}"
        cells[index["주관부서"]] = f"[데모] 부서{i % 40}"
        cells[index["사업개요"]] = text(rng, summary_chars)
        lines.append(",".join(cells))
    return "\r\n".join(lines).encode()


def bomb(unpacked: int) -> bytes:
    """A one-row report whose sheet XML is padded with spaces to `unpacked` bytes."""
    from imports.template import report_workbook

    good = zipfile.ZipFile(io.BytesIO(report_workbook([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bad:
        for info in good.infolist():
            content = good.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                with bad.open(info.filename, "w", force_zip64=True) as member:
                    head, tail = content.rsplit(b"</worksheet>", 1)
                    member.write(head)
                    block = b" " * MB
                    for _ in range(unpacked // MB):
                        member.write(block)
                    member.write(b"</worksheet>" + tail)
                continue
            bad.writestr(info.filename, content)
    return out.getvalue()


def fit(make, *args) -> bytes:
    """Shrink the row count until the file is within the upload limit."""
    rows, chars = args
    while True:
        data = make(rows, chars)
        if len(data) <= UPLOAD_LIMIT:
            return data
        rows = int(rows * UPLOAD_LIMIT / len(data) * 0.97)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", type=int, help="preview this run (the child process)")
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return

    from import_bench import recreate_database

    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import Role, User
    from imports.services import import_run_create
    from projects.models import Pillar, Portfolio

    portfolio = Portfolio.objects.create(code="bench", name="[데모] 벤치마크 사업군", year=2023)
    for number in range(1, 6):
        Pillar.objects.create(portfolio=portfolio, number=number, name=f"[데모] 전략 {number}")
    user = User.objects.create(username="bench", role=Role.PLANNING)

    cases = [
        ("zip bomb .xlsx, 1 GB unpacked", "bomb.xlsx", lambda: bomb(1024 * MB)),
        ("zip bomb .xlsx, 45 MB unpacked (ratio)", "bomb45.xlsx", lambda: bomb(45 * MB)),
        ("blank lines .csv", "blank.csv", lambda: b"\r\n" * (UPLOAD_LIMIT // 2)),
        ("one line of 10 M commas .csv", "wide.csv", lambda: b"," * (UPLOAD_LIMIT - 1)),
        ("20,000-row .csv, long texts", "rows.csv", lambda: fit(big_csv, 20_000, 160)),
        ("20,000-row .xlsx, distinct long texts", "rows.xlsx", lambda: fit(big_xlsx, 20_000, 450)),
    ]
    print(f"python {sys.version.split()[0]}, GP_IMPORT_MAX_BYTES 10 MB, target peak < 300 MB")
    print()
    print("| file | size | state | rows | RSS of the started process MB | peak RSS MB |")
    print("|---|---:|---|---:|---:|---:|")
    for label, name, make in cases:
        data = make()
        size = len(data) / MB
        # The upload is recorded by the web process; the worker only previews it.
        run = import_run_create(portfolio=portfolio, user=user, file_name=name, data=data)
        del data
        out = (
            subprocess.run(
                [sys.executable, __file__, "--one", str(run.pk)],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.rstrip("\n")
            .splitlines()[-1]
        )
        before, peak, state, rows, message = out.split("\t")
        print(f"| {label} | {size:.2f} MB | {state} | {rows} | {before} | {peak} |")
        if message:
            print(f"|  ↳ {message} | | | | | |")


if __name__ == "__main__":
    main()
