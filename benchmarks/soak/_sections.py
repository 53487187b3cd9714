"""Load, cancellation, cancellation after send, and the blocking twins."""

from __future__ import annotations

import contextlib
import gc
import os
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import anyio

from benchmarks.soak import _serve
from benchmarks.soak import _world as world
from benchmarks.soak._faults import FaultPlan
from dancity_sdk import AsyncDancityClient, DancityClient
from dptcay_sdk import AsyncDptcayClient, DptcayClient
from shared_auth import SDKError

_FD_DIR: Final = Path("/proc/self/fd")


def open_fds() -> int:
    """File descriptors this process holds now."""
    return len(os.listdir(_FD_DIR))  # noqa: PTH208 - one syscall, no Path objects


def rss_mb() -> float:
    """Resident set size in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _settled_fds(baseline: int) -> int:
    """Open fds after giving closing sockets a moment, relative to ``baseline``."""
    for _ in range(50):
        gc.collect()
        now = open_fds()
        if now <= baseline:
            return now - baseline
        await anyio.sleep(0.02)
    return open_fds() - baseline


# --- Load ------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """One SDK under load."""

    requests: int = 0
    ok: int = 0
    typed_errors: int = 0
    untyped: int = 0
    hung: int = 0
    fds_left: int = 0
    rss_growth_mb: float = 0.0
    rss_second_half_mb: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)
    error_kinds: Counter[str] = field(default_factory=Counter)

    @property
    def p50(self) -> float:
        """Median latency of successful calls, in ms."""
        return statistics.median(self.latencies) * 1000 if self.latencies else 0.0

    @property
    def p99(self) -> float:
        """99th-percentile latency of successful calls, in ms."""
        if len(self.latencies) < 2:
            return self.p50
        return statistics.quantiles(self.latencies, n=100)[98] * 1000


def _load_calls(sdk: str, client: Any, refs: dict[str, str]) -> list[Callable[[], Awaitable[Any]]]:
    if sdk == "dptcay":
        dp: AsyncDptcayClient = client
        return [lambda: dp.payments.get(refs["payment"]), dp.currencies.list]
    dc: AsyncDancityClient = client
    return [dc.vas.wallet.balances, lambda: dc.vas.transactions.get(refs["ref"])]


async def _seed(sdk: str, client: Any) -> dict[str, str]:
    """The objects the reads read (no faults)."""
    if sdk == "dptcay":
        payment = await client.payments.create(amount=Decimal(1), currency="USDC")
        return {"payment": payment.id}
    tx = await client.vas.airtime.buy(
        product=world.AIRTIME, phone=world.PHONE, amount=100, customer_ref="load-1"
    )
    return {"ref": tx.customer_ref or "load-1"}


async def load(sdk: str, requests: int, concurrency: int, *, seed: int) -> LoadResult:
    """``requests`` reads at ``concurrency`` over loopback, 10 % of them faulted.

    ``concurrency`` workers take the next read as soon as theirs returns (spawning a task
    per read up front would add the harness's own memory, some 2 KB per waiting task, to the
    RSS figure). RSS is read at the halfway mark too: the first half's growth is the heap
    reaching the working size of ``concurrency`` calls in flight (the allocator keeps it);
    growth in the second half is what grows with the number of calls.
    """
    result = LoadResult(requests=requests)
    with _serve.serving(sdk, seed, 0.10) as served:
        gc.collect()
        fds_before, rss_before = open_fds(), rss_mb()
        client: Any
        if sdk == "dptcay":
            client = AsyncDptcayClient(
                served["key"],
                base_url=served["url"],
                retry=world.LOAD_POLICY,
                timeout=world.LOAD_TIMEOUT,
            )
        else:
            client = AsyncDancityClient(
                served["key"],
                base_url=served["url"],
                retry=world.LOAD_POLICY,
                throttle=False,
                timeout=world.LOAD_TIMEOUT,
            )
        async with client:
            refs = await _seed_through_faults(sdk, client)
            calls = _load_calls(sdk, client, refs)
            rng = random.Random(seed)
            plan = [rng.choice(calls) for _ in range(requests)]
            half = requests // 2
            await _load_part(plan[:half], concurrency, result)
            gc.collect()
            rss_half = rss_mb()
            await _load_part(plan[half:], concurrency, result)
            gc.collect()
            result.rss_second_half_mb = rss_mb() - rss_half
        result.fds_left = await _settled_fds(fds_before)
        gc.collect()
        result.rss_growth_mb = rss_mb() - rss_before
    return result


async def _load_part(
    plan: list[Callable[[], Awaitable[Any]]], concurrency: int, result: LoadResult
) -> None:
    """Run the calls of ``plan`` in order, ``concurrency`` at a time."""
    pending = iter(plan)

    async def one(call: Callable[[], Awaitable[Any]]) -> None:
        started = time.perf_counter()
        with anyio.move_on_after(world.LOAD_GUARD) as guard:
            try:
                await call()
            except SDKError as exc:
                result.typed_errors += 1
                result.error_kinds[type(exc).__name__] += 1
            except Exception:  # noqa: BLE001 - counted
                result.untyped += 1
            else:
                result.ok += 1
                result.latencies.append(time.perf_counter() - started)
        if guard.cancelled_caught:
            result.hung += 1

    async def worker() -> None:
        for call in pending:  # one iterator shared by every worker: each call runs once
            await one(call)

    async with anyio.create_task_group() as tg:
        for _ in range(concurrency):
            tg.start_soon(worker)


async def _seed_through_faults(sdk: str, client: Any) -> dict[str, str]:
    """The objects the reads read, created despite the faults (reconciled when unknown)."""
    for attempt in range(20):
        try:
            if sdk == "dptcay":
                payment = await client.payments.create(amount=Decimal(1), currency="USDC")
                return {"payment": payment.id}
            ref = f"load-{attempt}"
            await client.vas.airtime.buy(
                product=world.AIRTIME,
                phone=world.PHONE,
                amount=100,
                customer_ref=ref,
            )
        except SDKError:
            continue
        return {"ref": ref}
    msg = "could not create the objects the load reads"
    raise RuntimeError(msg)


# --- Cancellation ------------------------------------------------------------------------------


@dataclass
class CancelResult:
    """Random cancellations of one backend's calls."""

    cancellations: int = 0
    cancelled: int = 0
    returned_after_cancel: int = 0
    untyped: int = 0
    broken_after: int = 0
    fds_growth: int = 0


