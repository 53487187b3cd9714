"""The webhook inbox on SQLite and real Redis, on asyncio and trio."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import redis
from starlette.applications import Starlette
from starlette.routing import Route

from dancity_sdk import webhooks
from dancity_sdk.webhooks import DancityWebhookSource
from dptcay_sdk import DptcayWebhookSource
from examples import arq_worker
from shared_auth import ConfigurationError, InvalidInputError
from shared_auth.fleet import (
    Inbox,
    InboxEvent,
    InboxLostError,
    InboxMissingError,
    InboxUnavailableError,
    InboxVolatileError,
    JournalError,
    JournalVolatileError,
    open_inbox,
    webhook_endpoint,
)
from shared_auth.fleet import inbox as cli
from tests._json import text_at
from tests.fleet.conftest import flush
from tests.fleet.redis_server import redis_process

pytestmark = pytest.mark.anyio

SECRET = "whsec-test"
SOURCE = DancityWebhookSource([SECRET, "old-secret"])


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def delivery(event: str, tx: str | None, *, ref: str | None = None) -> tuple[bytes, dict[str, str]]:
    data: dict[str, Any] = {"status": event.rpartition(".")[2], "amount": 100}
    if tx is not None:
        data["transactionId"] = tx
    if ref is not None:
        data["reference"] = ref
    body = json.dumps({"event": event, "timestamp": "2026-01-01T00:00:00Z", "data": data}).encode()
    return body, {"X-Dancity-Signature": webhooks.sign(body, SECRET), "Authorization": "Bearer x"}


@pytest.fixture
def inbox_target(journal_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a fresh inbox may be created: a SQLite path, or a flushed (persistent) Redis."""
    if journal_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'inbox.db'}"
    url: str = request.getfixturevalue("redis_url")
    flush(url)
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def inbox(inbox_target: str, clock: FakeClock) -> Iterator[Inbox]:
    box = open_inbox(
        inbox_target, SOURCE, create=True, clock=clock, lease=10.0, max_attempts=3, backoff=2.0
    )
    yield box
    box.store.close()


async def test_a_delivery_is_stored_once_with_its_raw_body_and_headers(inbox: Inbox) -> None:
    body, headers = delivery("transaction.success", "T1")
    first = await inbox.receive(body, headers)
    assert (first.key, first.event, first.duplicate) == (
        "dancity:transaction.success:T1",
        "transaction.success",
        False,
    )
    again = await inbox.receive(body, headers)
    assert again.duplicate
    # A redelivery with a new timestamp is the same event (same name and transactionId).
    other_body = body.replace(b"2026-01-01", b"2026-01-02")
    assert (await inbox.receive(other_body, delivery_headers(other_body))).duplicate
    stored = await inbox.get(first.key)
    assert stored is not None
    assert stored.body == body  # the raw bytes, as first received
    assert stored.headers["x-dancity-signature"] == headers["X-Dancity-Signature"]
    assert "authorization" not in stored.headers  # credentials of our own edge are dropped
    assert stored.state == "pending"
    assert await inbox.counts() == {"pending": 1}


def delivery_headers(body: bytes) -> dict[str, str]:
    return {"x-dancity-signature": webhooks.sign(body, "old-secret")}


async def test_keys_fall_back_to_reference_then_to_the_body(inbox: Inbox) -> None:
    by_ref = await inbox.receive(*delivery("transaction.failed", None, ref="order-9"))
    assert by_ref.key == "dancity:transaction.failed:order-9"
    body = b'{"event":"wallet.funded","data":{"amount":1.10}}'
    bare = await inbox.receive(body, {"X-Dancity-Signature": webhooks.sign(body, SECRET)})
    assert bare.key.startswith("dancity:wallet.funded:body:")
    assert not bare.duplicate


