"""The public API's types, as a user's type checker sees them.

``mypy --strict`` checks every ``assert_type`` below (a wrong or ``Any`` type fails the
typecheck session), and pytest runs the same code against the in-process sandboxes on
asyncio and trio, so each assertion also holds at run time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import assert_type

import httpx
import pytest

import shared_auth
from dancity_sdk import (
    AsyncDancityClient,
    DancityClient,
    MissingCredentialError,
    ReconcileTimeoutError,
    Transaction,
    TransactionPage,
    TransactionStatus,
    Validation,
    Wallet,
    webhooks,
)
from dancity_sdk.testing import DancitySandbox
from dptcay_sdk import (
    APIStatusError,
    AsyncDptcayClient,
    ConfigurationError,
    Currency,
    DptcayClient,
    Event,
    EventType,
    InvalidInputError,
    InvalidInputTypeError,
    NotFoundError,
    OutcomeUnknownError,
    Payment,
    PaymentStatus,
    RateLimit,
    RateLimitError,
    Refund,
    RefundStatus,
    ResultList,
    RetryPolicy,
    RevokedKey,
    Secret,
    WebhookEndpoint,
    parse_event,
)
from dptcay_sdk.testing import DptcaySandbox

FAST = RetryPolicy(max_retries=1, initial_backoff=0.001, max_backoff=0.002, deadline=10.0)


@asynccontextmanager
async def dptcay_client(sandbox: DptcaySandbox) -> AsyncIterator[AsyncDptcayClient]:
    transport = httpx.ASGITransport(app=sandbox.app)
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncDptcayClient(
            sandbox.write_key, base_url=sandbox.base_url, http_client=http, retry=FAST
        ) as client,
    ):
        yield client


@asynccontextmanager
async def dancity_client(sandbox: DancitySandbox) -> AsyncIterator[AsyncDancityClient]:
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 50000))
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncDancityClient(
            Secret(sandbox.api_key),
            jwt=sandbox.issue_jwt(),
            base_url=sandbox.base_url,
            http_client=http,
            retry=FAST,
        ) as client,
    ):
        yield client


def test_construction_and_configuration_types() -> None:
    client = AsyncDptcayClient("dp_test_sk_" + "a" * 24, rate_plan="growth", timeout=5.0)
    assert_type(client, AsyncDptcayClient)
    assert_type(client.api_key, Secret)
    assert_type(client.livemode, bool)
    assert_type(client.base_url, str)
    assert_type(client.last_rate_limit, RateLimit | None)
    assert client.base_url == "https://api.dptcay.com/v1"
    assert client.livemode is False

    dancity = AsyncDancityClient("dcy_live_" + "0" * 40, api_version="2026-05-31", channel="API")
    assert_type(dancity, AsyncDancityClient)
    assert_type(dancity.api_version, str)
    assert_type(dancity.vas_prefix, str)
    assert dancity.vas_prefix == "/api/v1"

    policy = RetryPolicy(max_retries=3, deadline=None)
    assert_type(policy.max_retries, int)
    assert_type(policy.deadline, float | None)
    assert_type(policy.backoff(1), float)

    secret = Secret("dp_test_sk_" + "b" * 24)
    assert_type(secret.get_secret_value(), str)
    assert secret.get_secret_value() not in repr(secret)

    with pytest.raises(ConfigurationError) as info:
        AsyncDptcayClient("dcy_live_" + "0" * 40)  # a Dancity key is refused
    assert_type(info.value, ConfigurationError)
    with pytest.raises(MissingCredentialError):
        AsyncDancityClient()


@pytest.mark.anyio
async def test_dptcay_call_types() -> None:
    sandbox = DptcaySandbox()
    async with dptcay_client(sandbox) as dp:
        payment = await dp.payments.create(
            amount=Decimal("12.50"), currency="USDC", order_id="typed-1", metadata={"k": "v"}
        )
        assert_type(payment, Payment)
        assert_type(payment.id, str)
        assert_type(payment.amount, Decimal)
        assert_type(payment.amount_received, Decimal | None)
        assert_type(payment.status, PaymentStatus | str)
        assert_type(payment.expires_at, datetime | None)
        assert_type(payment.rate_limit, RateLimit | None)
        assert_type(payment.extra, Mapping[str, shared_auth.JSONValue])
        assert payment.amount == Decimal("12.50")
        assert payment.status is PaymentStatus.PENDING

        sandbox.transition_payment(payment.id, "completed")
        fetched = await dp.payments.get(payment.id)
        assert fetched.status is PaymentStatus.COMPLETED

        refund = await dp.refunds.create(payment_id=payment.id, amount=Decimal(2))
        assert_type(refund, Refund)
        assert_type(refund.status, RefundStatus | str)
        assert refund.amount == Decimal(2)

        currencies = await dp.currencies.list()
        assert_type(currencies, ResultList[Currency])
        assert_type(currencies[0], Currency)
        assert_type(currencies.rate_limit, RateLimit | None)
        assert currencies.rate_limit is not None
        assert_type(currencies.rate_limit.remaining, int | None)

        endpoint = await dp.webhooks.register(
            url="https://example.com/hook", events=[EventType.PAYMENT_COMPLETED]
        )
        assert_type(endpoint, WebhookEndpoint)

        spare = await dp.keys.create(scope="read", label="typed")
        assert_type(spare.key, Secret)
        revoked = await dp.keys.revoke(spare.key)
        assert_type(revoked, RevokedKey)
        assert revoked.revoked is True

        new = await dp.rotate_key(label="typed-rotation")
        assert dp.api_key == new.key


@pytest.mark.anyio
async def test_dptcay_error_and_event_types() -> None:
    sandbox = DptcaySandbox()
    async with dptcay_client(sandbox) as dp:
        with pytest.raises(NotFoundError) as not_found:
            await dp.payments.get("pay_missing")
        error = not_found.value
        assert_type(error.status_code, int)
        assert_type(error.code, str | None)
        assert_type(error.api_message, str | None)
        assert_type(error.messages, tuple[str, ...])
        assert_type(error.request_id, str | None)
        assert_type(error.rate_limit, RateLimit | None)
        assert_type(error.body_excerpt, str)
        assert isinstance(error, APIStatusError)
        assert error.status_code == 404

        with pytest.raises(InvalidInputTypeError) as bad_amount:
            await dp.payments.create(amount=1.5, currency="USDC")  # type: ignore[arg-type]
        assert_type(bad_amount.value.field, str | None)
        assert bad_amount.value.field == "amount"

        payment = await dp.payments.create(amount=3, currency="BTC")
        raw = (
            '{"id": "evt_1", "type": "payment.completed", "created_at": "2030-01-01T00:00:00Z", '
            f'"data": {{"id": "{payment.id}", "status": "completed", "amount": "3", '
            '"currency": "BTC"}}'
        )
        event = parse_event(raw.encode())
        assert_type(event, Event)
        assert_type(event.type, EventType | str)
        assert_type(event.data, Payment | Refund | Mapping[str, shared_auth.JSONValue])
        truth = await dp.webhooks.fetch_event_object(event)
        assert_type(truth, Payment)
        assert truth.status is PaymentStatus.PENDING  # the delivery's claim is not the truth


def test_error_attribute_types() -> None:
    outcome = OutcomeUnknownError("sent, then lost", reference="order-1")
    assert_type(outcome.reference, str | None)
    assert_type(outcome.method, str | None)
    limited = RateLimitError("slow down", status_code=429, rate_limit=RateLimit(retry_after=2.0))
    assert_type(limited.retry_after, float | None)
    assert limited.retry_after == 2.0
    invalid = InvalidInputError("no", field="amount")
    assert_type(invalid.field, str | None)
    assert_type(invalid.message, str)
    assert isinstance(invalid, shared_auth.SDKError)


@pytest.mark.anyio
async def test_dancity_call_types() -> None:
    sandbox = DancitySandbox()
    async with dancity_client(sandbox) as dc:
        wallets = await dc.vas.wallet.balances()
        assert_type(wallets, ResultList[Wallet])
        assert_type(wallets[0].balance, Decimal | None)

        tx = await dc.vas.airtime.buy(
            product="MTN Airtime", phone="08012345678", amount=Decimal(200)
        )
        assert_type(tx, Transaction)
        assert_type(tx.status, TransactionStatus | str)
        assert_type(tx.amount, Decimal | None)
        assert_type(tx.succeeded, bool)
        assert_type(tx.customer_ref, str | None)
        assert_type(tx.sent_customer_ref, str | None)
        assert_type(tx.id, str | None)
        assert tx.succeeded
        assert tx.amount == Decimal(200)

        failed = await dc.vas.airtime.buy(product="MTN Airtime", phone="08012340000", amount=100)
        assert failed.failed  # a FAILED vend inside an HTTP 200

        validation = await dc.vas.cable.validate(smartcard_number="1234567890", cablename="GOTV")
        assert_type(validation, Validation)
        assert_type(validation.customer_name, str | None)

        page = await dc.vas.transactions.list(limit=10)
        assert_type(page, TransactionPage)
        assert_type(page.items, ResultList[Transaction])
        assert_type(page.transactions, tuple[Transaction, ...])
        assert len(page) == 2

        assert tx.sent_customer_ref is not None
        settled = await dc.vas.transactions.reconcile(tx.sent_customer_ref, interval=0.01)
        assert_type(settled, Transaction)

        wallet = await dc.app.wallet.get(sandbox.wallet_id)
        assert_type(wallet, Wallet)
        assert wallet.balance == sandbox.balance("main")

        with pytest.raises(ReconcileTimeoutError) as gave_up:
            await dc.vas.transactions.reconcile("never-bought", interval=0.01, timeout=0.02)
        assert_type(gave_up.value.reference, str)


def test_dancity_webhook_types() -> None:
    secret = "whsec_typed"
    raw = b'{"event": "transaction.success", "data": {"status": "success", "amount": 98.5}}'
    signature = webhooks.sign(raw, secret)
    assert_type(signature, str)
    assert_type(webhooks.verify(raw, signature, [secret, Secret("old")]), None)
    event = webhooks.parse_event(raw, signature, secret)
    assert_type(event, webhooks.WebhookEvent)
    assert isinstance(event, webhooks.TransactionSucceeded)
    assert_type(event.details, webhooks.WebhookData)
    assert_type(event.details.amount, Decimal | None)
    assert event.details.amount == Decimal("98.5")
    assert event.details.succeeded
    with pytest.raises(webhooks.WebhookSignatureError) as info:
        webhooks.verify(raw, None, secret)
    assert info.value.reason == "missing"


def test_sync_client_types() -> None:
    dptcay, dancity = DptcaySandbox(), DancitySandbox()
    with (
        dptcay.serve_in_thread() as dptcay_url,
        dancity.serve_in_thread() as dancity_url,
        DptcayClient(dptcay.write_key, base_url=dptcay_url) as dp,
        DancityClient(dancity.api_key, base_url=dancity_url) as dc,
    ):
        assert_type(dp.async_client, AsyncDptcayClient)
        assert_type(dc.async_client, AsyncDancityClient)
        payment: Payment = dp.payments.create(amount=Decimal(1), currency="BTC")
        assert isinstance(payment, Payment)
        wallets: ResultList[Wallet] = dc.vas.wallet.balances()
        assert isinstance(wallets, ResultList)