async def cancellations(count: int, *, seed: int) -> CancelResult:
    """``count`` calls (both SDKs, loopback, slow responses) cancelled at random points."""
    result = CancelResult(cancellations=count)
    plan = FaultPlan(rate=0.5, kinds=("slow_headers", "slow_body"), seed=seed, slow=0.01)
    dsb, csb = world.dptcay_sandbox(seed), world.dancity_sandbox(seed)
    with world.served(dsb.app, plan) as dorigin, world.served(csb.app, plan) as corigin:
        fds_before = open_fds()
        options = {"timeout": world.LOOPBACK_TIMEOUT}
        dp = world.dptcay_client(dsb, None, base_url=dorigin + "/v1", **options)
        dc = world.dancity_client(csb, None, base_url=corigin, **options)
        async with dp, dc:
            refs = {**await _seed("dptcay", dp), **await _seed("Dancity", dc)}
            calls = _load_calls("dptcay", dp, refs) + _load_calls("Dancity", dc, refs)
            rng = random.Random(seed)
            for _ in range(count):
                await _cancel_once(rng.choice(calls), rng.uniform(0, 0.015), result)
            for call in calls * 5:
                try:
                    await call()
                except Exception:  # noqa: BLE001 - any failure means the client broke
                    result.broken_after += 1
        result.fds_growth = await _settled_fds(fds_before)
    return result


#: A call that returns normally this long after its cancel scope's deadline did not stop
#: when cancelled (one that completes in the same loop step as the deadline is fine).
_LATE: Final = 0.05


async def _cancel_once(call: Callable[[], Awaitable[Any]], after: float, out: CancelResult) -> None:
    returned_at: float | None = None
    with anyio.move_on_after(after) as scope:
        try:
            await call()
            returned_at = anyio.current_time()
        except SDKError:
            pass  # a typed error before the cancellation landed: fine
        except Exception:  # noqa: BLE001 - counted
            out.untyped += 1
    if scope.cancel_called:
        out.cancelled += 1
    if returned_at is not None and returned_at - scope.deadline > _LATE:
        out.returned_after_cancel += 1


