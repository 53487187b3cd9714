"""``transactions.reconcile()`` polls through passing failures until its own timeout.

The requery server answers from a script, one step per request: a truncated 2xx body, a
5xx, a timeout, a refused connection, then the record. ``max_retries=0`` keeps the
pipeline's own retries out of the count (the loop holds with them too: they only add
requests per poll). Time is a fake clock that ``reconcile``'s sleeps advance, so every count
is exact: ``interval=1, timeout=10`` polls at 0, 1, ... 10 s, eleven times.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from dancity_sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncDancityClient,
    AuthenticationError,
    InternalServerError,
    ReconcileTimeoutError,
    ResponseValidationError,
    RetryPolicy,
    TransactionStatus,
)
from tests.shared_auth._support import FakeTime

KEY = "dcy_live_" + "cd" * 20
REF = "ORDER-42"

Step = Callable[[httpx.Request], httpx.Response]


def record(status: str) -> Step:
    body = {"success": True, "data": {"status": status, "tranxId": "DNTY1", "customerRef": REF}}
    return lambda _: httpx.Response(200, json=body)


def truncated(_: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b'{"success": true, "data": {"tranx')


def server_error(_: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"statusCode": 503, "message": "busy"})


def rate_limited(_: httpx.Request) -> httpx.Response:
    return httpx.Response(429, headers={"Retry-After": "0"}, json={"message": "slow down"})


def timed_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("no answer", request=request)


def refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def not_found(_: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"success": False, "statusCode": 404, "message": "none"})


class Script:
    """Answers each requery with the next step; the last step repeats."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path.endswith(f"/transactions/{REF}")
        step = self.steps[min(self.requests, len(self.steps) - 1)]
        self.requests += 1
        return step(request)


def client(script: Script) -> AsyncDancityClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(script))
    return AsyncDancityClient(KEY, http_client=http, retry=RetryPolicy(max_retries=0))


@pytest.fixture(autouse=True)
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    """``reconcile`` reads ``anyio.current_time`` and waits with ``anyio.sleep``."""
    time = FakeTime()
    monkeypatch.setattr(anyio, "current_time", time.clock)
    monkeypatch.setattr(anyio, "sleep", time.sleep)
    return time


async def reconcile(script: Script, *, timeout: float = 10.0) -> Any:  # noqa: ASYNC109
    dc = client(script)
    return await dc.vas.transactions.reconcile(REF, interval=1.0, timeout=timeout)


@pytest.mark.anyio
async def test_reconcile_polls_through_every_passing_failure_to_the_record() -> None:
    script = Script(
        truncated,
        server_error,
        timed_out,
        refused,
        rate_limited,
        not_found,
        record("PENDING"),
        record("SUCCESS"),
    )
    tx = await reconcile(script)
    assert tx.status is TransactionStatus.SUCCESS
    assert script.requests == 8


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("step", "error", "named"),
    [
        (truncated, ResponseValidationError, "is not JSON"),
        (server_error, InternalServerError, "503"),
        (timed_out, APITimeoutError, "timed out"),
        (refused, APIConnectionError, "failed to connect"),
    ],
)
async def test_when_it_gives_up_it_names_the_last_failure(
    step: Step, error: type[Exception], named: str
) -> None:
    script = Script(step)
    with pytest.raises(ReconcileTimeoutError) as info:
        await reconcile(script)
    assert script.requests == 11
    gave_up = info.value
    assert isinstance(gave_up.last_failure, error)
    assert gave_up.__cause__ is gave_up.last_failure
    assert gave_up.transaction is None
    message = str(gave_up)
    assert "no requery could be read" in message
    assert "11 of 11 requeries failed" in message
    assert f"the last with {type(gave_up.last_failure).__name__}" in message
    assert named in message


@pytest.mark.anyio
async def test_a_record_still_pending_is_kept_across_a_failed_poll() -> None:
    script = Script(record("PENDING"), server_error)
    with pytest.raises(ReconcileTimeoutError) as info:
        await reconcile(script)
    assert info.value.transaction is not None
    assert info.value.transaction.status is TransactionStatus.PENDING
    assert isinstance(info.value.last_failure, InternalServerError)
    assert "it is still PENDING" in str(info.value)
    assert "10 of 11 requeries failed" in str(info.value)


@pytest.mark.anyio
async def test_timeout_zero_polls_once(fake_time: FakeTime) -> None:
    script = Script(server_error)
    with pytest.raises(ReconcileTimeoutError) as info:
        await reconcile(script, timeout=0)
    assert (script.requests, fake_time.waits) == (1, [])
    assert "1 of 1 requeries failed" in str(info.value)


@pytest.mark.anyio
async def test_every_poll_answered_means_no_last_failure() -> None:
    with pytest.raises(ReconcileTimeoutError) as info:
        await reconcile(Script(record("PROCESSING")))
    assert info.value.last_failure is None
    assert info.value.__cause__ is None
    assert "requeries failed" not in str(info.value)


@pytest.mark.anyio
async def test_a_rate_limit_is_polled_through() -> None:
    script = Script(rate_limited, record("FAILED"))
    tx = await reconcile(script)
    assert tx.status is TransactionStatus.FAILED


@pytest.mark.anyio
async def test_a_rate_limit_waits_its_retry_after_when_longer_than_the_interval(
    fake_time: FakeTime,
) -> None:
    def slow_down(_: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "4"}, json={"message": "slow"})

    script = Script(slow_down, record("SUCCESS"))
    await reconcile(script)
    assert fake_time.waits == [4.0]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (
            lambda _: httpx.Response(401, json={"statusCode": 401, "message": "Unauthorized"}),
            AuthenticationError,
        ),
        # JSON that is not a transaction: reading it again would fail again.
        (
            lambda _: httpx.Response(200, json={"success": True, "data": {"amount": "abc"}}),
            ResponseValidationError,
        ),
    ],
)
async def test_a_lasting_failure_is_raised_at_once(answer: Step, error: type[Exception]) -> None:
    script = Script(answer, record("SUCCESS"))
    with pytest.raises(error):
        await reconcile(script)
    assert script.requests == 1
