"""The outcome table, walked row by row, and what the pipeline owns around it.

Each row of :data:`shared_auth.OUTCOMES` is played against the pipeline for an idempotent
and a money-moving request; the expectation is derived from the table's own action, so a
changed row changes what the test demands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from shared_auth import (
    OUTCOMES,
    Action,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    DancityJWTAuth,
    DptcayKeyAuth,
    ErrorDetails,
    Failure,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    Pipeline,
    RateLimitError,
    ResponseValidationError,
    RetryPolicy,
    Unreadable,
    make_converter,
)
from tests.shared_auth._support import DPTCAY_LIVE_KEY, EchoPipeline, FakeTime, make_jwt

pytestmark = pytest.mark.anyio

AUTH = DptcayKeyAuth(DPTCAY_LIVE_KEY)
LOGGER = logging.getLogger("shared_auth")

Step = Callable[[httpx.Request], httpx.Response]


def _raise(kind: type[httpx.RequestError]) -> Step:
    def step(request: httpx.Request) -> httpx.Response:
        raise kind("simulated", request=request)

    return step


def _answer(status: int, **kwargs: Any) -> Step:
    return lambda _request: httpx.Response(status, **kwargs)


def dancity_envelope(body: Any) -> int | None:
    """The Dancity rule, restated for the tests: ``success: false`` carries a status."""
    if isinstance(body, dict) and body.get("success") is False:
        status = body.get("statusCode")
        return status if isinstance(status, int) else 400
    return None


def parse_error(status: int, body: Any, scope: str | None) -> ErrorDetails:
    del status, scope
    message = body.get("message") if isinstance(body, dict) else None
    return ErrorDetails(message=message)


#: For each kind of failure, ways to provoke it: (label, first answer, error when raised).
SCENARIOS: dict[Failure, list[tuple[str, Step, type[Exception]]]] = {
    Failure.NOT_SENT: [("connect error", _raise(httpx.ConnectError), APIConnectionError)],
    Failure.LOST: [
        ("read error", _raise(httpx.ReadError), APIConnectionError),
        ("read timeout", _raise(httpx.ReadTimeout), APITimeoutError),
        ("reset", _raise(httpx.RemoteProtocolError), APIConnectionError),
    ],
    Failure.REFUSED_LOCAL: [
        ("unsupported protocol", _raise(httpx.UnsupportedProtocol), APIConnectionError)
    ],
    Failure.RATE_LIMITED: [
        ("429", _answer(429, headers={"Retry-After": "1"}), RateLimitError),
        (
            "429 in a 200",
            _answer(200, json={"success": False, "statusCode": 429}, headers={"Retry-After": "1"}),
            RateLimitError,
        ),
    ],
    Failure.SERVER_ERROR: [
        ("503", _answer(503, json={"message": "down"}), InternalServerError),
        ("502 html", _answer(502, content=b"<html>bad gateway</html>"), InternalServerError),
        (
            "500 in a 200",
            _answer(200, json={"success": False, "statusCode": 500, "message": "x"}),
            InternalServerError,
        ),
    ],
    Failure.CLIENT_ERROR: [
        ("400", _answer(400, json={"message": "bad"}), BadRequestError),
        ("404 in a 200", _answer(200, json={"success": False, "statusCode": 404}), NotFoundError),
        ("refusal in a 200", _answer(200, json={"success": False}), BadRequestError),
    ],
    Failure.UNREADABLE: [
        ("html 200", _answer(200, content=b"<html>ok</html>"), ResponseValidationError),
        ("truncated", _answer(200, content=b'{"id": "p1", "amou'), ResponseValidationError),
        ("deep nesting", _answer(200, content=b"[" * 5000 + b"]" * 5000), ResponseValidationError),
        ("not utf-8", _answer(200, content=b"\xff\xfe{}"), ResponseValidationError),
    ],
}

ROWS = [
    pytest.param(failure, money, label, step, error, id=f"{failure.name}-{money=}-{label}")
    for failure, (idempotent_action, money_action) in OUTCOMES.items()
    for money in (False, True)
    for label, step, error in SCENARIOS[failure]
]


def _echo(client: httpx.AsyncClient, policy: RetryPolicy) -> EchoPipeline:
    """A pipeline over ``client`` whose calls hand back what was read."""
    return EchoPipeline(
        Pipeline(
            base_url="https://api.example.test",
            get_client=lambda: client,
            parse_error=parse_error,
            policy=policy,
            logger=LOGGER,
            converter=make_converter,
        )
    )


def test_every_failure_kind_has_a_row_and_a_scenario() -> None:
    assert set(OUTCOMES) == set(Failure) == set(SCENARIOS)
    # The rules that protect money, stated once more as a sanity check of the table.
    assert OUTCOMES[Failure.UNREADABLE] == (Action.RAISE, Action.UNKNOWN)
    assert OUTCOMES[Failure.SERVER_ERROR][1] is Action.UNKNOWN
    assert OUTCOMES[Failure.LOST][1] is Action.UNKNOWN


class Needs:
    """A decoder that needs a JSON object with an ``id``: anything else is unreadable."""

    def decode(self, data: Any, reply: Any, converter: Any) -> str:
        del reply, converter
        if not isinstance(data, dict) or "id" not in data:
            raise Unreadable("has no id")
        return str(data["id"])


@pytest.mark.parametrize(("failure", "money", "label", "step", "error"), ROWS)
async def test_each_row_of_the_outcome_table(
    failure: Failure, money: bool, label: str, step: Step, error: type[Exception]
) -> None:
    del label
    action = OUTCOMES[failure][money]
    attempts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        if len(attempts) == 1:
            return step(request)
        return httpx.Response(200, json={"id": "done"})

    fake = FakeTime()
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        pipeline = Pipeline(
            base_url="https://api.example.test",
            get_client=lambda: client,
            parse_error=parse_error,
            policy=RetryPolicy(max_retries=2, deadline=None),
            logger=LOGGER,
            converter=make_converter,
            envelope=dancity_envelope,
            sleep=fake.sleep,
            clock=fake.clock,
            rand=lambda: 0.5,
        )
        call = pipeline.send(
            "POST", "/buy", into=Needs(), auth=AUTH, idempotent=not money, reference="REF-1"
        )
        if action in {Action.RETRY, Action.WAIT}:
            assert await call == "done"
            assert len(attempts) == 2
            if action is Action.WAIT:
                assert fake.waits == [1.0]  # the server's Retry-After, not a backoff
            return
        with pytest.raises(Exception) as info:  # noqa: PT011 - the type is checked below
            await call
        assert len(attempts) == 1  # raised or unknown: never sent again
        if action is Action.UNKNOWN:
            assert type(info.value) is OutcomeUnknownError
            assert info.value.reference == "REF-1"
            assert "REF-1" in str(info.value)
        else:
            assert isinstance(info.value, error)
            assert not isinstance(info.value, OutcomeUnknownError)


async def test_an_unreadable_receipt_for_a_purchase_says_what_was_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(200, content=b'{"status": "SUCC', headers={"x-request-id": "r-9"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        pipeline = _echo(client, RetryPolicy())
        with pytest.raises(OutcomeUnknownError) as info:
            await pipeline.send("POST", "/buy", auth=AUTH, reference="ORDER-5")
    error = info.value
    assert (error.status_code, error.request_id) == (200, "r-9")
    assert error.body_excerpt == '{"status": "SUCC'
    assert isinstance(error.__cause__, ResponseValidationError)


async def test_an_error_status_with_a_deeply_nested_body_is_still_typed() -> None:
    body = b"[" * 5000 + b"]" * 5000
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _r: httpx.Response(404, content=body))
    ) as client:
        pipeline = _echo(client, RetryPolicy())
        with pytest.raises(APIStatusError) as info:
            await pipeline.send("GET", "/thing", auth=AUTH)
    assert info.value.status_code == 404


async def test_the_deadline_bounds_the_jwt_provider() -> None:
    finished: list[bool] = []

    async def slow_provider() -> str:
        await anyio.sleep(30)
        finished.append(True)  # pragma: no cover - cut by the deadline
        return make_jwt()

    auth = DancityJWTAuth(provider=slow_provider)
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)  # pragma: no cover - nothing may be sent
        return httpx.Response(200, json={})  # pragma: no cover

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        pipeline = _echo(client, RetryPolicy(deadline=0.2))
        with pytest.raises(APITimeoutError, match="JWT provider"):
            await pipeline.send("GET", "/wallet", auth=auth)
    assert finished == []  # the provider was cancelled, not waited for
    assert requests == []


async def _cancel_once_sent(method: str, path: str, **kwargs: Any) -> None:
    """Send a call to a server that holds it, and cancel it once the server has it."""
    sent = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        del request
        sent.set()
        await anyio.sleep(30)
        return httpx.Response(200, json={})  # pragma: no cover - cancelled first

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        pipeline = _echo(client, RetryPolicy())
        with anyio.move_on_after(5) as scope:
            async with anyio.create_task_group() as tg:

                async def call() -> None:
                    await pipeline.send(method, path, auth=AUTH, **kwargs)

                tg.start_soon(call)
                await sent.wait()
                tg.cancel_scope.cancel()
        assert not scope.cancelled_caught  # the server got it; the cancel came after


async def test_a_purchase_cancelled_after_sending_logs_its_reference(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="shared_auth")
    await _cancel_once_sent("POST", "/airtime/buy", reference="ORDER-77")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "/airtime/buy" in warnings[0].getMessage()
    assert "ORDER-77" in warnings[0].getMessage()


async def test_a_read_cancelled_after_sending_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="shared_auth")
    await _cancel_once_sent("GET", "/wallet")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
