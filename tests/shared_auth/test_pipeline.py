"""The shared pipeline: success path, error mapping, and the retry table within a deadline."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from types import SimpleNamespace
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dptcay_sdk._credentials import DptcayKeyAuth
from shared_auth import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimit,
    RateLimitError,
    ResponseValidationError,
    RetryPolicy,
    UnprocessableEntityError,
)
from shared_auth._models import make_converter
from shared_auth._outcomes import Envelope, ErrorDetails
from shared_auth._pipeline import Pipeline
from shared_auth._throttle import Throttle
from tests.shared_auth._support import DPTCAY_LIVE_KEY, EchoPipeline, FakeTime

BASE = "https://api.example.test/v1"
AUTH = DptcayKeyAuth(DPTCAY_LIVE_KEY)
NOW = 1_700_000_000  # the wall clock the rate-limit headers are read against
LOGGER = logging.getLogger("shared_auth")

Failure = type[httpx.RequestError] | int


def parse_error(status: int, body: Any, scope: str | None) -> ErrorDetails:
    if not isinstance(body, dict):
        return ErrorDetails()
    hint = f"needs scope {scope}" if scope and status == 403 else None
    return ErrorDetails(code=body.get("code"), message=body.get("message"), hint=hint)


class Server:
    """A MockTransport handler that plays a script of failures, then succeeds."""

    def __init__(self, *script: Failure | httpx.Response, fake: FakeTime | None = None) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []
        self.fake = fake
        self.attempt_cost = 0.0  # fake seconds each attempt takes

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fake is not None:
            self.fake.now += self.attempt_cost
        step = self.script.pop(0) if self.script else 200
        if isinstance(step, httpx.Response):
            return step
        if isinstance(step, int):
            return httpx.Response(step, json={"ok": step < 400})
        raise step("simulated", request=request)


def make(
    server: Server,
    client: httpx.AsyncClient,
    fake: FakeTime,
    *,
    policy: RetryPolicy | None = None,
    rand: Callable[[], float] = lambda: 1.0,
    on_response: Callable[[httpx.Headers], None] | None = None,
    envelope: Envelope | None = None,
) -> EchoPipeline:
    return EchoPipeline(
        Pipeline(
            base_url=BASE + "/",
            get_client=lambda: client,
            parse_error=parse_error,
            policy=policy or RetryPolicy(initial_backoff=0.5, max_backoff=8.0, deadline=None),
            logger=LOGGER,
            converter=make_converter,
            envelope=envelope,
            on_response=on_response,
            sleep=fake.sleep,
            clock=fake.clock,
            rand=rand,
        )
    )


@pytest.fixture
def wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeze the wall clock the rate-limit parser reads (Retry-After dates, resets)."""
    monkeypatch.setattr("shared_auth._ratelimit.time", SimpleNamespace(time=lambda: float(NOW)))


async def run(
    server: Server,
    method: str = "GET",
    *,
    fake: FakeTime | None = None,
    idempotent: bool | None = None,
    policy: RetryPolicy | None = None,
    rand: Callable[[], float] = lambda: 1.0,
    **kwargs: Any,
) -> Any:
    fake = fake or FakeTime()
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as client:
        pipeline = make(server, client, fake, policy=policy, rand=rand)
        return await pipeline.send(
            method, "/orders", auth=AUTH, idempotent=idempotent, reference="order-1", **kwargs
        )


# --- success --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_success_returns_the_decoded_reply() -> None:
    seen: list[httpx.Headers] = []
    reply_headers = {"x-request-id": "req_1", "x-ratelimit-limit": "100"}
    server = Server(httpx.Response(201, json={"id": "p1"}, headers=reply_headers))
    fake = FakeTime()
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as client:
        pipeline = make(server, client, fake, on_response=seen.append)
        reply = await pipeline.send("POST", "/payments", auth=AUTH, params={"a": "1"}, json={})
    assert reply.status_code == 201
    assert reply.data == {"id": "p1"}
    assert reply.request_id == "req_1"
    assert reply.rate_limit == RateLimit(limit=100)
    assert [h["x-request-id"] for h in seen] == ["req_1"]
    (request,) = server.requests
    assert str(request.url) == f"{BASE}/payments?a=1"
    assert request.headers["authorization"] == f"Bearer {DPTCAY_LIVE_KEY}"
    assert fake.waits == []


@pytest.mark.anyio
async def test_an_empty_success_body_is_none() -> None:
    reply = await run(Server(httpx.Response(204)))
    assert reply.data is None
    assert reply.rate_limit is None
    assert reply.request_id is None


