"""Benchmark helper (not a test): signed-in people using the app, with a think time.

    .venv/bin/python bench/users.py --base http://127.0.0.1:8795 --sessions FILE \
        --users 50 --duration 60 --think 1 3

Each simulated user reads a page for a random think time (uniform between the two --think
bounds, in seconds), then opens the next one, like a person would: one of the pages of
bench/wrk_mixed.lua (the lists, the dashboard, the meetings, a proposal of their department,
and for heads 내 부서), and 1 time in --save-every, if they are a head, saves a comment on a
proposal their department leads; with --status-every N, 1 time in N a head instead updates that
proposal's status as a person does: opens the form, then saves it with the version the form
carried (each session has a proposal of its own, so no two people edit the same one). Like a
browser, a user connects when they have something to ask (wrk's think time holds an idle
connection open instead, which a sync worker waits on).
Sessions come from bench/page_targets.py ("cookie<TAB>csrf secret<TAB>proposal id<TAB>role").

Prints one line in wrk_report.lua's format: rps, p50/p95/p99 latency in ms, requests, errors
(a status of 400 or more, or a failed connection), and conflicts: status saves answered 409
because another session saved the same proposal between the form and the save (the product's
answer to two people editing one proposal, not a failure; only where a department has fewer
proposals than sessions, as at scale 1).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
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


CONFLICT = -409  # recorded for a 409 on a status save (see the module's docstring)
VERSION_FIELD = re.compile(rb'name="version" value="(\d+)"')


async def fetch(
    host: str, port: int, method: str, path: str, cookie: str, body: str = "", *, want_body=False
):
    """One request on its own connection; return the status code (and the body if asked)."""
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
        rest = await reader.read()  # the server closes after the response
        status = int(status_line.split()[1])
        return (status, rest) if want_body else status
    finally:
        writer.close()


async def user(session, args, host, port, deadline, results, n):
    rng = random.Random()
    while True:
        await asyncio.sleep(rng.uniform(*args.think))
        if time.monotonic() >= deadline:
            return
        n[0] += 1
        head = session["role"] == "head"
        if head and args.status_every and n[0] % args.status_every == 0:
            await update_status(session, host, port, results, n[0])
            continue
        method, path, body = "GET", rng.choice(PAGES), ""
        if head and n[0] % args.save_every == 0:
            method, path = "POST", f"/proposals/{session['proposal']}/comments/"
            body = f"csrfmiddlewaretoken={session['secret']}&body=bench+comment+{n[0]}"
        elif path == "DETAIL":
            path = f"/proposals/{session['proposal']}/"
        elif path == "MINE":
            path = "/proposals/my-department/" if head else "/proposals/"
        await timed(results, fetch(host, port, method, path, session["cookie"], body))


async def timed(results, request):
    """Await one request, record its time and status; return its answer."""
    started = time.perf_counter()
    try:
        answer = await request
    except OSError:
        answer = 0
    status = answer[0] if isinstance(answer, tuple) else answer
    results.append((time.perf_counter() - started, status))
    return answer


async def update_status(session, host, port, results, i):
    """Open the status form, then save it (two requests, both recorded)."""
    path = f"/proposals/{session['proposal']}/status/"
    answer = await timed(results, fetch(host, port, "GET", path, session["cookie"], want_body=True))
    if not isinstance(answer, tuple) or answer[0] != 200:
        return
    found = VERSION_FIELD.search(answer[1])
    if found is None:
        results.append((0.0, 599))  # the form carried no version: count it as an error
        return
    body = (
        f"csrfmiddlewaretoken={session['secret']}&status=on_track&confidence=3"
        f"&progress={10 + i % 80}&what_changed=bench+update+{i}&version={found[1].decode()}"
    )
    answer = await timed(results, fetch(host, port, "POST", path, session["cookie"], body))
    if answer == 409:
        results[-1] = (results[-1][0], CONFLICT)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--sessions", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--save-every", type=int, default=20)
    parser.add_argument("--status-every", type=int, default=0)
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
    conflicts = sum(1 for _t, status in results if status == CONFLICT)
    print(
        f"RESULT rps={len(results) / elapsed:.1f} p50_ms={statistics.median(times) * 1000:.2f}"
        f" p95_ms={pct(0.95):.2f} p99_ms={pct(0.99):.2f} requests={len(results)}"
        f" errors={errors} conflicts={conflicts}"
    )


if __name__ == "__main__":
    asyncio.run(main())
