"""Faults: money-moving intents through the documented recovery path, checked by ledger.

Each intent is one payment, refund or purchase, sent once. On
[`OutcomeUnknownError`][shared_auth.OutcomeUnknownError] the caller reconciles and never sends it
again:

* Dancity purchases: ``vas.transactions.reconcile(error.reference)``.
* dptcay payments: the API cannot search by ``order_id``; the ``payment.*`` webhook
  deliveries carry it (the sandbox's outbox stands for the caller's webhook endpoint).
* dptcay refunds: the API cannot read a refund back; the refunded payment's status says.

Afterwards the sandboxes' ledgers are the truth every count is checked against.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import anyio

from benchmarks.soak import _world as world
from benchmarks.soak._faults import FaultPlan
from dancity_sdk import AsyncDancityClient, ReconcileTimeoutError
from dptcay_sdk import AsyncDptcayClient
from shared_auth import OutcomeUnknownError, SDKError

#: How often a reconciliation is tried again when the lookup itself fails (a user would).
RECONCILE_TRIES = 8


@dataclass
class Tally:
    """What happened to the intents of one SDK, and what the ledger says."""

    intents: int = 0
    ended: Counter[str] = field(default_factory=Counter)
    charged_twice: int = 0
    without_outcome: int = 0
    untyped: int = 0
    charged_as_plain_error: int = 0
    unsettled: int = 0
    untyped_examples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Fold ``other`` into this tally."""
        self.intents += other.intents
        self.ended.update(other.ended)
        self.charged_twice += other.charged_twice
        self.without_outcome += other.without_outcome
        self.untyped += other.untyped
        self.charged_as_plain_error += other.charged_as_plain_error
        self.unsettled += other.unsettled
        self.untyped_examples += other.untyped_examples


@dataclass
class _Intent:
    reference: str
    send: Callable[[], Awaitable[object]]
    reconcile: Callable[[str], Awaitable[bool]]  # True: it took effect
    ending: str = "none"
    believed_charged: bool | None = None


async def _reconciled(intent: _Intent, reference: str) -> bool | None:
    """Whether the intent took effect, by the documented lookup (None: could not tell)."""
    for _ in range(RECONCILE_TRIES):
        try:
            return await intent.reconcile(reference)
        except SDKError:  # the lookup failed too (faults hit reads as well): look again
            await anyio.sleep(0.001)
    return None


async def _run(intent: _Intent, tally: Tally) -> None:
    with anyio.move_on_after(world.GUARD):
        try:
            try:
                await intent.send()
            except OutcomeUnknownError as exc:
                intent.ending = "unknown"
                reference = exc.reference or intent.reference
                intent.believed_charged = await _reconciled(intent, reference)
            else:
                intent.ending = "ok"
        except SDKError:
            intent.ending = "error"
        except Exception as exc:  # noqa: BLE001 - counting what escapes is the point
            intent.ending = "untyped"
            if len(tally.untyped_examples) < 5:
                tally.untyped_examples.append(f"{type(exc).__name__}: {exc}"[:160])


async def _run_all(intents: list[_Intent], tally: Tally, concurrency: int) -> None:
    limiter = anyio.CapacityLimiter(concurrency)

    async def one(intent: _Intent) -> None:
        async with limiter:
            await _run(intent, tally)

    async with anyio.create_task_group() as tg:
        for intent in intents:
            tg.start_soon(one, intent)


def _score(tally: Tally, intents: list[_Intent], charges: Counter[str]) -> None:
    for intent in intents:
        tally.intents += 1
        tally.ended[intent.ending] += 1
        charged = charges[intent.reference]
        if charged > 1:
            tally.charged_twice += 1
        if intent.ending == "none":
            tally.without_outcome += 1
        elif intent.ending == "untyped":
            tally.untyped += 1
        elif intent.ending == "error" and charged:
            tally.charged_as_plain_error += 1
        elif intent.ending == "unknown" and intent.believed_charged is not bool(charged):
            tally.unsettled += 1  # not settled, or settled wrongly


def _plan(seed: int, rate: float) -> FaultPlan:
    return FaultPlan(rate=rate, seed=seed, stall=0.05, slow=0.005)


