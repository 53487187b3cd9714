"""The client against the sandbox: in process (ASGITransport) and over a loopback socket."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dancity_sdk import (
    APIStatusError,
    AsyncDancityClient,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    OutcomeUnknownError,
    ReconcileTimeoutError,
    RetryPolicy,
    Secret,
    TransactionStatus,
)
from dancity_sdk.testing import DancitySandbox

G1 = "2026-04-27"  # /api/external/v1, a PIN in every buy
G3 = "2026-05-31"  # /api/v1
FAST = RetryPolicy(initial_backoff=0.001, max_backoff=0.002)


@asynccontextmanager
async def in_process(
    sb: DancitySandbox, prefix: str = G1, **kwargs: Any
) -> AsyncIterator[AsyncDancityClient]:
    transport = httpx.ASGITransport(app=sb.app, client=("127.0.0.1", 123))
    async with httpx.AsyncClient(transport=transport) as http:
        kwargs.setdefault("api_key", sb.api_key)
        kwargs.setdefault("retry", FAST)
        yield AsyncDancityClient(
            kwargs.pop("api_key"),
            base_url=sb.base_url,
            api_version=prefix,
            http_client=http,
            **kwargs,
        )


def airtime(
    sb: DancitySandbox, phone: str = "08012345678", *, version: str = G1, **extra: Any
) -> dict[str, Any]:
    """An airtime buy; only the 2026-04-27 bodies carry the PIN."""
    pin = {"pin": sb.PIN} if version == G1 else {}
    return {"product": "MTN Airtime", "phone": phone, "amount": 100, **pin, **extra}


@pytest.mark.anyio
async def test_failed_vend_is_a_200_with_a_failed_transaction() -> None:
    sb = DancitySandbox(seed=3)
    async with in_process(sb) as dc:
        tx = await dc.vas.airtime.buy(**airtime(sb, "08012340000"))
    assert tx.status is TransactionStatus.FAILED
    assert tx.failed
    assert not tx.succeeded
    assert repr(tx).startswith("Transaction(status='FAILED'")
    assert tx.api_response


@pytest.mark.anyio
@pytest.mark.parametrize("fault", ["server_error", "drop"])
async def test_outcome_unknown_carries_the_ref_and_reconcile_finds_it(fault: Any) -> None:
    sb = DancitySandbox(seed=4)
    sb.fail_next(fault)
    async with in_process(sb) as dc:
        with pytest.raises(OutcomeUnknownError) as info:
            await dc.vas.airtime.buy(**airtime(sb))
        ref = info.value.reference
        assert ref is not None
        assert ref.startswith("sdk-")
        assert len(sb.transactions) == 1  # sent once, never retried
        tx = await dc.vas.transactions.reconcile(ref, interval=0.001)
    assert tx.succeeded
    assert tx.customer_ref == ref
    assert len(sb.transactions) == 1


@pytest.mark.anyio
async def test_reconcile_polls_a_pending_transaction_until_it_settles() -> None:
    sb = DancitySandbox(seed=5)
    async with in_process(sb, G3) as dc:
        tx = await dc.vas.airtime.buy(
            **airtime(sb, "08012341111", version=G3), customer_ref="ORDER-7"
        )
        assert tx.pending
        settled = await dc.vas.transactions.reconcile("ORDER-7", interval=0.001)
    assert settled.status == TransactionStatus.SUCCESS
    assert settled.tranx_id == tx.tranx_id


@pytest.mark.anyio
async def test_reconcile_gives_up_when_nothing_is_found() -> None:
    sb = DancitySandbox(seed=6)
    async with in_process(sb) as dc:
        with pytest.raises(ReconcileTimeoutError) as info:
            await dc.vas.transactions.reconcile("never-sent", interval=0.002, timeout=0.005)
    assert info.value.transaction is None
    assert info.value.reference == "never-sent"
    assert "never reached" in str(info.value)


@pytest.mark.anyio
async def test_requery_by_every_id() -> None:
    sb = DancitySandbox(seed=7)
    async with in_process(sb, G3) as dc:
        tx = await dc.vas.airtime.buy(**airtime(sb, version=G3), customer_ref="R-1")
        for ident in (tx.mongo_id, tx.tranx_id, "R-1"):
            assert ident is not None
            assert (await dc.vas.transactions.get(ident)).id == tx.id
        with pytest.raises(NotFoundError):
            await dc.vas.transactions.get("nope")


@pytest.mark.anyio
async def test_jwt_provider_refreshes_an_expired_token_and_replays() -> None:
    sb = DancitySandbox(seed=8)
    tokens = [sb.issue_jwt(ttl=-60), sb.issue_jwt(ttl=3600)]
    calls: list[str] = []

    async def provider() -> str:
        token = tokens[min(len(calls), 1)]
        calls.append(token)
        return token

    async with in_process(sb, jwt=provider, api_key=None) as dc:
        wallet = await dc.app.wallet.get(sb.wallet_id)
        again = await dc.app.wallet.get(sb.wallet_id)
    assert wallet.id == sb.wallet_id == again.id
    assert len(calls) == 2  # the expired token, then one refresh after its 401


@pytest.mark.anyio
async def test_app_transactions_with_a_static_jwt() -> None:
    sb = DancitySandbox(seed=9)
    async with in_process(sb, jwt=Secret(sb.issue_jwt())) as dc:
        tx = await dc.vas.airtime.buy(**airtime(sb))
        page = await dc.app.transactions.list(limit=5)
        found = await dc.app.transactions.get(tx.tranx_id or "")
    assert [t.tranx_id for t in page] == [tx.tranx_id]
    assert found.amount == Decimal(100)


@pytest.mark.anyio
async def test_key_regeneration_then_set_api_key() -> None:
    sb = DancitySandbox(seed=10)
    async with in_process(sb) as dc:
        await dc.vas.wallet.balances()
        new_key = sb.regenerate_key()
        with pytest.raises(AuthenticationError) as info:
            await dc.vas.wallet.balances()
        assert "set_api_key" in str(info.value)
        dc.set_api_key(new_key)
        wallets = await dc.vas.wallet.balances()
    assert {w.wallettype for w in wallets} == {"main", "bonus"}


@pytest.mark.anyio
@pytest.mark.parametrize("prefix", [G1, G3])
async def test_both_generations_validate_and_buy(prefix: str) -> None:
    sb = DancitySandbox(seed=11)
    pin = sb.PIN if prefix == G1 else None
    async with in_process(sb, prefix) as dc:
        plans = await dc.vas.catalog.cable_plans(product="GOTV")
        plan = {"cableplan": plans[0].plan_id} if prefix == G1 else {}  # G1's GET needs it
        card = await dc.vas.cable.validate(smartcard_number="1234567890", cablename="GOTV", **plan)
        meter = await dc.vas.electricity.validate(
            meter_number="45012345678", biller="EKEDC", amount=1000, meter_type="prepaid"
        )
        power = await dc.vas.electricity.buy(
            meter_number="45012345678",
            biller="EKEDC",
            amount=Decimal("1500.50"),
            meter_type="prepaid",
            customer_name=meter.customer_name or "",
            address=meter.address or "",
            pin=pin,
        )
        exam = await dc.vas.education.purchase(product="WAEC Result Checker", quantity=2, pin=pin)
        bet = await dc.vas.betting.fund(product="1XBET", account_id="12345678", amount=500, pin=pin)
    assert card.customer_name == "John Doe"
    assert power.succeeded
    assert power.amount == Decimal("1500.50")
    assert power.token
    assert exam.succeeded
    assert len(exam.pins) == 2
    assert bet.succeeded


@pytest.mark.anyio
async def test_over_a_loopback_socket_no_secret_reaches_logs_reprs_or_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sb = DancitySandbox(seed=12)
    jwt = sb.issue_jwt()
    key = sb.api_key
    for name in ("", "httpx", "httpcore", "dancity_sdk", "shared_auth"):
        caplog.set_level(logging.DEBUG, logger=name)
    seen: list[str] = []
    with sb.serve_in_thread() as base_url:
        async with AsyncDancityClient(
            key, jwt=jwt, base_url=base_url, api_version=G3, retry=FAST
        ) as dc:
            tx = await dc.vas.airtime.buy(**airtime(sb, version=G3))
            wallet = await dc.app.wallet.get(sb.wallet_id)
            seen += [repr(dc), repr(tx), str(tx), repr(wallet)]
            sb.regenerate_key()
            with pytest.raises(AuthenticationError) as info:
                await dc.vas.airtime.buy(**airtime(sb, version=G3))
            seen += [str(info.value), repr(info.value), info.value.body_excerpt]
    assert tx.succeeded
    assert wallet.id == sb.wallet_id
    logs = [record.getMessage() for record in caplog.records]
    assert any("/api/v1/airtime/buy" in line for line in logs)
    for text in logs + seen:
        for secret in (jwt, key, sb.api_key, sb.webhook_secret):
            assert secret not in text


@pytest.mark.anyio
async def test_an_unknown_plan_or_product_points_to_the_catalog_method() -> None:
    sandbox = DancitySandbox()
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 50000))
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncDancityClient(sandbox.api_key, base_url=sandbox.base_url, http_client=http) as dc,
    ):
        with pytest.raises(BadRequestError) as plan_error:
            await dc.vas.data.buy(plan="no-such-plan", phone="08012345678")
        with pytest.raises(APIStatusError) as product_error:
            await dc.vas.airtime.buy(product="No Such Airtime", phone="08012345678", amount=100)
    assert "client.vas.catalog.data_plans(" in str(plan_error.value)
    assert "client.vas.catalog.products(" in str(product_error.value)
