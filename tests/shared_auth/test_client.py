"""BaseAsyncClient's lifecycle and its one call function; the blocking twin over a portal."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from dancity_sdk._credentials import DancityKeyAuth
from dptcay_sdk._credentials import DptcayKeyAuth
from shared_auth import (
    NOT_GIVEN,
    ClientClosedError,
    ConfigurationError,
    InvalidInputError,
    MissingCredentialError,
    RateLimit,
    RetryPolicy,
    TimeoutArgument,
)
from shared_auth._client import BaseAsyncClient
from shared_auth._models import make_converter
from shared_auth._outcomes import ErrorDetails
from shared_auth._routes import Route
from shared_auth._sync import SyncClient
from shared_auth._throttle import Throttle
from tests.shared_auth._support import DANCITY_KEY, DPTCAY_LIVE_KEY, Echo, FakeTime


def parse_error(status: int, body: object, scope: str | None) -> ErrorDetails:
    return ErrorDetails(message=f"status {status}")


class DemoClient(BaseAsyncClient):
    """Two route families: 'key' (dptcay key, /v1) and 'vas' (Dancity key, /vas)."""

    _api_name = "Demo"

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        timeout: TimeoutArgument = NOT_GIVEN,
    ) -> None:
        super().__init__(
            {"timeout": timeout, "http_client": http_client, "retry": RetryPolicy(max_retries=0)},
            base_url="https://api.example.test/",
            parse_error=parse_error,
            converter=make_converter,
            logger=logging.getLogger("shared_auth"),
            user_agent="demo-sdk/1.0",
        )
        self.vas_auth: DancityKeyAuth | None = None
        self.fake_time = FakeTime()
        self.purchases = Throttle(1, 60.0, clock=self.fake_time.clock, sleep=self.fake_time.sleep)

    def _bind_resources(self) -> None:
        pass  # no resources: tests use call()

    async def call(self, route: Route, /, **kwargs: Any) -> Any:
        return await self._call(route, into=Echo(), **kwargs)

    def _route_target(self, route: Route) -> tuple[httpx.Auth, str]:
        if route.family == "vas":
            if self.vas_auth is None:
                raise MissingCredentialError("the vas routes need api_key=")
            return self.vas_auth, "/vas"
        return DptcayKeyAuth(DPTCAY_LIVE_KEY), "/v1"

    def _route_throttles(self, route: Route) -> tuple[Throttle, ...]:
        return (self.purchases,) if "purchases" in route.throttles else ()


GET_PAYMENT = Route("GET", "/payments/{payment_id}", scope="read")
BUY = Route("POST", "/airtime", family="vas", throttles=("purchases",))


def _transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        headers = {"x-ratelimit-limit": "120", "x-ratelimit-remaining": str(120 - len(seen))}
        return httpx.Response(200, json={"id": request.url.raw_path.decode()}, headers=headers)

    return httpx.MockTransport(handler)


@pytest.mark.anyio
async def test_a_call_goes_through_the_route_family() -> None:
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_transport(seen)) as http:
        client = DemoClient(http_client=http)
        assert client.base_url == "https://api.example.test"
        before = client.last_rate_limit
        assert before is None
        reply = await client.call(GET_PAYMENT, path_params={"payment_id": "pay/1"})
        assert reply.data == {"id": "/v1/payments/pay%2F1"}
        assert client.last_rate_limit == RateLimit(limit=120, remaining=119)
        client.vas_auth = DancityKeyAuth(DANCITY_KEY)
        await client.call(BUY, json={"amount": "200"}, reference="ref-1", params={"x": "1"})
        assert client.last_rate_limit == RateLimit(limit=120, remaining=118)
        await client.call(BUY, json={"amount": "300"})
        assert client.fake_time.waits == [60.25]  # the purchase throttle held the second buy
        await client.call(GET_PAYMENT, path_params={"payment_id": "p"})
        assert client.fake_time.waits == [60.25]  # reads do not count against it
    assert str(seen[0].url) == "https://api.example.test/v1/payments/pay%2F1"
    assert seen[0].headers["authorization"] == f"Bearer {DPTCAY_LIVE_KEY}"
    assert "channel" not in seen[0].headers
    assert str(seen[1].url) == "https://api.example.test/vas/airtime?x=1"
    assert seen[1].headers["channel"] == "API"
    assert seen[1].content == b'{"amount":"200"}'


@pytest.mark.anyio
async def test_a_missing_credential_or_bad_path_fails_before_any_io() -> None:
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_transport(seen)) as http:
        client = DemoClient(http_client=http)
        with pytest.raises(MissingCredentialError, match="api_key="):
            await client.call(BUY)
        with pytest.raises(InvalidInputError):
            await client.call(GET_PAYMENT, path_params={"payment_id": ".."})
    assert seen == []


@pytest.mark.anyio
async def test_the_http_client_is_created_lazily_and_closed_once() -> None:
    client = DemoClient(timeout=5.0)
    assert client._http_client is None
    created = client._client()
    assert client._client() is created
    assert created.headers["user-agent"] == "demo-sdk/1.0"
    assert created.headers["accept"] == "application/json"
    assert created.timeout == httpx.Timeout(5.0)
    assert created.follow_redirects is False
    await client.aclose()
    assert created.is_closed
    await client.aclose()  # idempotent
    with pytest.raises(ClientClosedError, match="this DemoClient is closed"):
        client._client()
    with pytest.raises(ClientClosedError, match="is closed"):
        await client.call(GET_PAYMENT, path_params={"payment_id": "p"})


@pytest.mark.anyio
async def test_the_default_timeout() -> None:
    async with DemoClient() as client:
        assert client._client().timeout == httpx.Timeout(30.0, connect=10.0)


@pytest.mark.anyio
async def test_closing_before_first_use_creates_nothing() -> None:
    async with DemoClient() as client:
        pass
    assert client._http_client is None
    with pytest.raises(ClientClosedError, match="is closed"):
        client._client()


@pytest.mark.anyio
async def test_a_caller_supplied_http_client_is_never_closed() -> None:
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_transport(seen)) as http:
        async with DemoClient(http_client=http) as client:
            await client.call(GET_PAYMENT, path_params={"payment_id": "p"})
        assert not http.is_closed
        await client.aclose()
        assert not http.is_closed
        with pytest.raises(ClientClosedError, match="is closed"):
            await client.call(GET_PAYMENT, path_params={"payment_id": "p"})
        response = await http.get("https://api.example.test/still-usable")
        assert response.status_code == 200
    assert len(seen) == 2


def test_the_base_client_needs_route_targets() -> None:
    client = BaseAsyncClient(
        {"timeout": None, "http_client": None, "retry": RetryPolicy()},
        base_url="https://api.example.test",
        parse_error=parse_error,
        converter=make_converter,
        logger=logging.getLogger("shared_auth"),
        user_agent="x",
    )
    with pytest.raises(NotImplementedError):
        client._route_target(GET_PAYMENT)
    assert client._route_throttles(GET_PAYMENT) == ()


def test_the_base_url_is_validated() -> None:
    with pytest.raises(ConfigurationError, match="API base_url must use https://"):
        BaseAsyncClient(
            {"timeout": None},
            base_url="http://api.example.test",
            parse_error=parse_error,
            converter=make_converter,
            logger=logging.getLogger("shared_auth"),
            user_agent="x",
        )


# --- the blocking twin ----------------------------------------------------------------------


class _Resource:
    def __init__(self, client: DemoClient) -> None:
        self._client = client

    async def get(self, payment_id: str) -> object:
        reply = await self._client.call(GET_PAYMENT, path_params={"payment_id": payment_id})
        return reply.data


class _WithResources(DemoClient):
    def __init__(self, *, http_client: httpx.AsyncClient) -> None:
        super().__init__(http_client=http_client)
        self.payments = _Resource(self)
        self.label = "demo"


def test_sync_client_runs_the_async_client_on_its_own_loop() -> None:
    seen: list[httpx.Request] = []
    http = httpx.AsyncClient(transport=_transport(seen))
    with SyncClient(lambda: _WithResources(http_client=http)) as client:
        assert client.payments.get("pay_1") == {"id": "/v1/payments/pay_1"}
        assert client.label == "demo"
        assert client.last_rate_limit == RateLimit(limit=120, remaining=119)
        assert isinstance(client.async_client, _WithResources)
        assert "payments" in dir(client)
        assert "get" in dir(client.payments)
        assert repr(client).startswith("<SyncClient wrapping <")
        assert repr(client.payments).startswith("<blocking <")
        with pytest.raises(AttributeError):
            _ = client.__wrapped__
    client.close()  # idempotent
    assert len(seen) == 1


def test_sync_client_stops_its_loop_when_construction_fails() -> None:
    def broken() -> DemoClient:
        raise MissingCredentialError("no key")

    with pytest.raises(MissingCredentialError, match="no key"):
        SyncClient(broken)
