"""The arq recipe: real worker processes on a real Redis; one is killed mid-purchase.

arq is an asyncio job queue, so this test drives it on asyncio only (the SDK calls inside
the jobs are the same on trio; the crash test runs workers on both).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import anyio
import pytest
import redis

from dancity_sdk.testing import DancitySandbox
from tests._json import text_at
from tests.fleet.conftest import create_journal, redis_url

__all__ = ["redis_url"]  # the real Redis fixture

REFS = [f"arq-order-{i}" for i in range(5)]


@contextmanager
def _worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "examples.arq_worker"], env=env, stdout=out, stderr=out
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


async def _enqueue(url: str) -> list[Any]:
    from arq import create_pool  # noqa: PLC0415
    from arq.connections import RedisSettings  # noqa: PLC0415

    pool = await create_pool(RedisSettings.from_dsn(url))
    jobs = [
        await pool.enqueue_job("buy_airtime", ref, f"0803123456{i}", "100", _job_id=ref)
        for i, ref in enumerate(REFS)
    ]
    await pool.aclose()
    return jobs


async def _results(url: str) -> dict[str, str]:
    from arq import create_pool  # noqa: PLC0415
    from arq.connections import RedisSettings  # noqa: PLC0415
    from arq.jobs import Job  # noqa: PLC0415

    pool = await create_pool(RedisSettings.from_dsn(url))
    results = {ref: await Job(ref, pool).result(timeout=90) for ref in REFS}
    await pool.aclose()
    return results


def _answered(url: str) -> int:
    """How many of the jobs have a result stored in Redis (arq keeps one per finished job)."""
    from arq.constants import result_key_prefix  # noqa: PLC0415

    client = redis.Redis.from_url(url)
    try:
        # redis-py types its commands for both clients; this one is synchronous.
        return cast("int", client.exists(*(result_key_prefix + ref for ref in REFS)))
    finally:
        client.close()


def _wait_for(condition: Any, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.timeout(300)
def test_a_job_retried_after_its_worker_died_mid_purchase_does_not_buy_again(
    redis_url: str, tmp_path: Path
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    create_journal(redis_url)  # python -m shared_auth.fleet init
    sandbox = DancitySandbox(seed=7)
    with sandbox.serve_in_thread() as base_url:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(sys.path),
            "REDIS_URL": redis_url,
            "DANCITY_API_KEY": sandbox.api_key,
            "DANCITY_BASE_URL": base_url,
            "ARQ_JOB_TIMEOUT": "2",
            "JOURNAL_LEASE": "3",
        }
        # The first purchase is charged, then its answer stalls: the worker dies waiting.
        sandbox.fail_next("delay", delay=60)
        with _worker(env, tmp_path / "worker-1.log") as first:
            anyio.run(_enqueue, redis_url, backend="asyncio")
            _wait_for(
                lambda: len(sandbox.transactions) == len(REFS), "every purchase to reach Dancity"
            )
            # Every purchase but the stalled one is answered and its job finished: the worker
            # dies with exactly one purchase in flight.
            _wait_for(lambda: _answered(redis_url) == len(REFS) - 1, "the other jobs to finish")
            first.send_signal(signal.SIGKILL)
            first.wait()
        stalled = list(sandbox.transactions)
        with _worker(env, tmp_path / "worker-2.log"):
            results = anyio.run(_results, redis_url, backend="asyncio")
        ledger = sandbox.transactions
    charged: dict[str, list[str]] = {}
    for record in ledger:
        charged.setdefault(text_at(record, "customerRef"), []).append(text_at(record, "tranxId"))
    assert sorted(charged) == sorted(REFS)
    assert all(len(ids) == 1 for ids in charged.values()), charged  # no double purchase
    for ref, result in results.items():
        assert result.split()[0] == charged[ref][0]
        assert result.split()[1] == "SUCCESS"
    assert len(stalled) == len(REFS)  # the killed worker had sent them all
