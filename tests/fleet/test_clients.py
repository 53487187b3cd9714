"""Both clients with a journal and a shared budget, against the sandboxes, on asyncio and trio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from dancity_sdk import AsyncDancityClient
from dancity_sdk.testing import DancitySandbox
from dptcay_sdk import AsyncDptcayClient
from dptcay_sdk.testing import DptcaySandbox
from shared_auth import ConfigurationError, OutcomeUnknownError, RetryPolicy
from shared_auth.fleet import (
    IntentConflictError,
    IntentNeedsReviewError,
    Journal,
    SharedWindow,
    open_journal,
)
from shared_auth.fleet._intent import Change
from tests._json import at

pytestmark = pytest.mark.anyio
PHONE = "08031234567"
#: The generation whose buys carry a transaction PIN (to show the journal never keeps it).
PIN_GENERATION = "2026-04-27"


@pytest.fixture
def dancity_sandbox() -> DancitySandbox:
    return DancitySandbox(seed=1)


@pytest.fixture
async def dancity(
    dancity_sandbox: DancitySandbox, journal_target: str
) -> AsyncIterator[AsyncDancityClient]:
    transport = httpx.ASGITransport(app=dancity_sandbox.app, client=("127.0.0.1", 123))
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncDancityClient(
            dancity_sandbox.api_key,
            base_url=dancity_sandbox.base_url,
            api_version=PIN_GENERATION,
            http_client=http,
            retry=RetryPolicy(max_retries=0),
            journal=journal_target,
        ) as client,
    ):
        yield client


class _Clock:
    """A journal's clock that moves only when the test moves it: a lease runs out at once."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _charges(sandbox: DancitySandbox, ref: str) -> list[dict[str, Any]]:
    return [r for r in sandbox.transactions if r["customerRef"] == ref]


async def _buy(
    client: AsyncDancityClient, ref: str, amount: int = 100, pin: str = DancitySandbox.PIN
) -> Any:
    return await client.vas.airtime.buy(
        product="MTN Airtime", phone=PHONE, amount=Decimal(amount), pin=pin, customer_ref=ref
    )


async def test_a_retried_purchase_returns_the_recorded_transaction(
    dancity: AsyncDancityClient, dancity_sandbox: DancitySandbox
) -> None:
    first = await _buy(dancity, "order-1")
    again = await _buy(dancity, "order-1")
    assert again.tranx_id == first.tranx_id
    assert again.amount == first.amount == Decimal(100)
    assert len(_charges(dancity_sandbox, "order-1")) == 1


async def test_a_purchase_whose_answer_was_lost_is_requeried_not_bought_again(
    dancity: AsyncDancityClient, dancity_sandbox: DancitySandbox
) -> None:
    dancity_sandbox.fail_next("drop")
    with pytest.raises(OutcomeUnknownError):
        await _buy(dancity, "order-2")
    tx = await _buy(dancity, "order-2")
    charges = _charges(dancity_sandbox, "order-2")
    assert [c["tranxId"] for c in charges] == [tx.tranx_id]


async def test_a_reference_reused_for_another_purchase_is_refused(
    dancity: AsyncDancityClient, dancity_sandbox: DancitySandbox
) -> None:
    await _buy(dancity, "order-3")
    with pytest.raises(IntentConflictError, match="different parameters"):
        await _buy(dancity, "order-3", amount=200)
    # The PIN is no parameter of the intent: a retry with another PIN is the same intent.
    await _buy(dancity, "order-3", pin="9999")
    assert len(_charges(dancity_sandbox, "order-3")) == 1


async def test_the_journal_never_holds_the_pin(
    dancity: AsyncDancityClient, journal_target: str
) -> None:
    pin = "1234"
    await _buy(dancity, "order-4", pin=pin)
    intent = await open_journal(journal_target).get("dancity:order-4")
    assert intent is not None
    assert intent.state == "settled"
    assert "pin" not in intent.to_json().casefold()


async def test_a_refused_purchase_leaves_the_reference_free(
    dancity: AsyncDancityClient, dancity_sandbox: DancitySandbox
) -> None:
    with pytest.raises(Exception, match=r"(?i)pin"):
        await _buy(dancity, "order-5", pin="0000")
    tx = await _buy(dancity, "order-5")
    assert [c["tranxId"] for c in _charges(dancity_sandbox, "order-5")] == [tx.tranx_id]


