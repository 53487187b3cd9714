"""A batch worker: 1,000 concurrent calls, bounded concurrency, one client, asyncio or trio.

What it shows:

* **One client** shared by every task (one connection pool, one client-side throttle).
* **Bounded concurrency** with an ``anyio.CapacityLimiter``: at most ``concurrency``
  calls are in flight, however many are queued.
* **Any event loop**: the SDK is built on anyio, so the same code runs on asyncio and trio.
* **Typed failures**, counted by error class, and **rate-limit waits** observed with an
  httpx response hook (every 429 the server sent; those that did not end in a
  ``RateLimitError`` were waited out and retried by the SDK).

Run it against an in-process sandbox (the default: nothing leaves the process)::

    python -m examples.worker                        # asyncio, 1,000 calls, 50 at a time
    python -m examples.worker --backend trio
    python -m examples.worker --plan starter         # 100/min: watch the 429s being counted
    python -m examples.worker --plan starter --rate-plan --calls 150   # the fix: no 429s
    python -m examples.worker --calls 200 --concurrency 10

**The fix for 429s is to tell the client your plan**: ``AsyncDptcayClient(key,
rate_plan="starter")`` (``--rate-plan`` here) throttles on the client to the plan's window,
so calls wait for a free slot instead of spending the allowance on 429s and ending in
``RateLimitError``. Past the plan's allowance that means waiting: 150 calls on ``starter``
take about a minute, 1,000 about ten.

or against a dptcay *test* account (``DPTCAY_API_KEY`` / ``DPTCAY_BASE_URL``)::

    python -m examples.worker --env --calls 50

Tests drive `run` directly (``tests/examples/test_worker.py``).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import anyio
import httpx

from dptcay_sdk import APIError, AsyncDptcayClient, RetryPolicy

if TYPE_CHECKING:
    from dptcay_sdk import RatePlanName
    from dptcay_sdk.testing import RatePlan

__all__ = ["ResponseStats", "Summary", "main", "run", "sandbox_client"]

AMOUNT: Final = Decimal("10.00")
#: Waits longer than this raise RateLimitError instead of stalling the demo for a minute.
DEMO_RETRY: Final = RetryPolicy(max_rate_limit_wait=5.0)


class ResponseStats:
    """An httpx ``response`` event hook that counts statuses (429 = a rate-limit hit).

    Install it on the ``httpx.AsyncClient`` you give the SDK client::

        stats = ResponseStats()
        http = httpx.AsyncClient(event_hooks={"response": [stats]})
        client = AsyncDptcayClient(key, http_client=http)
    """

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()

    async def __call__(self, response: httpx.Response) -> None:
        self.statuses[response.status_code] += 1

    @property
    def rate_limited(self) -> int:
        """429 responses seen so far."""
        return self.statuses[429]


@dataclass(frozen=True, kw_only=True)
class Summary:
    """What a `run` did.

    Attributes:
        calls: Calls attempted.
        concurrency: The bound on calls in flight.
        successes: Calls that returned a result.
        failures: Typed SDK errors, by class name (``RateLimitError``…).
        rate_limited: 429 responses the server sent (``None`` without a ``ResponseStats``).
        rate_limit_waits: Of those, the ones the SDK waited out and retried.
        elapsed: Wall-clock seconds for the whole batch.
    """

    calls: int
    concurrency: int
    successes: int
    failures: Mapping[str, int] = field(default_factory=dict)
    rate_limited: int | None = None
    rate_limit_waits: int | None = None
    elapsed: float = 0.0

    @property
    def failed(self) -> int:
        """Calls that ended in a typed error."""
        return sum(self.failures.values())

    def __str__(self) -> str:
        lines = [
            f"calls:            {self.calls} (at most {self.concurrency} in flight)",
            f"successes:        {self.successes}",
            f"failures:         {self.failed}",
            *(f"  {name}: {count}" for name, count in sorted(self.failures.items())),
        ]
        if self.rate_limited is not None:
            lines.append(f"429 responses:    {self.rate_limited}")
            lines.append(f"rate-limit waits: {self.rate_limit_waits} (waited out and retried)")
        rate = self.calls / self.elapsed if self.elapsed else float("inf")
        lines.append(f"elapsed:          {self.elapsed:.2f}s ({rate:.0f} calls/s)")
        return "\n".join(lines)


async def run(
    client: AsyncDptcayClient,
    *,
    calls: int = 1000,
    concurrency: int = 50,
    stats: ResponseStats | None = None,
) -> Summary:
    """Create ``calls`` payments on one client, at most ``concurrency`` at a time.

    Args:
        client: The one client every task shares.
        calls: How many payments to create.
        concurrency: How many may be in flight at once.
        stats: The response hook installed on the client's ``httpx.AsyncClient``, if any;
            it lets the summary count 429s and rate-limit waits.
    """
    limiter = anyio.CapacityLimiter(concurrency)
    failures: Counter[str] = Counter()
    successes = 0
    seen_before = stats.rate_limited if stats is not None else 0

    async def one(index: int) -> None:
        nonlocal successes
        async with limiter:
            try:
                await client.payments.create(
                    amount=AMOUNT, currency="USDC", order_id=f"worker-{index:06d}"
                )
            except APIError as exc:  # typed: anything else is a bug and should crash
                failures[type(exc).__name__] += 1
            else:
                successes += 1

    started = anyio.current_time()
    async with anyio.create_task_group() as tg:
        for index in range(calls):
            tg.start_soon(one, index)
    elapsed = anyio.current_time() - started

    rate_limited = waits = None
    if stats is not None:
        rate_limited = stats.rate_limited - seen_before
        # Every RateLimitError used up one 429 without waiting; the rest were waited out.
        waits = rate_limited - failures["RateLimitError"]
    return Summary(
        calls=calls,
        concurrency=concurrency,
        successes=successes,
        failures=dict(failures),
        rate_limited=rate_limited,
        rate_limit_waits=waits,
        elapsed=elapsed,
    )


@asynccontextmanager
async def sandbox_client(
    plan: str | RatePlan = "scale",
    *,
    stats: ResponseStats | None = None,
    retry: RetryPolicy = DEMO_RETRY,
    rate_plan: RatePlanName | tuple[int, float] | None = None,
) -> AsyncIterator[AsyncDptcayClient]:
    """A client wired to a fresh in-process `DptcaySandbox`.

    Args:
        plan: The sandbox's rate plan: a name or a ``dptcay_sdk.testing.RatePlan``.
        stats: A response hook to install.
        retry: The client's retry policy.
        rate_plan: The client's own throttle (``rate_plan=`` of ``AsyncDptcayClient``):
            the plan's name or ``(limit, window_seconds)``; ``None`` = none.
    """
    from dptcay_sdk.testing import DptcaySandbox  # noqa: PLC0415 - the optional sandbox extra

    sandbox = DptcaySandbox(plan=plan)
    hooks: dict[str, list[Callable[..., Any]]] = {"response": [stats]} if stats is not None else {}
    transport = httpx.ASGITransport(app=sandbox.app)
    async with (
        httpx.AsyncClient(transport=transport, event_hooks=hooks) as http,
        AsyncDptcayClient(
            sandbox.write_key,
            base_url=sandbox.base_url,
            http_client=http,
            retry=retry,
            rate_plan=rate_plan,
        ) as client,
    ):
        yield client


@asynccontextmanager
async def env_client(stats: ResponseStats) -> AsyncIterator[AsyncDptcayClient]:
    """A client from ``DPTCAY_API_KEY`` / ``DPTCAY_BASE_URL``, refusing live keys."""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    async with httpx.AsyncClient(
        limits=limits, timeout=30.0, event_hooks={"response": [stats]}
    ) as http:
        client = AsyncDptcayClient.from_env(http_client=http, retry=DEMO_RETRY)
        if client.livemode:
            sys.exit("refusing to create test payments with a live key: use a dp_test_sk_ key")
        async with client:
            yield client


async def _main(args: argparse.Namespace) -> Summary:
    stats = ResponseStats()
    rate_plan = args.plan if args.rate_plan else None
    source = (
        env_client(stats)
        if args.env
        else sandbox_client(args.plan, stats=stats, rate_plan=rate_plan)
    )
    async with source as client:
        return await run(client, calls=args.calls, concurrency=args.concurrency, stats=stats)


def main(argv: Sequence[str] | None = None) -> None:
    """The command line: ``python -m examples.worker [--backend trio] …``."""
    parser = argparse.ArgumentParser(
        prog="python -m examples.worker",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--backend", choices=["asyncio", "trio"], default="asyncio")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--plan",
        choices=["starter", "growth", "scale"],
        default="scale",
        help="the in-process sandbox's rate plan (default: scale, 2,000/min)",
    )
    parser.add_argument(
        "--rate-plan",
        action="store_true",
        help="tell the client the plan (rate_plan=...): it waits for free slots, no 429s",
    )
    parser.add_argument(
        "--env", action="store_true", help="use DPTCAY_API_KEY/DPTCAY_BASE_URL, not a sandbox"
    )
    args = parser.parse_args(argv)
    summary = anyio.run(_main, args, backend=args.backend)
    where = "DPTCAY_BASE_URL" if args.env else f"in-process sandbox, plan {args.plan}"
    print(f"backend:          {args.backend} ({where})")
    print(summary)
    limited = summary.failures.get("RateLimitError", 0)
    if limited and not args.env:
        print(
            f"\n{limited} calls ended in RateLimitError: the client did not know the plan. "
            f"Pass rate_plan={args.plan!r} to AsyncDptcayClient (here: --rate-plan) and it "
            "spaces the calls to the plan's window instead of drawing 429s."
        )


if __name__ == "__main__":
    main()