async def test_a_bad_signature_or_body_stores_nothing(inbox: Inbox) -> None:
    body, headers = delivery("transaction.success", "T1")
    with pytest.raises(webhooks.WebhookSignatureError) as caught:
        await inbox.receive(body + b" ", headers)
    assert caught.value.reason == "mismatch"
    with pytest.raises(webhooks.WebhookSignatureError):
        await inbox.receive(body, {})
    junk = b"[1]"
    with pytest.raises(webhooks.WebhookPayloadError):
        await inbox.receive(junk, {"X-Dancity-Signature": webhooks.sign(junk, SECRET)})
    with pytest.raises(InvalidInputError, match="raw bytes"):
        await inbox.receive(json.loads(body), headers)
    assert await inbox.counts() == {}


async def test_each_event_is_handled_once_and_marked_done(inbox: Inbox) -> None:
    for tx in ("T1", "T2", "T3"):
        await inbox.receive(*delivery("transaction.success", tx))
        await inbox.receive(*delivery("transaction.success", tx))
    seen: list[str] = []

    async def handler(event: InboxEvent) -> None:
        seen.append(text_at(event.json(), "data", "transactionId"))

    assert await inbox.drain(handler) == 3
    assert seen == ["T1", "T2", "T3"]
    assert await inbox.drain(handler) == 0
    assert await inbox.counts() == {"done": 3}


async def test_a_failing_handler_is_retried_with_backoff_then_parked(
    inbox: Inbox, clock: FakeClock
) -> None:
    receipt = await inbox.receive(*delivery("transaction.success", "T1"))
    calls: list[float] = []

    async def failing(event: InboxEvent) -> None:
        calls.append(clock.now)
        raise RuntimeError(f"warehouse down for {event.key}")

    assert await inbox.drain(failing) == 1
    assert await inbox.drain(failing) == 0  # not due yet: backoff 2 s
    clock.now += 2.0
    assert await inbox.drain(failing) == 1
    clock.now += 3.9
    assert await inbox.drain(failing) == 0  # second backoff is 4 s
    clock.now += 0.1
    assert await inbox.drain(failing) == 1  # third attempt: max_attempts reached
    clock.now += 1000
    assert await inbox.drain(failing) == 0
    assert len(calls) == 3
    (parked,) = await inbox.parked()
    assert parked.key == receipt.key
    assert parked.state == "parked"
    assert parked.attempts == 3
    assert parked.last_error == f"RuntimeError: warehouse down for {receipt.key}"

    assert await inbox.requeue(receipt.key)
    assert not await inbox.requeue(receipt.key)  # no longer parked

    async def ok(event: InboxEvent) -> None:
        del event

    assert await inbox.drain(ok) == 1
    assert await inbox.parked() == []
    assert (await inbox.counts()).get("done") == 1


async def test_a_dead_consumers_event_goes_to_another_after_its_lease(
    inbox: Inbox, clock: FakeClock
) -> None:
    await inbox.receive(*delivery("transaction.success", "T1"))
    held = await inbox.claim("dead-worker")
    assert held is not None
    assert await inbox.claim("other") is None  # leased: nobody else gets it
    clock.now += 10.0
    taken = await inbox.claim("other")
    assert taken is not None
    assert taken.key == held.key
    assert taken.attempts == 2

    async def handler(event: InboxEvent) -> None:
        del event

    # The first holder comes back: it is fenced off, the new holder's outcome stands.
    assert await inbox.handle(held, "dead-worker", handler) == "lost"
    assert await inbox.handle(taken, "other", handler) == "done"


async def test_an_event_whose_consumers_keep_dying_is_parked(
    inbox: Inbox, clock: FakeClock
) -> None:
    await inbox.receive(*delivery("transaction.success", "T1"))
    for _ in range(3):
        assert await inbox.claim("doomed") is not None
        clock.now += 10.0
    ran: list[str] = []

    async def handler(event: InboxEvent) -> None:
        ran.append(event.key)

    assert await inbox.drain(handler) == 1
    assert ran == []
    (parked,) = await inbox.parked()
    assert "lease ran out" in (parked.last_error or "")