@pytest.mark.anyio
async def test_a_success_body_that_is_not_json_is_a_validation_error() -> None:
    # A read is retried (max_retries=2 by default); the third unreadable answer is raised.
    server = Server(*[httpx.Response(200, content=b"<html>oops</html>") for _ in range(3)])
    with pytest.raises(
        ResponseValidationError, match="the 200 response to GET /orders is not JSON"
    ) as info:
        await run(server)
    assert len(server.requests) == 3
    assert "<html>oops</html>" in str(info.value)
    assert info.value.method == "GET"
    assert info.value.path == "/orders"


# --- the retry table --------------------------------------------------------------------

RETRIED_FOR_GET: list[Failure] = [
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    429,
    500,
    502,
    503,
    504,
]
RETRIED_FOR_POST: list[Failure] = [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, 429]
UNKNOWN_FOR_POST: list[Failure] = [
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    500,
    502,
    503,
]


def _id(failure: Failure) -> str:
    return str(failure) if isinstance(failure, int) else failure.__name__


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE", "PUT", "OPTIONS"])
@pytest.mark.parametrize("failure", RETRIED_FOR_GET, ids=_id)
async def test_idempotent_methods_retry(method: str, failure: Failure) -> None:
    server, fake = Server(failure), FakeTime()
    reply = await run(server, method, fake=fake, rand=lambda: 0.25)
    assert reply.status_code == 200
    assert len(server.requests) == 2
    assert fake.waits == [0.125]  # full jitter: rand() x initial_backoff


@pytest.mark.anyio
@pytest.mark.parametrize("failure", RETRIED_FOR_POST, ids=_id)
async def test_post_retries_when_never_sent_or_refused(failure: Failure) -> None:
    server = Server(failure)
    reply = await run(server, "POST", json={"amount": "1"})
    assert reply.status_code == 200
    assert len(server.requests) == 2
    assert server.requests[1].content == b'{"amount":"1"}'


@pytest.mark.anyio
@pytest.mark.parametrize("failure", UNKNOWN_FOR_POST, ids=_id)
async def test_post_after_it_was_sent_is_outcome_unknown_and_sent_once(failure: Failure) -> None:
    server, fake = Server(failure), FakeTime()
    with pytest.raises(OutcomeUnknownError) as info:
        await run(server, "POST", fake=fake, json={"amount": "1"})
    error = info.value
    assert len(server.requests) == 1
    assert fake.waits == []
    assert error.reference == "order-1"
    assert error.method == "POST"
    assert error.path == "/orders"
    assert "look it up by its reference 'order-1'" in str(error)
    if isinstance(failure, int):
        assert isinstance(error.__cause__, InternalServerError)
        assert error.__cause__.status_code == failure
    else:
        assert type(error.__cause__) is failure


@pytest.mark.anyio
async def test_outcome_unknown_without_a_reference() -> None:
    server = Server(httpx.ReadTimeout)
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as client:
        pipeline = make(server, client, FakeTime())
        with pytest.raises(OutcomeUnknownError) as info:
            await pipeline.send("POST", "/orders", auth=AUTH)
    assert info.value.reference is None
    assert "look it up before sending it again" in str(info.value)


@pytest.mark.anyio
async def test_a_post_marked_idempotent_retries_like_a_get() -> None:
    server = Server(httpx.ReadTimeout, 503)
    reply = await run(server, "POST", idempotent=True)
    assert reply.status_code == 200
    assert len(server.requests) == 3


@pytest.mark.anyio
async def test_a_get_marked_not_idempotent_is_outcome_unknown() -> None:
    server = Server(500)
    with pytest.raises(OutcomeUnknownError):
        await run(server, "GET", idempotent=False)
    assert len(server.requests) == 1


@pytest.mark.anyio
@pytest.mark.parametrize(
    "script",
    [
        (httpx.ConnectError, 429, httpx.ReadTimeout),
        (429, httpx.ConnectTimeout, 502),
        (httpx.PoolTimeout, httpx.RemoteProtocolError),
    ],
)
async def test_a_post_is_never_replayed_after_it_was_sent(script: tuple[Failure, ...]) -> None:
    server = Server(*script)
    with pytest.raises(OutcomeUnknownError):
        await run(server, "POST", policy=RetryPolicy(max_retries=10, deadline=None))
    assert len(server.requests) == len(script)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=60, deadline=None)
