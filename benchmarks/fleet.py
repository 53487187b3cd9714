"""P6: one rate budget for 4 worker processes; P7: what the purchase journal adds.

P6: the dptcay sandbox (served on loopback) enforces a sliding window of N calls per W
seconds on one key; 4 worker processes (2 on asyncio, 2 on trio) share that key and make
3N calls in all. With ``rate_budget="redis://…"`` they draw from one window in Redis; with
the default per-process throttle each keeps its own window, so together they send 4x the
limit. Figures: goodput as a share of the allowed rate (3N calls can take no less than 2W),
and the 429 responses the server sent.

P7: Dancity airtime purchases against the sandbox on loopback, without a journal and with
each backend (SQLite file, Redis with an append-only file), rounds interleaved; the figure
is the median added time per purchase. The loopback round trip (~44 ms) is noisy on a busy
machine, so P7 also times the journal alone: ``run_once`` around a send that returns at
once (claim with its identity check, "sent", settled), the whole of what a purchase pays.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import redis

from dancity_sdk import AsyncDancityClient
from dancity_sdk.testing import DancitySandbox
from dptcay_sdk.testing import DptcaySandbox, RatePlan
from shared_auth.fleet import open_journal
from tests.fleet.redis_server import redis_server

LIMIT = 40
WINDOW = 4.5
WORKERS = 4


@contextmanager
def _workers(base_url: str, key: str, budget: str) -> Iterator[list[subprocess.Popen[str]]]:
    env = {**os.environ, "DPTCAY_API_KEY": key, "PYTHONPATH": os.pathsep.join(sys.path)}
    share = 3 * LIMIT // WORKERS
    processes = [
        subprocess.Popen(  # noqa: S603 - our own module and interpreter
            [
                sys.executable,
                "-m",
                "benchmarks.fleet_worker",
                "--base-url",
                base_url,
                "--limit",
                str(LIMIT),
                "--window",
                str(WINDOW),
                "--calls",
                str(share),
                "--budget",
                budget,
                "--backend",
                ("asyncio", "trio")[index % 2],
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for index in range(WORKERS)
    ]
    try:
        yield processes
    finally:
        for process in processes:
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()


def run_budget(budget: str) -> tuple[float, int, int]:
    """Goodput share, 429 count and successful calls for 4 processes on one key."""
    sandbox = DptcaySandbox(plan=RatePlan(limit=LIMIT, window=WINDOW, name="bench"))
    with sandbox.serve_in_thread() as base_url, _workers(base_url, sandbox.write_key, budget) as ps:
        pipes = [(p.stdin, p.stdout) for p in ps if p.stdin is not None and p.stdout is not None]
        if any(out.readline().strip() != "ready" for _, out in pipes):
            msg = "a P6 worker did not start"
            raise RuntimeError(msg)
        for stdin, _ in pipes:  # all start together, imports and connections done
            stdin.write("go\n")
            stdin.flush()
        rows = [out.readline().split() for _, out in pipes]
    ok = sum(int(r[0]) for r in rows)
    rejected = sum(int(r[1]) for r in rows)
    elapsed = max(float(r[3]) for r in rows) - min(float(r[2]) for r in rows)
    ideal = (3 - 1) * WINDOW
    return ideal / elapsed, rejected, ok


def _flush(url: str) -> None:
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def p6() -> None:
    """Print P6: shared budget against per-process throttles."""
    with redis_server() as url:
        for name, budget in (("per-process throttle", ""), ("shared budget (Redis)", url)):
            _flush(url)
            share, rejected, ok = run_budget(budget)
            print(  # noqa: T201
                f"{name:24s} goodput {share * 100:5.1f}% of the allowed rate, "
                f"{rejected:3d} x 429, {ok}/{3 * LIMIT} calls succeeded ({WORKERS} processes)"
            )


PURCHASES = 150


async def _purchases(url: str, key: str, journal: Any, tag: str) -> list[float]:
    times: list[float] = []
    async with AsyncDancityClient(key, base_url=url, throttle=False, journal=journal) as client:
        for index in range(PURCHASES):
            start = time.perf_counter()
            await client.vas.airtime.buy(
                product="MTN Airtime",
                phone="08031234567",
                amount=Decimal(100),
                customer_ref=f"{tag}-{index}",
            )
            times.append(time.perf_counter() - start)
    return times


def p7() -> None:
    """Print P7: the median time a journal adds to a purchase, per backend and event loop."""
    sandbox = DancitySandbox(per_key_limit=10**9, purchase_limit=10**9, main_balance=10**9)
    with (
        redis_server() as redis_url,
        tempfile.TemporaryDirectory() as tmp,
        sandbox.serve_in_thread() as url,
    ):
        targets: dict[str, Any] = {
            "none": None,
            "sqlite": f"sqlite:///{Path(tmp) / 'journal.db'}",
            "redis": redis_url,
        }
        for backend in ("asyncio", "trio"):
            medians: dict[str, list[float]] = {name: [] for name in targets}
            for round_ in range(3):  # interleaved, so machine load hits all alike
                for name, target in targets.items():
                    journal = None if target is None else open_journal(target, create=True)
                    tag = f"{backend}-{name}-{round_}"
                    times = anyio.run(
                        _purchases, url, sandbox.api_key, journal, tag, backend=backend
                    )
                    medians[name].append(statistics.median(times[10:]))
            base = statistics.median(medians["none"])
            for name in ("sqlite", "redis"):
                added = statistics.median(medians[name]) - base
                print(  # noqa: T201
                    f"{backend:7s} journal {name:6s}: +{added * 1000:.2f} ms per purchase "
                    f"(median {statistics.median(medians[name]) * 1000:.2f} ms, none "
                    f"{base * 1000:.2f} ms)"
                )
    p7_journal_only()


async def _journal_only(target: str, tag: str) -> float:
    journal = open_journal(target, create=True)

    async def send() -> Any:
        return {"status": "SUCCESS"}

    times: list[float] = []
    for index in range(PURCHASES):
        ref = f"{tag}-{index}"
        start = time.perf_counter()
        await journal.run_once(
            key=f"dancity:{ref}",
            api="dancity",
            reference=ref,
            fingerprint="fp",
            owner="bench",
            send=send,
            reconcile=None,
        )
        times.append(time.perf_counter() - start)
    await journal.aclose()
    return statistics.median(times[10:])


def p7_journal_only() -> None:
    """Print the journal's own time per purchase (no network), per backend and event loop."""
    with redis_server() as redis_url, tempfile.TemporaryDirectory() as tmp:
        targets = {"sqlite": f"sqlite:///{Path(tmp) / 'alone.db'}", "redis": redis_url}
        for backend in ("asyncio", "trio"):
            for name, target in targets.items():
                medians = [
                    anyio.run(_journal_only, target, f"{backend}-{r}", backend=backend)
                    for r in range(5)
                ]
                print(  # noqa: T201
                    f"{backend:7s} journal {name:6s} alone: {statistics.median(medians) * 1000:.2f}"
                    " ms per purchase (claim + sent + settled, no network)"
                )


def main() -> None:
    """P6 then P7."""
    p6()
    print("\n== P7 ==", flush=True)  # noqa: T201
    p7()
