"""The outcome table, walked row by row, and what the pipeline owns around it.

Every row below states its expected outcome literally — retried, waited out, the error
raised, or an unknown outcome — for an idempotent and a money-moving request alike, so
changing a cell of [`shared_auth.OUTCOMES`][shared_auth.OUTCOMES] (or how a failure is classified)
turns a row red instead of changing what the test demands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

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
    NotFoundError,
    OutcomeUnknownError,
    Pipeline,
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


#: Sent again, and the second answer returned.
RETRIED: Final = "retried"
#: The server's Retry-After (1 s) waited out, then sent again.
WAITED: Final = "waited"
GET, BUY = False, True

CONNECT_ERROR = _raise(httpx.ConnectError)
READ_ERROR = _raise(httpx.ReadError)
READ_TIMEOUT = _raise(httpx.ReadTimeout)
RESET = _raise(httpx.RemoteProtocolError)
UNSUPPORTED = _raise(httpx.UnsupportedProtocol)
TOO_MANY = _answer(429, headers={"Retry-After": "1"})
TOO_MANY_IN_200 = _answer(
    200, json={"success": False, "statusCode": 429}, headers={"Retry-After": "1"}
)
DOWN = _answer(503, json={"message": "down"})
BAD_GATEWAY_HTML = _answer(502, content=b"<html>bad gateway</html>")
FAILED_IN_200 = _answer(200, json={"success": False, "statusCode": 500, "message": "x"})
BAD = _answer(400, json={"message": "bad"})
NOT_FOUND_IN_200 = _answer(200, json={"success": False, "statusCode": 404})
REFUSED_IN_200 = _answer(200, json={"success": False})
HTML_200 = _answer(200, content=b"<html>ok</html>")
TRUNCATED = _answer(200, content=b'{"id": "p1", "amou')
NOT_UTF8 = _answer(200, content=b"\xff\xfe{}")
EMPTY = _answer(200, content=b"")
NO_ID = _answer(200, json={"amount": "5"})
A_LIST = _answer(200, json=[{"id": "p1"}])
TOO_DEEP = _answer(200, content=b"[" * 5000 + b"]" * 5000)

#: (label, how the first attempt fails, its kind, money-moving?, what the call must do).
#: Written out cell by cell: nothing here is read from ``OUTCOMES``.
ROWS: list[tuple[str, Step, Failure, bool, str | type[Exception]]] = [
    ("connect error", CONNECT_ERROR, Failure.NOT_SENT, GET, RETRIED),
    ("connect error", CONNECT_ERROR, Failure.NOT_SENT, BUY, RETRIED),
    ("read error", READ_ERROR, Failure.LOST, GET, RETRIED),
    ("read error", READ_ERROR, Failure.LOST, BUY, OutcomeUnknownError),
    ("read timeout", READ_TIMEOUT, Failure.LOST, GET, RETRIED),
    ("read timeout", READ_TIMEOUT, Failure.LOST, BUY, OutcomeUnknownError),
    ("reset", RESET, Failure.LOST, GET, RETRIED),
    ("reset", RESET, Failure.LOST, BUY, OutcomeUnknownError),
    ("unsupported protocol", UNSUPPORTED, Failure.REFUSED_LOCAL, GET, APIConnectionError),
    ("unsupported protocol", UNSUPPORTED, Failure.REFUSED_LOCAL, BUY, APIConnectionError),
    ("429", TOO_MANY, Failure.RATE_LIMITED, GET, WAITED),
    ("429", TOO_MANY, Failure.RATE_LIMITED, BUY, WAITED),
    ("429 in a 200", TOO_MANY_IN_200, Failure.RATE_LIMITED, GET, WAITED),
    ("429 in a 200", TOO_MANY_IN_200, Failure.RATE_LIMITED, BUY, WAITED),
    ("503", DOWN, Failure.SERVER_ERROR, GET, RETRIED),
    ("503", DOWN, Failure.SERVER_ERROR, BUY, OutcomeUnknownError),
    ("502 html", BAD_GATEWAY_HTML, Failure.SERVER_ERROR, GET, RETRIED),
    ("502 html", BAD_GATEWAY_HTML, Failure.SERVER_ERROR, BUY, OutcomeUnknownError),
    ("500 in a 200", FAILED_IN_200, Failure.SERVER_ERROR, GET, RETRIED),
    ("500 in a 200", FAILED_IN_200, Failure.SERVER_ERROR, BUY, OutcomeUnknownError),
    ("400", BAD, Failure.CLIENT_ERROR, GET, BadRequestError),
    ("400", BAD, Failure.CLIENT_ERROR, BUY, BadRequestError),
    ("404 in a 200", NOT_FOUND_IN_200, Failure.CLIENT_ERROR, GET, NotFoundError),
    ("404 in a 200", NOT_FOUND_IN_200, Failure.CLIENT_ERROR, BUY, NotFoundError),
    ("refusal in a 200", REFUSED_IN_200, Failure.CLIENT_ERROR, GET, BadRequestError),
    ("refusal in a 200", REFUSED_IN_200, Failure.CLIENT_ERROR, BUY, BadRequestError),
    ("html 200", HTML_200, Failure.UNREADABLE, GET, RETRIED),
    ("html 200", HTML_200, Failure.UNREADABLE, BUY, OutcomeUnknownError),
    ("truncated", TRUNCATED, Failure.UNREADABLE, GET, RETRIED),
    ("truncated", TRUNCATED, Failure.UNREADABLE, BUY, OutcomeUnknownError),
    ("not utf-8", NOT_UTF8, Failure.UNREADABLE, GET, RETRIED),
    ("not utf-8", NOT_UTF8, Failure.UNREADABLE, BUY, OutcomeUnknownError),
    ("empty 200", EMPTY, Failure.UNREADABLE, GET, RETRIED),
    ("empty 200", EMPTY, Failure.UNREADABLE, BUY, OutcomeUnknownError),
    ("json without the id", NO_ID, Failure.INVALID, GET, ResponseValidationError),
    ("json without the id", NO_ID, Failure.INVALID, BUY, OutcomeUnknownError),
    ("a list for an object", A_LIST, Failure.INVALID, GET, ResponseValidationError),
    ("a list for an object", A_LIST, Failure.INVALID, BUY, OutcomeUnknownError),
    ("deep nesting", TOO_DEEP, Failure.INVALID, GET, ResponseValidationError),
    ("deep nesting", TOO_DEEP, Failure.INVALID, BUY, OutcomeUnknownError),
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


def test_the_table_cell_by_cell() -> None:
    R, W, X, U = Action.RETRY, Action.WAIT, Action.RAISE, Action.UNKNOWN  # noqa: N806
    assert dict(OUTCOMES) == {
        Failure.NOT_SENT: (R, R),
        Failure.LOST: (R, U),
        Failure.REFUSED_LOCAL: (X, X),
        Failure.RATE_LIMITED: (W, W),
        Failure.SERVER_ERROR: (R, U),
        Failure.CLIENT_ERROR: (X, X),
        Failure.UNREADABLE: (R, U),
        Failure.INVALID: (X, U),
    }


def test_every_failure_kind_is_played_both_ways() -> None:
    played = {(failure, money) for _, _, failure, money, _ in ROWS}
    assert played == {(failure, money) for failure in Failure for money in (GET, BUY)}


class Needs:
    """A decoder that needs a JSON object with an ``id``: anything else is unreadable."""

    def decode(self, data: Any, reply: Any, converter: Any) -> str:
        del reply, converter
        if not isinstance(data, dict) or "id" not in data:
            raise Unreadable("has no id")
        return str(data["id"])


@pytest.mark.parametrize(
    ("label", "step", "failure", "money", "expected"),
    [pytest.param(*row, id=f"{row[2].name}-{'buy' if row[3] else 'get'}-{row[0]}") for row in ROWS],
)
async def test_each_row_of_the_outcome_table(
    label: str, step: Step, failure: Failure, money: bool, expected: str | type[Exception]
) -> None:
    del label, failure
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
        if expected in {RETRIED, WAITED}:
            assert await call == "done"
            assert len(attempts) == 2
            # The server's Retry-After, or half (rand=0.5) of the first 0.5 s backoff.
            assert fake.waits == ([1.0] if expected == WAITED else [0.25])
            return
        with pytest.raises(Exception) as info:  # noqa: PT011 - the type is checked below
            await call
    assert len(attempts) == 1  # raised or unknown: never sent again
    assert type(info.value) is expected
    if isinstance(info.value, OutcomeUnknownError):
        assert info.value.reference == "REF-1"
        assert "REF-1" in str(info.value)


async def test_a_read_whose_bodies_stay_cut_off_raises_after_its_retries() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=b'{"success": true, "data": {"tranx')

    fake = FakeTime()
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        pipeline = Pipeline(
            base_url="https://api.example.test",
            get_client=lambda: client,
            parse_error=parse_error,
            policy=RetryPolicy(max_retries=3, deadline=None),
            logger=LOGGER,
            converter=make_converter,
            sleep=fake.sleep,
            clock=fake.clock,
        )
        with pytest.raises(ResponseValidationError, match="cut off") as info:
            await pipeline.send("GET", "/transactions/T-1", into=Needs(), auth=AUTH)
    assert len(sent) == 4  # the first attempt and max_retries=3 more
    assert "4 attempts were made" in (info.value.__notes__ or [])


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