class _Untouchable:
    """A journal store that fails the test if anything reaches it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the journal was used ({name}) by a call that is no purchase")


async def test_reads_never_touch_the_journal(dancity_sandbox: DancitySandbox) -> None:
    transport = httpx.ASGITransport(app=dancity_sandbox.app, client=("127.0.0.1", 123))
    async with httpx.AsyncClient(transport=transport) as http:
        client = AsyncDancityClient(
            dancity_sandbox.api_key,
            base_url=dancity_sandbox.base_url,
            http_client=http,
            journal=Journal(_Untouchable()),
        )
        wallets = await client.vas.wallet.balances()
        services = await client.vas.catalog.services()
    assert len(wallets) == 2
    assert len(services) > 0


async def test_recover_settles_a_purchase_whose_worker_died(
    dancity_sandbox: DancitySandbox, tmp_path: Path
) -> None:
    target = f"sqlite:///{tmp_path / 'j.db'}"
    clock = _Clock()
    transport = httpx.ASGITransport(app=dancity_sandbox.app, client=("127.0.0.1", 123))
    async with httpx.AsyncClient(transport=transport) as http:
        # The purchase reached Dancity, then the worker died before recording the answer.
        client = AsyncDancityClient(
            dancity_sandbox.api_key,
            base_url=dancity_sandbox.base_url,
            api_version=PIN_GENERATION,
            http_client=http,
            journal=open_journal(target, lease=1.0, create=True, clock=clock),
        )
        tx = await _buy(client, "order-6")
        journal = open_journal(target)
        assert client._journal is not None
        key = "dancity:order-6"
        journal.store.update(key, client._journal.owner, Change(state="sent", now=0.0))
        clock.advance(2.0)  # the lease runs out
        report = await client.recover_journal()
    assert [i.reference for i in report.settled] == ["order-6"]
    settled = await journal.get("dancity:order-6")
    assert settled is not None
    assert at(settled.result, "data", "tranxId") == tx.tranx_id


@pytest.fixture
async def dptcay(journal_target: str) -> AsyncIterator[tuple[AsyncDptcayClient, DptcaySandbox]]:
    sandbox = DptcaySandbox()
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app)) as http,
        AsyncDptcayClient(
            sandbox.write_key, base_url=sandbox.base_url, http_client=http, journal=journal_target
        ) as client,
    ):
        yield client, sandbox


async def test_a_payment_with_an_order_id_is_created_once(
    dptcay: tuple[AsyncDptcayClient, DptcaySandbox],
) -> None:
    client, sandbox = dptcay
    first = await client.payments.create(amount=Decimal(10), currency="USDC", order_id="ord-1")
    again = await client.payments.create(amount=Decimal(10), currency="USDC", order_id="ord-1")
    assert again.id == first.id
    with pytest.raises(IntentConflictError):
        await client.payments.create(amount=Decimal(11), currency="USDC", order_id="ord-1")
    # Without an order id there is no intent to name: each call creates a payment.
    a = await client.payments.create(amount=Decimal(10), currency="USDC")
    b = await client.payments.create(amount=Decimal(10), currency="USDC")
    assert a.id != b.id
    assert len(sandbox._store._payments) == 3


async def test_a_dptcay_payment_whose_worker_died_after_sending_needs_review(
    journal_target: str, tmp_path: Path
) -> None:
    sandbox = DptcaySandbox()
    clock = _Clock()
    journal = open_journal(journal_target, lease=1.0, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app)) as http:
        client = AsyncDptcayClient(
            sandbox.write_key, base_url=sandbox.base_url, http_client=http, journal=journal
        )
        await client.payments.create(amount=Decimal(10), currency="USDC", order_id="ord-2")
        key = "dptcay:ord-2"
        assert client._journal is not None
        journal.store.update(key, client._journal.owner, Change(state="sent", now=0.0))
        clock.advance(2.0)  # the lease runs out
        with pytest.raises(IntentNeedsReviewError, match="cannot be searched"):
            await client.payments.create(amount=Decimal(10), currency="USDC", order_id="ord-2")
        clock.advance(2.0)  # and the lease taken to look at it
        report = await client.recover_journal()
    assert [i.reference for i in report.needs_review] == ["ord-2"]
    assert len(sandbox._store._payments) == 1


async def test_refunds_of_one_payment_are_separate_intents_per_amount(
    dptcay: tuple[AsyncDptcayClient, DptcaySandbox],
) -> None:
    client, sandbox = dptcay
    payment = await client.payments.create(amount=Decimal(10), currency="USDC", order_id="ord-3")
    sandbox.transition_payment(payment.id, "completed")
    first = await client.refunds.create(payment_id=payment.id, amount=Decimal(2))
    assert (await client.refunds.create(payment_id=payment.id, amount=Decimal(2))).id == first.id
    second = await client.refunds.create(payment_id=payment.id, amount=Decimal(3))
    assert second.id != first.id


async def test_a_shared_budget_replaces_the_in_process_windows(
    redis_url: str, dancity_sandbox: DancitySandbox
) -> None:
    client = AsyncDancityClient(
        dancity_sandbox.api_key, base_url=dancity_sandbox.base_url, rate_budget=redis_url
    )
    assert all(isinstance(w, SharedWindow) for w in client._throttles.values())
    assert dancity_sandbox.api_key not in repr(client._throttles)
    with pytest.raises(ConfigurationError, match="rate_plan"):
        AsyncDptcayClient(DptcaySandbox().write_key, rate_budget=redis_url)
    dp = AsyncDptcayClient(DptcaySandbox().write_key, rate_plan=(10, 1.0), rate_budget=redis_url)
    assert isinstance(dp._throttles[0], SharedWindow)
    with pytest.raises(ConfigurationError, match="no journal"):
        await dp.recover_journal()