async def test_one_transactions_events_are_handed_over_in_receive_order(
    inbox: Inbox, clock: FakeClock
) -> None:
    await inbox.receive(*delivery("transaction.pending", "T1"))
    await inbox.receive(*delivery("transaction.success", "T2"))
    await inbox.receive(*delivery("transaction.success", "T1"))
    first = await inbox.claim("a")
    assert first is not None
    assert first.event == "transaction.pending"
    # T1's success waits for T1's pending; T2 is free.
    second = await inbox.claim("b")
    assert second is not None
    assert second.group == "dancity:tx:T2"
    assert await inbox.claim("c") is None

    async def failing(event: InboxEvent) -> None:
        raise ValueError(event.key)

    assert await inbox.handle(first, "a", failing) == "retry"
    assert await inbox.claim("c") is None  # still waiting behind the retried pending
    clock.now += 2.0
    again = await inbox.claim("c")
    assert again is not None
    assert again.event == "transaction.pending"

    async def ok(event: InboxEvent) -> None:
        del event

    assert await inbox.handle(again, "c", ok) == "done"
    last = await inbox.claim("c")
    assert last is not None
    assert (last.group, last.event) == ("dancity:tx:T1", "transaction.success")


async def test_a_missing_inbox_is_an_error_unless_created(inbox_target: str) -> None:
    with pytest.raises(InboxMissingError, match="create"):
        open_inbox(inbox_target, SOURCE)
    created = open_inbox(inbox_target, SOURCE, create=True)
    reopened = open_inbox(inbox_target, SOURCE)
    await created.receive(*delivery("transaction.success", "T1"))
    assert (await reopened.receive(*delivery("transaction.success", "T1"))).duplicate
    await created.aclose()
    await reopened.aclose()


