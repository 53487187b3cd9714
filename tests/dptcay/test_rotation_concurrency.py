"""Key rotation under concurrency: reads in flight never fail; concurrent rotations join."""

from __future__ import annotations

import random

import anyio
import httpx
import pytest

from dptcay_sdk import ApiKey, BadRequestError
from dptcay_sdk.testing import DptcaySandbox, RatePlan
from tests.dptcay.test_rotation import _assert_revoked, _client, _Wire

pytestmark = pytest.mark.anyio

READS = 500


@pytest.fixture
def sb() -> DptcaySandbox:
    return DptcaySandbox(plan=RatePlan(100_000, name="load"))


def _active_write_keys(sb: DptcaySandbox) -> list[str]:
    keys = sb._store._keys.values()  # the ledger of keys the server knows
    return [k.key for k in keys if k.scope == "write" and not k.revoked]


async def test_rotate_key_while_500_reads_are_in_flight_fails_none(sb: DptcaySandbox) -> None:
    wire = _Wire(sb, max_latency=0.01)
    async with _client(sb, wire) as dp:
        payment = await dp.payments.create(amount=1, currency="BTC")
        old = dp.api_key
        failures: list[BaseException] = []
        done = 0
        rotated: list[ApiKey] = []

        async def read(delay: float) -> None:
            nonlocal done
            await anyio.sleep(delay)
            try:
                await dp.payments.get(payment.id)
            except Exception as exc:
                failures.append(exc)
            else:
                done += 1

        async def rotate() -> None:
            await anyio.sleep(0.005)  # lands while reads are on the wire with the old key
            rotated.append(await dp.rotate_key(label="under load"))

        delays = random.Random(5)
        async with anyio.create_task_group() as tg:
            for _ in range(READS):
                tg.start_soon(read, delays.uniform(0, 0.02))
            tg.start_soon(rotate)

    assert failures == []
    assert done == READS
    assert len(rotated) == 1
    await _assert_revoked(sb, old)


async def test_two_concurrent_rotations_make_one_new_key_and_orphan_none(
    sb: DptcaySandbox,
) -> None:
    wire = _Wire(sb, max_latency=0.005)
    async with _client(sb, wire) as dp:
        old = dp.api_key
        results: list[ApiKey] = []

        async def rotate() -> None:
            results.append(await dp.rotate_key(label="concurrent"))

        async with anyio.create_task_group() as tg:
            tg.start_soon(rotate)
            tg.start_soon(rotate)

        first, second = results
        assert first.key == second.key == dp.api_key
        assert wire.arrivals.count("POST") == 1  # one key created
        assert wire.arrivals.count("DELETE") == 1  # one key revoked: the old one
        assert _active_write_keys(sb) == [dp.api_key.get_secret_value()]
        await _assert_revoked(sb, old)
        # A later, separate rotation still rotates.
        third = await dp.rotate_key()
        assert third.key != first.key
        assert _active_write_keys(sb) == [third.key.get_secret_value()]


class _RefuseFirstCreate(_Wire):
    """The first ``POST /keys`` is refused (a 400) once every other task waits; the rest reach
    the sandbox."""

    def __init__(self, sb: DptcaySandbox) -> None:
        super().__init__(sb)
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/keys") and not self.refused:
            self.refused += 1
            await anyio.wait_all_tasks_blocked()  # the second rotation now queues behind this one
            return httpx.Response(400, json={"error": "Bad Request", "code": 400, "message": "no"})
        return await super().handle_async_request(request)


async def test_a_rotation_waiting_behind_a_failed_one_rotates_itself(sb: DptcaySandbox) -> None:
    wire = _RefuseFirstCreate(sb)
    async with _client(sb, wire) as dp:
        old = dp.api_key
        outcomes: list[object] = []

        async def rotate() -> None:
            try:
                outcomes.append(await dp.rotate_key())
            except BadRequestError as exc:
                outcomes.append(exc)

        async with anyio.create_task_group() as tg:
            tg.start_soon(rotate)
            tg.start_soon(rotate)

        assert wire.refused == 1
        assert [type(o) for o in outcomes] == [BadRequestError, ApiKey]
        assert dp.api_key != old
        assert _active_write_keys(sb) == [dp.api_key.get_secret_value()]
