"""Benchmark helper (not a test): signed-in people using the app, with a think time.

    .venv/bin/python bench/users.py --base http://127.0.0.1:8795 --sessions FILE \
        --users 50 --duration 60 --think 1 3

Each simulated user reads a page for a random think time (uniform between the two --think
bounds, in seconds), then opens the next one, like a person would: one of the pages of
bench/wrk_mixed.lua (the lists, the dashboard, the meetings, a proposal of their department,
and for heads 내 부서), and 1 time in --save-every, if they are a head, saves a comment on a
proposal their department leads. Like a browser, a user connects when they have something to
ask (wrk's think time holds an idle connection open instead, which a sync worker waits on).
Sessions come from bench/page_targets.py ("cookie<TAB>csrf secret<TAB>proposal id<TAB>role").

Prints one line in wrk_report.lua's format: rps, p50/p95/p99 latency in ms, requests, errors
(a status of 400 or more, or a failed connection).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

PAGES = [
    "/proposals/",
    "/proposals/?q=%EC%88%98%EC%86%8C",
    "/proposals/?ordering=-progress&page=2",
    "/reviews/dashboard/",
    "/reviews/meetings/",
    "DETAIL",
    "MINE",
]


async def fetch(host: str, port: int, method: str, path: str, cookie: str, body: str = ""):
    """One request on its own connection; return the status code."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {host}:{port}",
            f"Cookie: {cookie}",
            "Connection: close",
        ]
        if method == "POST":
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body.encode())}",
            ]
        writer.write(("\r\n".join(head) + "\r\n\r\n" + body).encode())
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # the server closes after the response
        return int(status_line.split()[1])
    finally:
        writer.close()


async def user(session, args, host, port, deadline, results, n):
    rng = random.Random()
    while True:
        await asyncio.sleep(rng.uniform(*args.think))
        if time.monotonic() >= deadline:
            return
        n[0] += 1
        method, path, body = "GET", rng.choice(PAGES), ""
        if session["role"] == "head" and n[0] % args.save_every == 0:
            method, path = "POST", f"/proposals/{session['proposal']}/comments/"
            body = f"csrfmiddlewaretoken={session['secret']}&body=bench+comment+{n[0]}"
        elif path == "DETAIL":
            path = f"/proposals/{session['proposal']}/"
        elif path == "MINE":
            path = "/proposals/my-department/" if session["role"] == "head" else "/proposals/"
        started = time.perf_counter()
        try:
            status = await fetch(host, port, method, path, session["cookie"], body)
        except OSError:
            status = 0
        results.append((time.perf_counter() - started, status))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--sessions", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--save-every", type=int, default=20)
    args = parser.parse_args()
    url = urlsplit(args.base)
    sessions = []
    for line in Path(args.sessions).read_text(encoding="utf-8").splitlines():
        cookie, secret, proposal, role = line.split("\t")
        sessions.append({"cookie": cookie, "secret": secret, "proposal": proposal, "role": role})
    results: list[tuple[float, int]] = []
    started = time.monotonic()
    deadline = started + args.duration
    n = [0]
    await asyncio.gather(
        *(
            user(sessions[i % len(sessions)], args, url.hostname, url.port, deadline, results, n)
            for i in range(args.users)
        )
    )
    elapsed = time.monotonic() - started
    times = sorted(t for t, _status in results)

    def pct(p):
        return times[min(len(times) - 1, int(len(times) * p))] * 1000

    errors = sum(1 for _t, status in results if status == 0 or status >= 400)
    print(
        f"RESULT rps={len(results) / elapsed:.1f} p50_ms={statistics.median(times) * 1000:.2f}"
        f" p95_ms={pct(0.95):.2f} p99_ms={pct(0.99):.2f} requests={len(results)}"
        f" errors={errors}"
    )


if __name__ == "__main__":
    asyncio.run(main())