# --- Cancellation after send -------------------------------------------------------------------


@dataclass
class AfterSendResult:
    """Money-moving calls cancelled once their request had reached the server."""

    calls: int = 0
    cancelled_after_send: int = 0
    charged: int = 0
    charged_without_reference: int = 0
    warned: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    without_reference_by_method: Counter[str] = field(default_factory=Counter)


def _money_moving(
    dp: AsyncDptcayClient,
    dc: AsyncDancityClient,
    cards: AsyncDancityClient,
    paid: list[str],
    card_id: str,
) -> dict[str, Callable[[], Awaitable[Any]]]:
    """Every money-moving method, called as a new user would: no reference of their own."""
    return {
        "dptcay payments.create": lambda: dp.payments.create(amount=Decimal(2), currency="USDC"),
        "dptcay refunds.create": lambda: dp.refunds.create(
            payment_id=paid.pop(), amount=Decimal(1)
        ),
        "Dancity airtime.buy": lambda: dc.vas.airtime.buy(
            product=world.AIRTIME, phone=world.PHONE, amount=100
        ),
        "Dancity data.buy": lambda: dc.vas.data.buy(plan=world.DATA_PLAN, phone=world.PHONE),
        "Dancity cable.buy": lambda: dc.vas.cable.buy(
            smartcard_number="7012345678",
            cableplan="GOtv_Jolli_N5_800",
            customer_name="Ada",
        ),
        "Dancity electricity.buy": lambda: dc.vas.electricity.buy(
            meter_number="45012345678",
            biller="EKEDC",
            amount=1000,
            meter_type="prepaid",
            customer_name="Ada",
            address="1 Marina",
        ),
        "Dancity internet.buy": lambda: dc.vas.internet.buy(
            plan="iplan_003", account_id="1234567", phone=world.PHONE
        ),
        "Dancity education.purchase": lambda: dc.vas.education.purchase(product="WAEC", quantity=1),
        "Dancity esim.purchase": lambda: dc.vas.esim.purchase(package_code="NG-1GB-7D"),
        "Dancity cards.create": cards.vas.cards.create,
        "Dancity cards.fund": lambda: cards.vas.cards.fund(card_id, amount=Decimal(5)),
        "Dancity betting.fund": lambda: dc.vas.betting.fund(
            product="1XBET", account_id="42", amount=100
        ),
    }


async def after_send(per_method: int, *, seed: int) -> AfterSendResult:
    """Each money-moving method, cancelled ``per_method`` times after its request arrived."""
    result = AfterSendResult()
    # Every request is answered late (after processing), so a cancellation lands after send.
    plan = FaultPlan(rate=1.0, kinds=("slow_headers",), seed=seed, slow=0.02)
    dsb, csb = world.dptcay_sandbox(seed), world.dancity_sandbox(seed)
    dhttp, chttp = world.in_process(dsb.app, plan), world.in_process(csb.app, plan)
    with world.captured_warnings() as warnings:
        async with world.closing(dhttp, chttp):
            dp, dc = world.dptcay_client(dsb, dhttp), world.dancity_client(csb, chttp)
            paid = await _completed_payments(dsb, per_method)
            # Virtual cards exist in the earlier API generations only.
            cards = world.dancity_client(csb, chttp, api_version=CARDS_VERSION)
            card_id = await _setup_card(csb)
            methods = _money_moving(dp, dc, cards, paid, card_id)
            rng = random.Random(seed)
            for name, call in methods.items():
                cancelled = 0
                for _ in range(per_method):
                    result.calls += 1
                    # The server processes at once, then answers ``plan.slow`` later: cancel
                    # in between.
                    with anyio.move_on_after(rng.uniform(0.004, plan.slow * 0.8)) as scope:
                        with contextlib.suppress(SDKError):
                            await call()
                    if scope.cancelled_caught:
                        cancelled += 1
                result.by_method[name] = cancelled
                result.cancelled_after_send += cancelled
    _score_after_send(result, dsb, csb, warnings)
    return result


CARDS_VERSION: Final = "2026-05-09"
_SETUP: Final = "setup-"


