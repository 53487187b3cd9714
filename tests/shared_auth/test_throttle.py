"""The client-side sliding-window throttle: never more than ``limit`` starts per window, FIFO."""

from __future__ import annotations

import anyio
import pytest
from anyio.abc import TaskStatus
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_auth._throttle import Throttle
from tests.shared_auth._support import FakeTime


def _assert_within_limit(starts: list[float], limit: int, window: float) -> None:
    assert starts == sorted(starts)
    for i in range(len(starts) - limit):
        assert starts[i + limit] - starts[i] >= window


@pytest.mark.anyio
async def test_concurrent_callers_are_served_in_arrival_order_within_the_limit() -> None:
    fake = FakeTime(now=0.0)
    throttle = Throttle(3, 1.0, clock=fake.clock, sleep=fake.sleep)
    order: list[int] = []
    starts: list[float] = []

    async def worker(i: int, *, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await throttle.acquire()
        order.append(i)
        starts.append(fake.now)

    async with anyio.create_task_group() as tg:
        for i in range(20):
            await tg.start(worker, i)
    assert order == list(range(20))
    _assert_within_limit(starts, 3, 1.0)
    # the default margin keeps each slot 2 % of the window (at most 0.25 s) longer
    assert starts[:6] == [0.0, 0.0, 0.0, 1.02, 1.02, 1.02]


@pytest.mark.anyio
async def test_acquire_reports_the_seconds_waited() -> None:
    fake = FakeTime(now=100.0)
    throttle = Throttle(2, 10.0, margin=0.5, clock=fake.clock, sleep=fake.sleep)
    assert await throttle.acquire() == 0.0
    fake.now += 3.0
    assert await throttle.acquire() == 0.0
    assert await throttle.acquire() == 7.5  # the first slot frees at 100 + 10.5
    assert fake.waits == [7.5]
    assert fake.now == 110.5


@pytest.mark.anyio
async def test_a_long_margin_is_capped_and_explicit_margins_are_kept() -> None:
    fake = FakeTime(now=0.0)
    throttle = Throttle(1, 60.0, clock=fake.clock, sleep=fake.sleep)
    await throttle.acquire()
    assert await throttle.acquire() == 60.25
    zero = Throttle(1, 60.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    await zero.acquire()
    assert await zero.acquire() == 60.0


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=50, deadline=None)
@given(
    limit=st.integers(1, 5),
    window=st.floats(0.1, 100.0),
    gaps=st.lists(st.floats(0.0, 50.0), min_size=1, max_size=30),
)
def test_never_more_than_limit_starts_in_any_window(
    backend: str, limit: int, window: float, gaps: list[float]
) -> None:
    fake = FakeTime(now=0.0)
    throttle = Throttle(limit, window, clock=fake.clock, sleep=fake.sleep)
    starts: list[float] = []

    async def main() -> None:
        for gap in gaps:
            fake.now += gap
            await throttle.acquire()
            starts.append(fake.now)

    anyio.run(main, backend=backend)
    assert len(starts) == len(gaps)
    _assert_within_limit(starts, limit, window)


@pytest.mark.parametrize(("limit", "window"), [(0, 1.0), (-1, 1.0), (1, 0.0), (1, -5.0)])
def test_refuses_impossible_settings(limit: int, window: float) -> None:
    with pytest.raises(ValueError, match="limit >= 1 and window > 0"):
        Throttle(limit, window)


def test_repr() -> None:
    assert repr(Throttle(120, 60.0)) == "Throttle(limit=120, window=60.0)"


@pytest.mark.anyio
async def test_real_sleep_and_clock_by_default() -> None:
    throttle = Throttle(1, 0.05, margin=0.0)
    await throttle.acquire()
    waited = await throttle.acquire()
    assert 0.0 < waited <= 0.05


@pytest.mark.anyio
async def test_a_wait_that_lands_a_rounding_error_short_still_frees_the_slot() -> None:
    # start + span - start == span here, but start + span - span < start: re-testing the
    # slot against the clock after the wait would find it still taken, forever.
    fake = FakeTime(now=32735.83136803726)
    throttle = Throttle(1, 61.676397550758935, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    await throttle.acquire()
    with anyio.fail_after(2):
        await throttle.acquire()
    assert len(fake.waits) == 1
