"""examples/worker.py: 1,000 calls on one client, bounded, on asyncio and trio."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import anyio
import pytest

from dptcay_sdk import AsyncDptcayClient, RetryPolicy
from dptcay_sdk.testing import RatePlan
from examples.worker import ResponseStats, Summary, main, run, sandbox_client

pytestmark = pytest.mark.anyio


async def test_a_generous_plan_gives_a_thousand_successes() -> None:
    stats = ResponseStats()
    async with sandbox_client(RatePlan(10_000, name="generous"), stats=stats) as client:
        summary = await run(client, calls=1000, concurrency=50, stats=stats)
    assert summary.successes == 1000
    assert summary.failures == {}
    assert summary.rate_limited == 0
    assert summary.rate_limit_waits == 0
    assert stats.statuses == {200: 1000}
    assert "successes:        1000" in str(summary)


async def test_concurrency_is_bounded() -> None:
    in_flight = peak = 0

    class Probe:
        async def __call__(self, *_args: object, **_kwargs: object) -> None:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            await anyio.sleep(0.001)
            in_flight -= 1

    stub = SimpleNamespace(payments=SimpleNamespace(create=Probe()))
    summary = await run(cast("AsyncDptcayClient", stub), calls=200, concurrency=7)
    assert summary.successes == 200
    assert peak == 7


async def test_a_tiny_plan_counts_rate_limit_errors_by_class() -> None:
    stats = ResponseStats()
    no_retry = RetryPolicy(max_retries=0)
    async with sandbox_client(RatePlan(25, 60.0, name="tiny"), stats=stats, retry=no_retry) as c:
        summary = await run(c, calls=1000, concurrency=50, stats=stats)
    assert summary.successes == 25
    assert summary.failures == {"RateLimitError": 975}
    assert summary.failed == 975
    assert summary.rate_limited == 975
    assert summary.rate_limit_waits == 0


async def test_a_tiny_plan_with_long_retry_after_fails_fast_instead_of_waiting() -> None:
    stats = ResponseStats()
    # Retry-After is up to 60 s, beyond the demo's 5 s cap: RateLimitError at once.
    async with sandbox_client(RatePlan(10, 60.0, name="tiny"), stats=stats) as client:
        with anyio.fail_after(10):
            summary = await run(client, calls=1000, concurrency=50, stats=stats)
    assert summary.successes == 10
    assert summary.failures == {"RateLimitError": 990}
    assert summary.rate_limit_waits == 0


async def test_short_windows_are_waited_out_and_counted() -> None:
    stats = ResponseStats()
    # 100 per second: the next 50 get 429 + Retry-After: 1, wait, and get in.
    retry = RetryPolicy(max_retries=3, max_rate_limit_wait=5.0)
    async with sandbox_client(RatePlan(100, 1.0, name="tiny"), stats=stats, retry=retry) as c:
        with anyio.fail_after(10):
            summary = await run(c, calls=150, concurrency=50, stats=stats)
    assert summary.successes == 150
    assert summary.failures == {}
    assert summary.rate_limited is not None
    assert summary.rate_limited >= 50
    assert summary.rate_limit_waits == summary.rate_limited
    assert summary.elapsed >= 1.0


def test_summary_without_stats_leaves_rate_limits_unknown() -> None:
    summary = Summary(calls=1, concurrency=1, successes=1, elapsed=0.5)
    assert summary.rate_limited is None
    assert "429" not in str(summary)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_the_command_line_runs_on_both_backends(
    backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--backend", backend, "--calls", "120", "--concurrency", "20", "--plan", "starter"])
    out = capsys.readouterr().out
    assert f"backend:          {backend}" in out
    assert "successes:        100" in out
    assert "RateLimitError: 20" in out
    assert "429 responses:    20" in out
    # The summary names the fix.
    assert "Pass rate_plan='starter' to AsyncDptcayClient (here: --rate-plan)" in out


async def test_telling_the_client_its_plan_turns_429s_into_waits() -> None:
    stats = ResponseStats()
    plan = RatePlan(100, 1.0, name="tiny")  # a one-second window keeps the test short
    no_retry = RetryPolicy(max_retries=0)  # without the client's plan these would fail
    async with sandbox_client(plan, stats=stats, retry=no_retry, rate_plan=(100, 1.0)) as c:
        with anyio.fail_after(20):
            summary = await run(c, calls=150, concurrency=50, stats=stats)
    assert summary.successes == 150
    assert summary.failures == {}
    assert summary.rate_limited == 0
    assert stats.statuses == {200: 150}


def test_the_command_line_with_the_plan_draws_no_429(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--calls", "100", "--concurrency", "20", "--plan", "starter", "--rate-plan"])
    out = capsys.readouterr().out
    assert "successes:        100" in out
    assert "429 responses:    0" in out
    assert "rate_plan=" not in out