async def _setup_card(sb: Any) -> str:
    """A card to fund, created without faults (its reference marks it as setup)."""
    http = world.in_process(sb.app, None)
    async with world.closing(http):
        client = world.dancity_client(sb, http, api_version=CARDS_VERSION)
        card = await client.vas.cards.create(customer_ref=f"{_SETUP}card")
    return str(card.id)


async def _completed_payments(sb: Any, count: int) -> list[str]:
    """``count`` completed payments to refund, marked so the scoring leaves them out."""
    http = world.in_process(sb.app, None)
    async with world.closing(http):
        setup = world.dptcay_client(sb, http)
        paid = []
        for _ in range(count):
            payment = await setup.payments.create(
                amount=Decimal(10), currency="USDC", metadata={"setup": "1"}
            )
            sb.transition_payment(payment.id, "completed")
            paid.append(payment.id)
    return paid


def _score_after_send(
    result: AfterSendResult, dsb: Any, csb: Any, warnings: world.Warnings
) -> None:
    result.warned = len(warnings.records)
    store = dsb._store  # noqa: SLF001 - the ledger is the truth
    for payment in store._payments.values():  # noqa: SLF001
        if (payment.metadata or {}).get("setup") == "1":
            continue
        result.charged += 1
        reference = payment.order_id
        if not reference or not warnings.mentions(reference):
            result.charged_without_reference += 1
            result.without_reference_by_method["dptcay payments.create"] += 1
    # A refund's reference is the payment id its caller passed: always known.
    result.charged += len(store._refunds)  # noqa: SLF001
    for record in csb.transactions:
        reference = str(record.get("customerRef") or "")
        if reference.startswith(_SETUP):
            continue
        result.charged += 1
        if not reference or not warnings.mentions(reference):
            result.charged_without_reference += 1
            result.without_reference_by_method[f"Dancity {record.get('service')}"] += 1


# --- Sync twins --------------------------------------------------------------------------------


@dataclass
class SyncResult:
    """The blocking clients: shared by threads, and called inside a running loop."""

    threads: int = 0
    calls: int = 0
    failed: int = 0
    deadlocked: int = 0
    in_loop: dict[str, str] = field(default_factory=dict)


def _threads(
    client: Any, call: Callable[[Any], object], threads: int, per_thread: int, out: SyncResult
) -> None:
    lock = threading.Lock()

    def work() -> None:
        for _ in range(per_thread):
            try:
                call(client)
            except Exception:  # noqa: BLE001 - counted
                with lock:
                    out.failed += 1
            with lock:
                out.calls += 1

    workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        out.deadlocked += worker.is_alive()


def _inside_a_loop(backend: str, call: Callable[[], object]) -> str:
    outcome: list[str] = []

    async def in_loop() -> None:
        try:
            call()
            outcome.append("works")
        except SDKError as exc:
            outcome.append(f"clear error: {exc}"[:60])
        except Exception as exc:  # noqa: BLE001 - reported as is
            outcome.append(f"{type(exc).__name__}: {exc}"[:60])

    thread = threading.Thread(target=lambda: anyio.run(in_loop, backend=backend), daemon=True)
    thread.start()
    thread.join(timeout=30)
    return "DEADLOCK" if thread.is_alive() else (outcome or ["no outcome"])[0]


def sync_twins(threads: int, per_thread: int, *, seed: int) -> SyncResult:
    """``threads`` threads sharing one blocking client per SDK; then calls inside a loop."""
    result = SyncResult(threads=threads)
    dsb, csb = world.dptcay_sandbox(seed), world.dancity_sandbox(seed)
    with (
        world.served(dsb.app, None) as dorigin,
        world.served(csb.app, None) as corigin,
        DptcayClient(dsb.write_key, base_url=dorigin + "/v1") as dp,
        DancityClient(csb.api_key, base_url=corigin, throttle=False) as dc,
    ):
        _threads(dp, lambda c: c.currencies.list(), threads, per_thread, result)
        _threads(dc, lambda c: c.vas.wallet.balances(), threads, per_thread, result)
        for backend in ("asyncio", "trio"):
            result.in_loop[f"dptcay/{backend}"] = _inside_a_loop(backend, dp.currencies.list)
            result.in_loop[f"Dancity/{backend}"] = _inside_a_loop(backend, dc.vas.wallet.balances)
    return result