async def test_a_lost_sqlite_inbox_refuses_deliveries(tmp_path: Path) -> None:
    path = tmp_path / "inbox.db"
    box = open_inbox(path, SOURCE, create=True)
    await box.receive(*delivery("transaction.success", "T1"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240 - a test's setup
    with pytest.raises(InboxLostError) as caught:
        await box.receive(*delivery("transaction.success", "T1"))
    assert caught.value.backend == "sqlite"
    with pytest.raises(InboxMissingError):
        open_inbox(path, SOURCE)


async def test_a_flushed_redis_inbox_refuses_deliveries(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    box = open_inbox(redis_url, SOURCE, create=True, prefix="lost")
    await box.receive(*delivery("transaction.success", "T1"))
    client.flushdb()
    with pytest.raises(InboxLostError) as caught:
        await box.receive(*delivery("transaction.success", "T1"))
    assert caught.value.backend == "redis"
    assert caught.value.key == "dancity:transaction.success:T1"
    with pytest.raises(InboxLostError):
        await box.claim("worker")
    client.close()


def test_a_redis_without_persistence_is_refused_unless_allowed() -> None:
    with redis_process(persistent=False) as server:
        with pytest.raises(InboxVolatileError, match="allow_volatile") as caught:
            open_inbox(server.url, SOURCE, create=True)
        assert isinstance(caught.value, JournalVolatileError)  # the journal's rule, and type
        box = open_inbox(server.url, SOURCE, create=True, allow_volatile=True)
        assert not box.receive_sync(*delivery("transaction.success", "T1")).duplicate
        box.store.close()


async def test_an_unreachable_redis_is_a_typed_error() -> None:
    with pytest.raises(InboxUnavailableError) as caught:
        open_inbox("redis://127.0.0.1:9/0", SOURCE, create=True)
    assert caught.value.backend == "redis"
    assert isinstance(caught.value, JournalError)  # one family for the fleet's stores


def test_bad_configuration_is_refused_before_io(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="retry window"):
        open_inbox(tmp_path / "a.db", SOURCE, create=True, retention=3600)
    with pytest.raises(ConfigurationError, match="does not exist"):
        open_inbox(tmp_path / "missing" / "a.db", SOURCE, create=True)
    with pytest.raises(ConfigurationError, match="redis://"):
        open_inbox("postgres://x", SOURCE)
    with pytest.raises(ConfigurationError, match="lease > 0"):
        open_inbox(tmp_path / "a.db", SOURCE, create=True, lease=0)
    with pytest.raises(ConfigurationError, match="max_attempts"):
        open_inbox(tmp_path / "a.db", SOURCE, create=True, max_attempts=0)
    with pytest.raises(ConfigurationError, match="secret"):
        DancityWebhookSource([])
    assert SECRET not in repr(SOURCE)


async def test_dptcay_events_are_keyed_by_their_id(tmp_path: Path) -> None:
    box = open_inbox(tmp_path / "dp.db", DptcayWebhookSource(), create=True)
    event = {
        "id": "evt_1",
        "type": "payment.completed",
        "created_at": "2026-01-01T00:00:00Z",
        "data": {
            "id": "pay_1",
            "object": "payment",
            "status": "completed",
            "amount": "125.50",
            "currency": "USDC",
        },
    }
    body = json.dumps(event).encode()
    receipt = await box.receive(body, {})
    assert (receipt.key, receipt.event, receipt.duplicate) == (
        "dptcay:evt_1",
        "payment.completed",
        False,
    )
    assert (await box.receive(body, {})).duplicate
    stored = await box.get("dptcay:evt_1")
    assert stored is not None
    assert stored.group == "dptcay:pay_1"
    with pytest.raises(InvalidInputError):
        await box.receive(b'{"type": "payment.completed"}', {})
    await box.aclose()


def test_the_sync_twin_receives_and_drains(inbox_target: str) -> None:
    clock = FakeClock()
    box = open_inbox(inbox_target, SOURCE, create=True, clock=clock, max_attempts=2)
    for tx in ("T1", "T2"):
        body, headers = delivery("transaction.success", tx)
        assert not box.receive_sync(body, headers).duplicate
        assert box.receive_sync(body, headers).duplicate
    seen: list[str] = []

    def handler(event: InboxEvent) -> None:
        seen.append(event.key)
        if event.key.endswith("T2"):
            msg = "no stock"
            raise LookupError(msg)

    assert box.drain_sync(handler) == 2
    clock.now += 60
    assert box.drain_sync(handler) == 1  # T2 again, then parked
    assert box.drain_sync(handler) == 0
    assert seen == ["dancity:transaction.success:T1", *["dancity:transaction.success:T2"] * 2]
    (parked,) = box.store.parked()
    assert parked.last_error == "LookupError: no stock"
    box.store.close()


async def test_the_starlette_endpoint_answers_200_401_400_503(tmp_path: Path) -> None:
    box = open_inbox(tmp_path / "http.db", SOURCE, create=True)
    stored: list[str] = []

    async def note(receipt: Any) -> None:
        stored.append(receipt.key)

    app = Starlette(
        routes=[Route("/hook", webhook_endpoint(box, on_stored=note), methods=["POST"])]
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        body, headers = delivery("transaction.success", "T1")
        ok = await http.post("/hook", content=body, headers=headers)
        assert (ok.status_code, ok.json()) == (
            200,
            {"received": "transaction.success", "duplicate": False},
        )
        dup = await http.post("/hook", content=body, headers=headers)
        assert dup.json()["duplicate"] is True
        bad = await http.post("/hook", content=body, headers={"X-Dancity-Signature": "0" * 64})
        assert (bad.status_code, bad.json()["reason"]) == (401, "mismatch")
        junk = b"{}"
        refused = await http.post(
            "/hook", content=junk, headers={"X-Dancity-Signature": webhooks.sign(junk, SECRET)}
        )
        assert refused.status_code == 400
        (tmp_path / "http.db").unlink()
        lost = await http.post("/hook", content=body, headers=headers)
        assert lost.status_code == 503
    assert stored == ["dancity:transaction.success:T1"] * 2


async def test_the_arq_recipes_job_drains_the_inbox(inbox: Inbox) -> None:
    await inbox.receive(*delivery("transaction.success", "T1"))
    await inbox.receive(*delivery("transaction.success", "T1"))
    assert await arq_worker.handle_webhooks({"inbox": inbox}) == 1
    assert await arq_worker.handle_webhooks({"inbox": inbox}) == 0
    assert await arq_worker.handle_webhooks({"inbox": None}) == 0
    assert await inbox.counts() == {"done": 1}


async def test_run_consumes_until_cancelled(inbox: Inbox) -> None:
    for tx in ("T1", "T2"):
        await inbox.receive(*delivery("transaction.success", tx))
    both = anyio.Event()
    seen: list[str] = []

    async def handler(event: InboxEvent) -> None:
        seen.append(event.key)
        if len(seen) == 2:
            both.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(functools.partial(inbox.run, handler, poll_interval=0.01))
        await both.wait()
        tg.cancel_scope.cancel()
    assert sorted(seen) == ["dancity:transaction.success:T1", "dancity:transaction.success:T2"]
    assert await inbox.counts() == {"done": 2}  # the last one too, though cancelled right after


async def test_a_handler_cancelled_midway_hands_its_event_back(inbox: Inbox) -> None:
    await inbox.receive(*delivery("transaction.success", "T1"))
    started = anyio.Event()

    async def stuck(event: InboxEvent) -> None:
        del event
        started.set()
        await anyio.sleep_forever()

    async with anyio.create_task_group() as tg:
        tg.start_soon(inbox.drain, stuck)
        await started.wait()
        tg.cancel_scope.cancel()
    event = await inbox.claim("next")  # available at once, not after the lease
    assert event is not None
    assert event.attempts == 2


def test_the_cli_creates_lists_counts_and_requeues(
    inbox_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["parked", inbox_target]) == 2  # not created yet
    assert "create it once" in capsys.readouterr().err
    assert cli.main(["init", inbox_target]) == 0
    assert cli.main(["counts", inbox_target]) == 0
    assert capsys.readouterr().out.endswith("empty\n")
    clock = FakeClock()
    box = open_inbox(inbox_target, SOURCE, clock=clock, max_attempts=1)
    box.receive_sync(*delivery("transaction.success", "T9"))

    def fail(event: InboxEvent) -> None:
        raise KeyError(event.key)

    assert box.drain_sync(fail) == 1
    assert cli.main(["parked", inbox_target]) == 1  # a cron job alerts
    out = capsys.readouterr().out
    assert "dancity:transaction.success:T9 transaction.success attempts=1 error=KeyError" in out
    assert cli.main(["requeue", inbox_target, "dancity:transaction.success:T9"]) == 0
    assert cli.main(["requeue", inbox_target, "dancity:transaction.success:T9"]) == 1
    assert cli.main(["counts", inbox_target]) == 0
    assert "pending=1" in capsys.readouterr().out
    box.store.close()


async def test_a_slow_handler_keeps_its_lease(inbox_target: str) -> None:
    box = open_inbox(inbox_target, SOURCE, create=True, lease=1.5)
    await box.receive(*delivery("transaction.success", "T1"))
    others: list[InboxEvent | None] = []

    async def slow(event: InboxEvent) -> None:
        del event
        for _ in range(5):  # 2.5 s in all, longer than the lease: it is renewed meanwhile
            await anyio.sleep(0.5)
            others.append(await box.claim("other"))

    assert await box.drain(slow, owner="slow") == 1
    assert others == [None] * 5
    assert await box.counts() == {"done": 1}
    await box.aclose()