@given(
    script=st.lists(
        st.sampled_from([*RETRIED_FOR_POST, *UNKNOWN_FOR_POST, 400, 409, 200]),
        min_size=1,
        max_size=6,
    )
)
def test_post_attempts_stop_at_the_first_failure_after_sending(
    backend: str, script: list[Failure]
) -> None:
    server = Server(*script)

    async def main() -> None:
        with contextlib.suppress(OutcomeUnknownError, APIStatusError, APIConnectionError):
            await run(server, "POST", policy=RetryPolicy(max_retries=10, deadline=None))

    anyio.run(main, backend=backend)
    final = next((i for i, f in enumerate(script) if f not in RETRIED_FOR_POST), len(script))
    assert len(server.requests) == final + 1


# --- errors that are never retried --------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("status", "cls", "reason"),
    [
        (400, BadRequestError, "Bad Request"),
        (401, AuthenticationError, "Unauthorized"),
        (403, PermissionDeniedError, "Forbidden"),
        (404, NotFoundError, "Not Found"),
        (409, ConflictError, "Conflict"),
        (422, UnprocessableEntityError, "Unprocessable Entity"),
    ],
)
async def test_client_errors_are_raised_at_once_with_their_details(
    method: str, status: int, cls: type[APIStatusError], reason: str, wall_clock: None
) -> None:
    body = (
        b'{"code": "E_42", "message": "Amount below the minimum", "extra": "' + b"x" * 300 + b'"}'
    )
    headers = {
        "x-request-id": "req_abc",
        "x-ratelimit-limit": "100",
        "x-ratelimit-remaining": "42",
        "x-ratelimit-reset": str(NOW + 60),
    }
    server, fake = Server(httpx.Response(status, content=body, headers=headers)), FakeTime()
    with pytest.raises(cls) as info:
        await run(server, method, fake=fake)
    error = info.value
    assert type(error) is cls
    assert len(server.requests) == 1
    assert fake.waits == []
    assert error.status_code == status == cls.status
    assert error.code == "E_42"
    assert error.api_message == "Amount below the minimum"
    assert error.request_id == "req_abc"
    assert error.rate_limit == RateLimit(
        limit=100, remaining=42, reset_at=datetime.fromtimestamp(NOW + 60, tz=UTC)
    )
    assert error.body_excerpt == body[:200].decode()
    assert (error.method, error.path) == (method, "/orders")
    assert str(error) == (
        f"{status} {reason}: Amount below the minimum [E_42] ({method} /orders, request id req_abc)"
    )


@pytest.mark.anyio
async def test_a_403_names_the_scope_the_route_needs() -> None:
    server = Server(403)
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as client:
        pipeline = make(server, client, FakeTime())
        with pytest.raises(PermissionDeniedError) as info:
            await pipeline.send("GET", "/orders", auth=AUTH, scope="pay:write")
    assert (
        str(info.value)
        == "403 Forbidden: the API sent no message. needs scope pay:write (GET /orders)"
    )


@pytest.mark.anyio
async def test_error_responses_report_their_headers_too() -> None:
    seen: list[httpx.Headers] = []
    server = Server(httpx.Response(404, headers={"x-ratelimit-remaining": "3"}))
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as client:
        pipeline = make(server, client, FakeTime(), on_response=seen.append)
        with pytest.raises(NotFoundError):
            await pipeline.send("GET", "/orders", auth=AUTH)
    assert [h["x-ratelimit-remaining"] for h in seen] == ["3"]


@pytest.mark.anyio
async def test_an_unlisted_status_is_a_plain_status_error() -> None:
    server = Server(httpx.Response(418, text="teapot"))
    with pytest.raises(APIStatusError) as info:
        await run(server)
    assert type(info.value) is APIStatusError
    assert info.value.status_code == 418
    assert info.value.body_excerpt == "teapot"
    assert info.value.code is None
    assert info.value.request_id is None
    assert str(info.value) == "418 I'm a teapot: the API sent no message (GET /orders)"


@pytest.mark.anyio
async def test_a_permanent_transport_error_is_not_retried() -> None:
    server = Server(httpx.UnsupportedProtocol)
    with pytest.raises(APIConnectionError, match="failed to connect") as info:
        await run(server)
    assert type(info.value.__cause__) is httpx.UnsupportedProtocol
    assert len(server.requests) == 1


# --- exhaustion -----------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("failure", "cls"),
    [
        (httpx.ConnectError, APIConnectionError),
        (httpx.ReadTimeout, APITimeoutError),
        (httpx.ConnectTimeout, APITimeoutError),
        (503, InternalServerError),
        (429, RateLimitError),
    ],
    ids=_id,
)
@pytest.mark.parametrize("max_retries", [0, 1, 3])
async def test_max_retries_is_respected(
    failure: Failure, cls: type[Exception], max_retries: int
) -> None:
    server, fake = Server(*[failure] * 10), FakeTime()
    policy = RetryPolicy(max_retries=max_retries, deadline=None)
    with pytest.raises(cls) as info:
        await run(server, fake=fake, policy=policy)
    assert type(info.value) is cls
    assert len(server.requests) == max_retries + 1
    assert len(fake.waits) == max_retries
    notes = getattr(info.value, "__notes__", [])
    if max_retries:
        assert notes == [f"{max_retries + 1} attempts were made"]
    else:
        assert notes == []


