"""Deliveries like the real service's, into the inbox: retries, duplicates, disorder, rotation."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dancity_sdk import AsyncDancityClient
from dancity_sdk.testing import DancitySandbox
from dancity_sdk.webhooks import DancityWebhookSource, sign
from dptcay_sdk import AsyncDptcayClient, DptcayWebhookSource
from dptcay_sdk.testing import DptcaySandbox, RatePlan
from shared_auth.fleet import Inbox, InboxEvent, open_inbox, webhook_endpoint
from shared_auth.testing import OutgoingWebhook, WebhookFaults, WebhookSender
from tests._json import text_at

pytestmark = pytest.mark.anyio

Endpoint = Callable[[Request], Awaitable[Response]]


def receiver(endpoint: Endpoint, *, fail_first: int = 0) -> tuple[Starlette, list[int]]:
    """An app answering 500 to its first ``fail_first`` requests, then as ``endpoint`` does."""
    statuses: list[int] = []

    async def hook(request: Request) -> Response:
        if len(statuses) < fail_first:
            statuses.append(500)
            return JSONResponse({"error": "down"}, status_code=500)
        response = await endpoint(request)
        statuses.append(response.status_code)
        return response

    return Starlette(routes=[Route("/hook", hook, methods=["POST"])]), statuses


def webhook(tx: str, secret: str, rotated: str | None = None) -> OutgoingWebhook:
    body = json.dumps({"event": "transaction.success", "data": {"transactionId": tx}}).encode()
    return OutgoingWebhook(
        key=tx,
        body=body,
        headers={"X-Dancity-Signature": sign(body, secret)},
        rotated_headers=None if rotated is None else {"X-Dancity-Signature": sign(body, rotated)},
    )


@pytest.fixture
def inbox(tmp_path: Path) -> Inbox:
    return open_inbox(tmp_path / "inbox.db", DancityWebhookSource(["new", "old"]), create=True)


async def test_a_non_2xx_is_retried_on_the_schedule_until_stored(inbox: Inbox) -> None:
    app, statuses = receiver(webhook_endpoint(inbox), fail_first=2)
    faults = WebhookFaults(retry_schedule=(30.0, 300.0, 1800.0), time_scale=0.0001)
    sender = WebhookSender(httpx.ASGITransport(app=app), "http://app/hook", faults)
    item = webhook("T1", "new")
    await sender.send_all([item])
    assert [a.status for a in item.attempts] == [500, 500, 200]
    assert item.delivered
    assert statuses == [500, 500, 200]
    assert await inbox.counts() == {"pending": 1}


async def test_an_undeliverable_webhook_stops_after_the_last_retry(inbox: Inbox) -> None:
    app, _ = receiver(webhook_endpoint(inbox), fail_first=100)
    faults = WebhookFaults(time_scale=0.00001)  # the documented five retries, scaled
    sender = WebhookSender(httpx.ASGITransport(app=app), "http://app/hook", faults)
    item = webhook("T1", "new")
    await sender.send_all([item])
    assert len(item.attempts) == 6  # the first delivery and five retries
    assert not item.delivered


async def test_duplicates_and_disorder_are_stored_once_each(inbox: Inbox) -> None:
    app, statuses = receiver(webhook_endpoint(inbox))
    faults = WebhookFaults(duplicate_rate=1.0, reorder_rate=1.0, seed=3)
    sender = WebhookSender(httpx.ASGITransport(app=app), "http://app/hook", faults)
    items = [webhook(f"T{i}", "new") for i in range(6)]
    planned = [w.key for w in sender.plan(items)]
    assert sorted(planned) == sorted([w.key for w in items] * 2)
    assert planned[:6] != [w.key for w in items]  # not in the order they happened
    await sender.send_all(items, concurrency=1)
    assert statuses == [200] * 12
    assert await inbox.counts() == {"pending": 6}
    handled: list[str] = []

    async def handler(event: InboxEvent) -> None:
        handled.append(text_at(event.json(), "data", "transactionId"))

    assert await inbox.drain(handler) == 6
    assert sorted(handled) == [f"T{i}" for i in range(6)]


async def test_a_rotated_secret_is_accepted_only_by_a_receiver_that_knows_it(
    tmp_path: Path,
) -> None:
    rotating = open_inbox(tmp_path / "a.db", DancityWebhookSource(["new", "old"]), create=True)
    stale = open_inbox(tmp_path / "b.db", DancityWebhookSource(["old"]), create=True)
    faults = WebhookFaults(rotated_secret_rate=1.0, retry_schedule=(1.0,), time_scale=0.0)
    for box, expected in ((rotating, [200]), (stale, [401, 401])):
        app, statuses = receiver(webhook_endpoint(box))
        sender = WebhookSender(httpx.ASGITransport(app=app), "http://app/hook", faults)
        item = webhook("T1", "old", rotated="new")
        await sender.send_all([item])
        assert statuses == expected
        assert all(a.rotated for a in item.attempts)


@pytest.mark.webhook_faults(duplicate_rate=1.0, time_scale=0.0001, seed=1)
async def test_the_sandbox_delivers_with_the_markers_faults(
    webhook_faults: WebhookFaults | None, tmp_path: Path
) -> None:
    assert webhook_faults is not None
    assert webhook_faults.duplicate_rate == 1.0
    apps: list[Starlette] = []

    async def app_later(scope: Any, receive: Any, send: Any) -> None:
        await apps[0](scope, receive, send)

    sandbox = DancitySandbox(
        webhook_url="http://app/hook",
        webhook_transport=httpx.ASGITransport(app=app_later),
        webhook_faults=webhook_faults,
        seed=5,
    )
    source = DancityWebhookSource(sandbox.webhook_secret)
    inbox = open_inbox(tmp_path / "sandbox.db", source, create=True)
    app, statuses = receiver(webhook_endpoint(inbox), fail_first=1)
    apps.append(app)
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 1))
    )
    async with AsyncDancityClient(
        sandbox.api_key, base_url=sandbox.base_url, http_client=http, api_version="2026-04-27"
    ) as client:
        await client.vas.airtime.buy(
            product="MTN Airtime",
            phone="08012345678",
            amount=Decimal(100),
            pin=DancitySandbox.PIN,
            customer_ref="order-1",
        )
    assert statuses == []  # queued until delivered
    sent = await sandbox.deliver_webhooks()
    assert sent
    # Every event sent twice, the first POST refused once: all stored, each once.
    assert statuses.count(500) == 1
    assert statuses.count(200) == 2 * len(sent)
    counts: dict[str, Any] = await inbox.counts()
    assert counts == {"pending": len(sent)}


def test_bad_fault_options_are_refused() -> None:
    with pytest.raises(ValueError, match="share"):
        WebhookFaults(duplicate_rate=2.0)
    with pytest.raises(ValueError, match="negative"):
        WebhookFaults(time_scale=-1.0)


async def test_the_dptcay_sandbox_delivers_with_faults_into_a_dptcay_inbox(tmp_path: Path) -> None:
    inbox = open_inbox(tmp_path / "dp.db", DptcayWebhookSource(), create=True)
    app, statuses = receiver(webhook_endpoint(inbox), fail_first=1)
    faults = WebhookFaults(duplicate_rate=1.0, retry_schedule=(30.0,), time_scale=0.0001, seed=2)
    sandbox = DptcaySandbox(
        plan=RatePlan(10_000, name="tests"),
        webhook_transport=httpx.ASGITransport(app=app),
        webhook_faults=faults,
        seed=4,
    )
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app))
    async with AsyncDptcayClient(
        sandbox.write_key, base_url=sandbox.base_url, http_client=http
    ) as client:
        await client.webhooks.register(url="https://app/hook", events=["payment.pending"])
        await client.payments.create(amount=Decimal("5.00"), currency="USDC", order_id="o-1")
    assert statuses == []  # queued: nothing is sent until deliver_webhooks()
    sent = await sandbox.deliver_webhooks()
    assert len(sent) == 1
    assert statuses == [500, 200, 200]  # refused once (retried), and a duplicate
    assert sandbox.deliveries[0].status == 200
    event_id = json.loads(sent[0].body)["id"]
    stored = await inbox.get(f"dptcay:{event_id}")
    assert stored is not None
    assert await inbox.counts() == {"pending": 1}
