"""AsyncDptcayClient against the sandbox: every endpoint, in process and over loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal

import httpx
import pytest

import dptcay_sdk
from dptcay_sdk import (
    ApiKey,
    AsyncDptcayClient,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    Currency,
    DptcayClient,
    EventType,
    KeyScope,
    NotFoundError,
    Payment,
    PaymentStatus,
    PermissionDeniedError,
    RateLimit,
    RateLimitError,
    Refund,
    RefundStatus,
    ResultList,
    RevokedKey,
    Secret,
    WebhookEndpoint,
)
from dptcay_sdk.testing import DptcaySandbox, RatePlan

pytestmark = pytest.mark.anyio

KEY = "dp_test_sk_" + "Ab3" * 8


@pytest.fixture
def sb() -> DptcaySandbox:
    return DptcaySandbox(plan=RatePlan(10_000, name="tests"), seed=7)


@pytest.fixture
async def http(sb: DptcaySandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app)) as client:
        yield client


@pytest.fixture
def dp(sb: DptcaySandbox, http: httpx.AsyncClient) -> AsyncDptcayClient:
    return AsyncDptcayClient(sb.write_key, base_url=sb.base_url, http_client=http)


async def _completed_payment(dp: AsyncDptcayClient, sb: DptcaySandbox) -> Payment:
    payment = await dp.payments.create(amount=Decimal("125.50"), currency="USDC")
    sb.transition_payment(payment.id, "completed")
    return payment


# --- payments -------------------------------------------------------------------------


async def test_payments_create_returns_a_typed_payment(dp: AsyncDptcayClient) -> None:
    payment = await dp.payments.create(
        amount=Decimal("125.50"),
        currency="USDC",
        network="polygon",
        description="Order A-1",
        order_id="A-1",
        metadata={"order": "A-1"},
        expires_in=600,
    )
    assert payment.id.startswith("pay_")
    assert payment.status is PaymentStatus.PENDING
    assert payment.amount == Decimal("125.50")
    assert payment.currency == "USDC"
    assert payment.network == "polygon"
    assert payment.order_id == "A-1"
    assert payment.metadata == {"order": "A-1"}
    assert payment.wallet_address
    assert isinstance(payment.expires_at, datetime)
    assert payment.expires_at.tzinfo is not None
    assert payment.created_at is not None
    assert (payment.expires_at - payment.created_at).total_seconds() == 600
    assert payment.extra == {}


async def test_payments_create_accepts_an_int_amount(dp: AsyncDptcayClient) -> None:
    payment = await dp.payments.create(amount=2, currency="BTC")
    assert payment.amount == Decimal(2)
    assert payment.network == "bitcoin"


async def test_payments_get_reads_the_current_state(
    dp: AsyncDptcayClient, sb: DptcaySandbox
) -> None:
    created = await dp.payments.create(amount=Decimal("1.5"), currency="ETH")
    sb.transition_payment(created.id, "completed")
    payment = await dp.payments.get(created.id)
    assert payment.id == created.id
    assert payment.status is PaymentStatus.COMPLETED
    assert payment.amount_received == Decimal("1.5")
    assert payment.confirmations == payment.required_confirmations == 12


async def test_payments_get_unknown_is_not_found(dp: AsyncDptcayClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await dp.payments.get("pay_unknown")
    assert info.value.status_code == 404
    assert info.value.code == "resource_missing"
    assert info.value.request_id is not None


async def test_every_result_carries_the_rate_limit(dp: AsyncDptcayClient) -> None:
    payment = await dp.payments.create(amount=1, currency="BTC")
    assert isinstance(payment.rate_limit, RateLimit)
    assert payment.rate_limit.limit == 10_000
    assert payment.rate_limit.remaining == 9_999
    assert dp.last_rate_limit == payment.rate_limit


# --- refunds --------------------------------------------------------------------------


async def test_refunds_partial_then_full(dp: AsyncDptcayClient, sb: DptcaySandbox) -> None:
    payment = await _completed_payment(dp, sb)
    partial = await dp.refunds.create(
        payment_id=payment.id, amount=Decimal("10.00"), reason="damaged"
    )
    assert isinstance(partial, Refund)
    assert partial.id.startswith("ref_")
    assert partial.payment_id == payment.id
    assert partial.amount == Decimal("10.00")
    assert partial.status is RefundStatus.PENDING
    assert (await dp.payments.get(payment.id)).status is PaymentStatus.PARTIALLY_REFUNDED
    rest = await dp.refunds.create(payment_id=payment.id)
    assert rest.amount == Decimal("115.50")
    assert (await dp.payments.get(payment.id)).status is PaymentStatus.REFUNDED


async def test_refund_of_a_pending_payment_is_a_bad_request(dp: AsyncDptcayClient) -> None:
    payment = await dp.payments.create(amount=1, currency="BTC")
    with pytest.raises(BadRequestError) as info:
        await dp.refunds.create(payment_id=payment.id)
    assert info.value.code == "invalid_request"
    assert info.value.api_message is not None
    assert "pending" in info.value.api_message


# --- currencies, webhooks -------------------------------------------------------------


async def test_currencies_list(dp: AsyncDptcayClient) -> None:
    currencies = await dp.currencies.list()
    assert isinstance(currencies, ResultList)
    assert isinstance(currencies, tuple)
    assert all(isinstance(c, Currency) for c in currencies)
    btc = next(c for c in currencies if c.code == "BTC")
    assert btc.exchange_rate == Decimal("97250.12")
    assert btc.network_fee == Decimal("0.00002")
    assert btc.confirmations_required == 2
    assert currencies.rate_limit is not None


async def test_webhooks_register(dp: AsyncDptcayClient, sb: DptcaySandbox) -> None:
    endpoint = await dp.webhooks.register(
        url="https://example.com/hook", events=[EventType.PAYMENT_COMPLETED, "refund.failed"]
    )
    assert isinstance(endpoint, WebhookEndpoint)
    assert endpoint.id.startswith("whk_")
    assert endpoint.events == ("payment.completed", "refund.failed")
    assert [e.id for e in sb.webhook_endpoints] == [endpoint.id]


async def test_webhooks_register_without_events_receives_all(dp: AsyncDptcayClient) -> None:
    endpoint = await dp.webhooks.register(url="https://example.com/all")
    assert set(endpoint.events) == set(EventType)


# --- keys -----------------------------------------------------------------------------


async def test_keys_create_and_revoke(
    dp: AsyncDptcayClient, sb: DptcaySandbox, http: httpx.AsyncClient
) -> None:
    created = await dp.keys.create(scope="read", label="reporting")
    assert isinstance(created, ApiKey)
    assert isinstance(created.key, Secret)
    assert created.scope is KeyScope.READ
    assert created.label == "reporting"
    reader = AsyncDptcayClient(created.key, base_url=sb.base_url, http_client=http)
    assert len(await reader.currencies.list()) > 0

    revoked = await dp.keys.revoke(created.key)
    assert revoked == RevokedKey(id=created.id, revoked=True, object="api_key")
    with pytest.raises(AuthenticationError) as info:
        await reader.currencies.list()
    assert "'Bearer' followed by a space and your key" in str(info.value)
    assert "key is active in the dptcay dashboard" in str(info.value)


async def test_keys_revoke_accepts_a_plain_string(dp: AsyncDptcayClient) -> None:
    created = await dp.keys.create(scope="write")
    revoked = await dp.keys.revoke(created.key.get_secret_value())
    assert revoked.revoked is True


async def test_read_key_cannot_write_and_the_error_names_the_scope(
    sb: DptcaySandbox, http: httpx.AsyncClient
) -> None:
    reader = AsyncDptcayClient(sb.read_key, base_url=sb.base_url, http_client=http)
    assert (await reader.currencies.list()).rate_limit is not None
    with pytest.raises(PermissionDeniedError) as info:
        await reader.payments.create(amount=1, currency="BTC")
    assert info.value.status_code == 403
    assert "payments:write" in str(info.value)
    assert "read key" in str(info.value)


# --- construction ---------------------------------------------------------------------


def test_client_knows_its_mode_and_hides_its_key() -> None:
    client = AsyncDptcayClient(KEY)
    assert client.livemode is False
    assert client.api_key == Secret(KEY)
    assert client.base_url == "https://api.dptcay.com/v1"
    assert KEY not in repr(client)
    assert KEY not in str(client)
    live = AsyncDptcayClient("dp_live_sk_" + "x" * 20)
    assert live.livemode is True


def test_resources_hold_only_the_call_function() -> None:
    client = AsyncDptcayClient(KEY)
    for resource in (client.payments, client.refunds, client.currencies, client.webhooks):
        assert type(resource).__slots__ == ()
        assert resource._call.__self__ is client  # type: ignore[attr-defined]
        assert resource._call.__func__ is AsyncDptcayClient._call  # type: ignore[attr-defined]
    assert not hasattr(client.keys, "__dict__")


def _recording_client(requests: list[httpx.Request], key: str) -> AsyncDptcayClient:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AsyncDptcayClient(key, http_client=http)


@pytest.mark.parametrize(
    "key",
    [
        "dcy_live_" + "a" * 40,
        "sk_test_123",
        "",
        "dp_test_sk_short",
        " dp_test_sk_" + "a" * 20,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
    ],
)
def test_a_non_dptcay_key_is_refused_before_any_io(key: str) -> None:
    requests: list[httpx.Request] = []
    with pytest.raises(ConfigurationError) as info:
        _recording_client(requests, key)
    assert requests == []
    if key:
        assert key.strip() not in str(info.value)


def test_dancity_key_error_says_what_it_is() -> None:
    with pytest.raises(ConfigurationError, match="Dancity merchant key"):
        AsyncDptcayClient("dcy_live_" + "a" * 40)


@pytest.mark.parametrize(
    "url",
    ["http://api.dptcay.com/v1", "ftp://api.dptcay.com", "not a url", "https://u:p@api.x.com/v1"],
)
def test_base_url_must_be_https_unless_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError):
        AsyncDptcayClient(KEY, base_url=url)


@pytest.mark.parametrize("url", ["http://localhost:8000/v1", "http://127.0.0.1/v1"])
def test_http_is_accepted_for_loopback(url: str) -> None:
    assert AsyncDptcayClient(KEY, base_url=url).base_url == url


def test_from_env_reads_key_and_base_url() -> None:
    client = AsyncDptcayClient.from_env(
        environ={"DPTCAY_API_KEY": KEY, "DPTCAY_BASE_URL": "https://api.dptcay.io/v1"}
    )
    assert client.api_key == Secret(KEY)
    assert client.base_url == "https://api.dptcay.io/v1"
    assert AsyncDptcayClient.from_env(environ={"DPTCAY_API_KEY": KEY}).base_url == (
        "https://api.dptcay.com/v1"
    )


@pytest.mark.parametrize("environ", [{}, {"DPTCAY_API_KEY": "  "}])
def test_from_env_names_the_missing_variable(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="DPTCAY_API_KEY"):
        AsyncDptcayClient.from_env(environ=environ)


def test_from_env_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DPTCAY_API_KEY", KEY)
    monkeypatch.delenv("DPTCAY_BASE_URL", raising=False)
    assert AsyncDptcayClient.from_env().api_key == Secret(KEY)


@pytest.mark.parametrize("plan", ["starter", "growth", "scale", (10, 1.0)])
def test_rate_plan_enables_a_throttle(plan: str | tuple[int, float]) -> None:
    client = AsyncDptcayClient(KEY, rate_plan=plan)  # type: ignore[arg-type]
    (throttle,) = client._throttles
    expected = {"starter": 100, "growth": 500, "scale": 2000}.get(str(plan), 10)
    assert throttle.limit == expected


@pytest.mark.parametrize("plan", ["enterprise", (0, 60.0), (10, -1.0), ("x", 1), (1, 2, 3)])
def test_bad_rate_plan_is_a_configuration_error(plan: object) -> None:
    with pytest.raises(ConfigurationError, match="rate_plan"):
        AsyncDptcayClient(KEY, rate_plan=plan)  # type: ignore[arg-type]


class _StatusLog(httpx.AsyncBaseTransport):
    """The sandbox in process, with a log of every status it answered."""

    def __init__(self, sb: DptcaySandbox) -> None:
        self._inner = httpx.ASGITransport(app=sb.app)
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response


@pytest.mark.parametrize(
    ("rate_plan", "throttled"),
    # The client's window is a little longer than the server's: the server counts a
    # request when it arrives, a moment after the client let it go.
    [((3, 0.25), True), (None, False)],
)
async def test_rate_plan_throttle_waits_instead_of_collecting_429s(
    rate_plan: tuple[int, float] | None, throttled: bool
) -> None:
    sb = DptcaySandbox(plan=RatePlan(3, window=0.2, name="tiny"))
    wire = _StatusLog(sb)
    refused = 0
    async with httpx.AsyncClient(transport=wire) as local:
        dp = AsyncDptcayClient(
            sb.write_key,
            base_url=sb.base_url,
            http_client=local,
            rate_plan=rate_plan,
            max_retries=0,
        )
        for _ in range(7):
            try:
                await dp.currencies.list()
            except RateLimitError:
                refused += 1
    # With the plan, seven calls wait for their slots and all succeed; without it, the
    # same seven calls in a row collect 429s (the control case).
    assert (refused == 0) is throttled
    assert (wire.statuses == [200] * 7) is throttled
    assert wire.statuses.count(429) == refused


async def test_optional_fields_are_sent_only_when_given() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(
            200, json={"id": "pay_1", "status": "pending", "amount": "1", "currency": "BTC"}
        )

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        dp = AsyncDptcayClient(KEY, http_client=http)
        await dp.payments.create(amount=Decimal("1.10"), currency="BTC")
        await dp.payments.create(
            amount=Decimal("1E+2"), currency="BTC", network="bitcoin", expires_in=60
        )
    # Every payment carries a reference (generated when the caller gives none), and
    # nothing else that was not given.
    references = [body.pop("order_id") for body in bodies]
    assert all(isinstance(r, str) and r.startswith("sdk-") and len(r) == 36 for r in references)
    assert references[0] != references[1]
    assert bodies == [
        {"amount": "1.10", "currency": "BTC"},
        {"amount": "100", "currency": "BTC", "network": "bitcoin", "expires_in": 60},
    ]


async def test_client_closes_its_own_http_client(sb: DptcaySandbox) -> None:
    with sb.serve_in_thread() as base_url:
        dp = AsyncDptcayClient(sb.write_key, base_url=base_url)
        async with dp:
            await dp.currencies.list()
            own = dp._http_client
            assert own is not None
            open_before = not own.is_closed
        assert open_before
        assert own.is_closed
        with pytest.raises(RuntimeError, match="closed"):
            await dp.currencies.list()
        await dp.aclose()  # idempotent


async def test_client_leaves_a_given_http_client_open(sb: DptcaySandbox) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app)) as given:
        async with AsyncDptcayClient(sb.write_key, base_url=sb.base_url, http_client=given) as dp:
            await dp.currencies.list()
        assert not given.is_closed


# --- over a real loopback socket ------------------------------------------------------


async def test_every_endpoint_over_loopback(sb: DptcaySandbox) -> None:
    with sb.serve_in_thread(port=0) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        async with AsyncDptcayClient(sb.write_key, base_url=base_url) as dp:
            payment = await dp.payments.create(amount=Decimal("125.50"), currency="USDC")
            sb.transition_payment(payment.id, "completed")
            assert (await dp.payments.get(payment.id)).status is PaymentStatus.COMPLETED
            refund = await dp.refunds.create(payment_id=payment.id, amount=Decimal(5))
            assert refund.amount == Decimal(5)
            assert len(await dp.currencies.list()) > 0
            endpoint = await dp.webhooks.register(url="https://example.com/hook")
            assert endpoint.url == "https://example.com/hook"
            key = await dp.keys.create(scope="read")
            assert (await dp.keys.revoke(key.key)).revoked is True
            new = await dp.rotate_key(label="rotated")
            assert dp.api_key == new.key


def test_blocking_twin_over_loopback(sb: DptcaySandbox) -> None:
    with sb.serve_in_thread() as base_url, DptcayClient(sb.write_key, base_url=base_url) as dp:
        payment = dp.payments.create(amount=Decimal(3), currency="BTC")
        assert isinstance(payment, Payment)
        assert dp.payments.get(payment.id).id == payment.id
        assert dp.livemode is False


def test_public_names() -> None:
    assert dptcay_sdk.__all__ == sorted(
        dptcay_sdk.__all__, key=lambda n: (not n.isupper(), n)
    )  # ruff's RUF022 order
    for name in dptcay_sdk.__all__:
        assert getattr(dptcay_sdk, name) is not None
