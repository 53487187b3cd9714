"""P6 as a test: 4 real worker processes (asyncio and trio) on one key, against the sandbox.

The goodput figure is the benchmark's (``python -m nox -s bench``); this test checks what
needs no clock: with the shared budget the server sends no 429 and every call succeeds,
while per-process throttles on the same run collect 429s.
"""

from __future__ import annotations

import pytest
import redis

from benchmarks.fleet import LIMIT, run_budget


@pytest.mark.timeout(300)
def test_four_processes_share_one_window_and_collect_no_429(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    _, rejected, ok = run_budget(redis_url)
    assert ok == 3 * LIMIT
    assert rejected == 0
    _, rejected_alone, ok_alone = run_budget("")
    assert ok_alone == 3 * LIMIT
    assert rejected_alone > 0  # the server does enforce the window: each alone overshoots
