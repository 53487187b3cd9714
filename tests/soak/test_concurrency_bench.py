"""The P8 harness counts what it reports (asyncio only, as P8 is: no timing asserted)."""

from __future__ import annotations

import asyncio
import itertools

import httpx

from benchmarks import concurrency


def test_drive_runs_each_request_once_and_counts_errors_by_type() -> None:
    numbers = itertools.count()

    async def call() -> None:
        await asyncio.sleep(0)
        if next(numbers) % 4 == 0:
            raise httpx.PoolTimeout("pool")

    result = asyncio.run(concurrency.drive(call, "x", tasks=7, requests=40, cap=600.0))
    assert next(numbers) == 40
    assert result.errors == {"PoolTimeout": 10}
    assert len(result.latencies) == 30
    assert result.cut == 0


def test_drive_cuts_calls_still_running_at_the_cap() -> None:
    async def main() -> concurrency.Result:
        never = asyncio.Event()

        async def call() -> None:
            await never.wait()

        return await concurrency.drive(call, "x", tasks=3, requests=10, cap=0.0)

    result = asyncio.run(main())
    assert (len(result.latencies), sum(result.errors.values()), result.cut) == (0, 0, 10)


def test_the_table_gives_each_row_its_ratio_to_gated_httpx() -> None:
    gated = concurrency.Result(concurrency.ROWS["gated"][0], 500, 4, 2.0, [1.0, 1.0, 1.0, 1.0])
    sdk = concurrency.Result("SDK", 500, 2, 2.0, [2.0, 2.0])
    lines = concurrency.render([gated, sdk]).splitlines()
    assert "/gated" in lines[0]
    assert " 0.50x" in lines[2]  # 1 req/s against 2
    assert " 2.00x" in lines[2]  # p99 2 s against 1 s