@pytest.mark.anyio
async def test_backoff_is_exponential_full_jitter_up_to_the_cap() -> None:
    fake = FakeTime()
    policy = RetryPolicy(max_retries=6, initial_backoff=0.5, max_backoff=4.0, deadline=None)
    with pytest.raises(InternalServerError):
        await run(Server(*[500] * 10), fake=fake, policy=policy, rand=lambda: 1.0)
    assert fake.waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    fake = FakeTime()
    with pytest.raises(InternalServerError):
        await run(Server(*[500] * 10), fake=fake, policy=policy, rand=lambda: 0.0)
    assert fake.waits == [0.0] * 6


@given(
    retry=st.integers(min_value=1, max_value=5000),
    fraction=st.floats(min_value=0.0, max_value=1.0),
    initial=st.floats(min_value=0.0, max_value=10.0),
    cap=st.floats(min_value=0.0, max_value=100.0),
)
def test_backoff_stays_within_its_bounds(
    retry: int, fraction: float, initial: float, cap: float
) -> None:
    policy = RetryPolicy(initial_backoff=initial, max_backoff=cap)
    ceiling = min(cap, initial * 2.0 ** min(retry - 1, 64))
    wait = policy.backoff(retry, lambda: fraction)
    assert 0.0 <= wait <= ceiling
    assert wait == fraction * ceiling


def test_default_jitter_is_random_and_bounded() -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=2.0)
    waits = {policy.backoff(3) for _ in range(50)}
    assert len(waits) > 1
    assert all(0.0 <= w <= 2.0 for w in waits)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"initial_backoff": -0.1},
        {"max_backoff": -1},
        {"max_rate_limit_wait": -1},
    ],
)
def test_retry_policy_refuses_negative_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


# --- rate limits --------------------------------------------------------------------------


def _too_many(**headers: str) -> httpx.Response:
    return httpx.Response(429, json={"message": "slow down"}, headers=headers)


@pytest.mark.anyio
@pytest.mark.parametrize(("value", "wait"), [("7", 7.0), ("0", 0.0), ("1.5", 1.5), ("60", 60.0)])
async def test_retry_after_seconds_are_waited_exactly(value: str, wait: float) -> None:
    server, fake = Server(_too_many(**{"Retry-After": value})), FakeTime()
    reply = await run(server, "POST", fake=fake)
    assert reply.status_code == 200
    assert fake.waits == [wait]


@pytest.mark.anyio
async def test_retry_after_http_date_is_waited_exactly(wall_clock: None) -> None:
    when = format_datetime(datetime.fromtimestamp(NOW + 42, tz=UTC), usegmt=True)
    server, fake = Server(_too_many(**{"Retry-After": when})), FakeTime()
    await run(server, fake=fake)
    assert fake.waits == [42.0]


@pytest.mark.anyio
async def test_rate_limit_reset_is_used_without_retry_after(wall_clock: None) -> None:
    server, fake = Server(_too_many(**{"X-RateLimit-Reset": str(NOW + 13)})), FakeTime()
    await run(server, fake=fake)
    assert fake.waits == [13.0]


@pytest.mark.anyio
async def test_retry_after_wins_over_the_reset(wall_clock: None) -> None:
    headers = {"Retry-After": "3", "X-RateLimit-Reset": str(NOW + 30)}
    server, fake = Server(_too_many(**headers)), FakeTime()
    await run(server, fake=fake)
    assert fake.waits == [3.0]


@pytest.mark.anyio
async def test_a_429_without_hints_backs_off() -> None:
    server, fake = Server(429), FakeTime()
    await run(server, fake=fake, rand=lambda: 0.5)
    assert fake.waits == [0.25]


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_wait_beyond_the_cap_raises_at_once(method: str) -> None:
    server, fake = Server(_too_many(**{"Retry-After": "120"})), FakeTime()
    policy = RetryPolicy(max_rate_limit_wait=60.0, deadline=None)
    with pytest.raises(RateLimitError) as info:
        await run(server, method, fake=fake, policy=policy)
    assert info.value.retry_after == 120.0
    assert info.value.rate_limit == RateLimit(retry_after=120.0)
    assert info.value.api_message == "slow down"
    assert len(server.requests) == 1
    assert fake.waits == []