async def dancity_purchases(count: int, *, seed: int, rate: float, concurrency: int) -> Tally:
    """``count`` airtime and data purchases, each with its own ``customer_ref``."""
    sb = world.dancity_sandbox(seed)
    http = world.in_process(sb.app, _plan(seed, rate))
    tally = Tally()
    async with world.closing(http):
        dc = world.dancity_client(sb, http)

        async def reconcile(reference: str) -> bool:
            try:
                tx = await dc.vas.transactions.reconcile(reference, interval=0.005, timeout=0.5)
            except ReconcileTimeoutError as exc:
                if exc.transaction is not None:
                    raise  # still open: not settled
                return False  # never recorded: the purchase did not reach Dancity
            return tx is not None

        def purchase(index: int, reference: str) -> Callable[[], Awaitable[object]]:
            if index % 2:
                return lambda: dc.vas.data.buy(
                    plan=world.DATA_PLAN, phone=world.PHONE, customer_ref=reference
                )
            return lambda: dc.vas.airtime.buy(
                product=world.AIRTIME,
                phone=world.PHONE,
                amount=100 + index % 50,
                customer_ref=reference,
            )

        intents = []
        for index in range(count):
            reference = f"soak-{seed}-{index:05d}"
            intents.append(_Intent(reference, purchase(index, reference), reconcile))
        await _run_all(intents, tally, concurrency)
    charges = Counter(str(tx.get("customerRef")) for tx in sb.transactions)
    scored = Tally()
    _score(scored, intents, charges)
    scored.untyped_examples = tally.untyped_examples
    return scored


async def dptcay_payments(
    payments: int, refunds: int, *, seed: int, rate: float, concurrency: int
) -> Tally:
    """``payments`` payment creations, then ``refunds`` refunds of completed payments."""
    sb = world.dptcay_sandbox(seed)
    clean = world.in_process(sb.app, None)
    http = world.in_process(sb.app, _plan(seed, rate))
    tally = Tally()
    async with world.closing(clean, http):
        setup = world.dptcay_client(sb, clean)
        await setup.webhooks.register(url="https://merchant.example/hooks/dptcay")
        dp = world.dptcay_client(sb, http)

        async def payment_recorded(order_id: str) -> bool:
            for delivery in sb.deliveries:
                data = delivery.event["data"]
                if (
                    delivery.event["type"] == "payment.pending"
                    and isinstance(data, Mapping)
                    and data.get("order_id") == order_id
                ):
                    return True
            return False

        async def refund_recorded(payment_id: str) -> bool:
            payment = await dp.payments.get(payment_id)
            return str(payment.status) in {"partially_refunded", "refunded"}

        rng = random.Random(seed)
        intents = []
        for index in range(payments):
            order_id = f"soak-{seed}-{index:05d}"
            amount = Decimal(rng.randint(1, 10_000)) / 100

            def create(order_id: str = order_id, amount: Decimal = amount) -> Awaitable[object]:
                return dp.payments.create(amount=amount, currency="USDC", order_id=order_id)

            intents.append(_Intent(order_id, create, payment_recorded))
        for _ in range(refunds):
            paid = await setup.payments.create(amount=Decimal(50), currency="USDC")
            sb.transition_payment(paid.id, "completed")

            def refund(payment_id: str = paid.id) -> Awaitable[object]:
                return dp.refunds.create(payment_id=payment_id, amount=Decimal(5))

            intents.append(_Intent(paid.id, refund, refund_recorded))
        await _run_all(intents, tally, concurrency)
    store = sb._store  # noqa: SLF001 - the ledger is the truth the counts are checked against
    charges: Counter[str] = Counter()
    for payment in store._payments.values():  # noqa: SLF001
        charges[str(payment.order_id)] += 1
    for refund_row in store._refunds.values():  # noqa: SLF001
        charges[refund_row.payment_id] += 1
    scored = Tally()
    _score(scored, intents, charges)
    scored.untyped_examples = tally.untyped_examples
    return scored


async def faults(scale: float, *, seed: int, rate: float = 0.3) -> dict[str, Tally]:
    """The Faults section: 2,400 Dancity, 1,000 + 600 dptcay intents at ``scale=1``."""
    dancity = await dancity_purchases(round(2400 * scale), seed=seed, rate=rate, concurrency=50)
    dptcay = await dptcay_payments(
        round(1000 * scale), round(600 * scale), seed=seed, rate=rate, concurrency=50
    )
    return {"dptcay": dptcay, "Dancity": dancity}


__all__ = ["AsyncDancityClient", "AsyncDptcayClient", "Tally", "faults"]