@pytest.mark.anyio
async def test_a_reset_beyond_the_cap_raises_at_once(wall_clock: None) -> None:
    server, fake = Server(_too_many(**{"X-RateLimit-Reset": str(NOW + 600)})), FakeTime()
    with pytest.raises(RateLimitError) as info:
        await run(server, fake=fake)
    assert info.value.retry_after == 600.0
    assert fake.waits == []


# --- the deadline ---------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_deadline_stops_retries() -> None:
    fake = FakeTime()
    server = Server(*[503] * 10, fake=fake)
    server.attempt_cost = 1.0
    policy = RetryPolicy(max_retries=10, initial_backoff=2.0, max_backoff=100.0, deadline=10.0)
    with pytest.raises(InternalServerError) as info:
        await run(server, fake=fake, policy=policy, rand=lambda: 1.0)
    # attempt 1 ends at t=1; wait 2 -> t=3; attempt 2 ends at t=4; wait 4 -> t=8;
    # attempt 3 ends at t=9: a wait of 8 would pass t=10, so the call gives up.
    assert fake.waits == [2.0, 4.0]
    assert len(server.requests) == 3
    assert info.value.__notes__ == [
        "gave up: retrying would pass the call's 10.0s deadline",
        "3 attempts were made",
    ]


@pytest.mark.anyio
async def test_a_rate_limit_wait_past_the_deadline_raises_at_once() -> None:
    server, fake = Server(_too_many(**{"Retry-After": "30"})), FakeTime()
    policy = RetryPolicy(max_rate_limit_wait=60.0, deadline=20.0)
    with pytest.raises(RateLimitError) as info:
        await run(server, fake=fake, policy=policy)
    assert fake.waits == []
    assert info.value.retry_after == 30.0
    assert "deadline" in info.value.__notes__[0]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "first", "cls"),
    [("GET", 503, APITimeoutError), ("POST", httpx.ConnectError, OutcomeUnknownError)],
)
async def test_a_hanging_retry_is_cut_by_the_deadline(
    method: str, first: Failure, cls: type[Exception]
) -> None:
    # No wall-clock bound: the retry hangs forever, so only the deadline can end the call
    # (were it not enforced, pytest-timeout would fail the test). The backoffs run on a
    # fake clock, which also shows the pipeline never planned a wait past the deadline.
    requests = 0
    hang_cancelled = False
    fake = FakeTime()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal requests, hang_cancelled
        requests += 1
        if requests == 1:
            if isinstance(first, int):
                return httpx.Response(first)
            raise first("refused", request=request)
        fake.now += 10.0  # on the fake clock, the hang outlasts the deadline at once
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            hang_cancelled = True
            raise
        return httpx.Response(200)  # pragma: no cover - unreachable

    policy = RetryPolicy(max_retries=5, initial_backoff=0.01, max_backoff=0.01, deadline=0.2)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        pipeline = EchoPipeline(
            Pipeline(
                base_url=BASE,
                get_client=lambda: client,
                parse_error=parse_error,
                policy=policy,
                logger=LOGGER,
                converter=make_converter,
                rand=lambda: 0.5,
                clock=fake.clock,
                sleep=fake.sleep,
            )
        )
        with pytest.raises(cls) as info:
            await pipeline.send(method, "/orders", auth=AUTH)
    assert requests == 2  # the hanging retry was the last: nothing was tried after it
    assert hang_cancelled
    assert fake.waits == [0.005]  # one jittered backoff, well inside the deadline
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert "deadline" in str(info.value.__cause__)


@pytest.mark.anyio
async def test_no_deadline_means_only_max_retries_bound_the_call() -> None:
    fake = FakeTime()
    policy = RetryPolicy(max_retries=4, initial_backoff=100.0, max_backoff=1000.0, deadline=None)
    with pytest.raises(InternalServerError):
        await run(Server(*[500] * 10), fake=fake, policy=policy)
    assert fake.waits == [100.0, 200.0, 400.0, 800.0]


# --- throttles --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_throttles_are_passed_before_every_attempt() -> None:
    fake = FakeTime()
    throttle = Throttle(1, 10.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    server = Server(503, fake=fake)
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as client:
        pipeline = make(server, client, fake, rand=lambda: 0.0)
        reply = await pipeline.send("GET", "/orders", auth=AUTH, throttles=(throttle,))
    assert reply.status_code == 200
    # backoff 0, then the throttle holds the retry until the first start leaves the window
    assert fake.waits == [0.0, 10.0]
