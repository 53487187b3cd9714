"""The dptcay sandbox: webhook registration, the delivery outbox and sending."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from dptcay_sdk.testing import EVENT_TYPES, DptcaySandbox, ManualClock
from tests._json import at, text_at

HOOK = "https://merchant.example/hooks/dptcay"


def api(sb: DptcaySandbox, key: str | None = None) -> httpx.AsyncClient:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sb.app), base_url=sb.base_url, headers=headers
    )


class Receiver:
    """A webhook receiver behind ``httpx.MockTransport`` that records what it got."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]


async def register(sb: DptcaySandbox, **body: Any) -> httpx.Response:
    async with api(sb, sb.write_key) as http:
        return await http.post("/webhooks/register", json=body)


async def create(sb: DptcaySandbox, **body: Any) -> dict[str, Any]:
    async with api(sb, sb.write_key) as http:
        response = await http.post("/payments/create", json=body)
    assert response.status_code == 200
    payment: dict[str, Any] = response.json()
    return payment


# --- registration ---------------------------------------------------------------------


@pytest.mark.anyio
async def test_register_defaults_to_every_event_type() -> None:
    clock = ManualClock()
    sb = DptcaySandbox(clock=clock, wall_clock=clock)
    response = await register(sb, url=HOOK)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "object", "url", "events", "created_at"}
    assert re.fullmatch(r"whk_[A-Za-z0-9]{24}", body["id"])
    assert body["object"] == "webhook_endpoint"
    assert body["url"] == HOOK
    assert body["events"] == list(EVENT_TYPES)
    assert len(EVENT_TYPES) == 9
    assert body["created_at"] == "2027-01-15T08:00:00Z"
    assert [endpoint.id for endpoint in sb.webhook_endpoints] == [body["id"]]


@pytest.mark.anyio
async def test_register_a_subset_deduplicated() -> None:
    sb = DptcaySandbox()
    events = ["payment.completed", "refund.completed", "payment.completed"]
    body = (await register(sb, url=HOOK, events=events)).json()
    assert body["events"] == ["payment.completed", "refund.completed"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "url is required"),
        ({"url": "http://merchant.example/hook"}, "https"),
        ({"url": "https://"}, "https"),
        ({"url": "merchant.example/hook"}, "https"),
        ({"url": HOOK, "events": ["payment.refunded"]}, "Unknown event type(s): payment.refunded"),
        ({"url": HOOK, "events": []}, "non-empty list"),
        ({"url": HOOK, "events": "payment.completed"}, "non-empty list"),
        ({"url": HOOK, "secret": "x"}, "Unknown field(s): secret"),
    ],
)
@pytest.mark.anyio
async def test_register_validation(body: dict[str, Any], fragment: str) -> None:
    sb = DptcaySandbox()
    response = await register(sb, **body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert fragment in response.json()["error"]["message"]
    assert sb.webhook_endpoints == []


# --- the outbox -----------------------------------------------------------------------


@pytest.mark.anyio
async def test_outbox_records_subscribed_events_with_the_object() -> None:
    sb = DptcaySandbox()
    endpoint = (await register(sb, url=HOOK, events=["payment.completed"])).json()
    payment = await create(sb, amount="125.50", currency="USDC")
    assert sb.deliveries == []  # payment.pending is not subscribed
    async with api(sb, sb.write_key) as http:
        await http.post(
            f"/_sandbox/payments/{payment['id']}/transition", json={"status": "completed"}
        )
    [delivery] = sb.deliveries
    assert delivery.url == HOOK
    assert delivery.endpoint_id == endpoint["id"]
    assert delivery.event_type == "payment.completed"
    assert set(delivery.event) == {"id", "type", "created_at", "data"}
    assert re.fullmatch(r"evt_[A-Za-z0-9]{24}", text_at(delivery.event, "id"))
    assert delivery.event["data"] == sb.get_payment(payment["id"])
    # Without a webhook_transport nothing is sent.
    assert (delivery.status, delivery.error, delivery.pending) == (None, None, False)


@pytest.mark.anyio
async def test_every_state_change_is_an_event_in_order() -> None:
    sb = DptcaySandbox()
    await register(sb, url=HOOK)
    payment = await create(sb, amount="10", currency="USDC")
    sb.transition_payment(payment["id"], "completed")
    async with api(sb, sb.write_key) as http:
        ref = (await http.post("/refunds", json={"payment_id": payment["id"]})).json()
    sb.transition_refund(ref["id"], "completed")
    assert [d.event_type for d in sb.deliveries] == [
        "payment.pending",
        "payment.confirming",
        "payment.completed",
        "refund.completed",
    ]
    assert at(sb.deliveries[-1].event, "data", "id") == ref["id"]


@pytest.mark.anyio
async def test_expiry_is_an_event_even_without_a_read() -> None:
    clock = ManualClock()
    sb = DptcaySandbox(clock=clock, wall_clock=clock)
    await register(sb, url=HOOK, events=["payment.expired"])
    payment = await create(sb, amount="1", currency="USDC", expires_in=30)
    clock.advance(30)
    async with api(sb, sb.read_key) as http:
        await http.get("/currencies")
    [delivery] = sb.deliveries
    assert delivery.event_type == "payment.expired"
    assert at(delivery.event, "data", "id") == payment["id"]
    assert at(delivery.event, "data", "status") == "expired"


@pytest.mark.anyio
async def test_each_endpoint_gets_the_same_event() -> None:
    sb = DptcaySandbox()
    await register(sb, url=HOOK, events=["payment.pending"])
    await register(sb, url="https://other.example/h", events=["payment.pending"])
    await register(sb, url="https://quiet.example/h", events=["refund.failed"])
    await create(sb, amount="1", currency="USDC")
    first, second = sb.deliveries
    assert (first.url, second.url) == (HOOK, "https://other.example/h")
    assert first.event == second.event


@pytest.mark.anyio
async def test_deliveries_control_route() -> None:
    sb = DptcaySandbox()
    await register(sb, url=HOOK)
    payment = await create(sb, amount="1", currency="USDC")
    async with api(sb, sb.read_key) as http:
        body = (await http.get("/_sandbox/deliveries")).json()
    assert body["object"] == "list"
    [entry] = body["data"]
    assert entry["url"] == HOOK
    assert entry["event"]["type"] == "payment.pending"
    assert entry["event"]["data"]["id"] == payment["id"]
    assert (entry["status"], entry["error"], entry["pending"]) == (None, None, False)


# --- sending through a transport ------------------------------------------------------


@pytest.mark.anyio
async def test_deliveries_are_posted_through_the_webhook_transport() -> None:
    receiver = Receiver(status=204)
    sb = DptcaySandbox(webhook_transport=httpx.MockTransport(receiver))
    await register(sb, url=HOOK, events=["payment.pending"])
    payment = await create(sb, amount="3", currency="SOL")
    [request] = receiver.requests
    assert request.method == "POST"
    assert str(request.url) == HOOK
    assert request.headers["Content-Type"] == "application/json"
    assert "Authorization" not in request.headers  # the contract defines no signature
    [body] = receiver.bodies()
    assert body["type"] == "payment.pending"
    assert body["data"] == payment
    [delivery] = sb.deliveries
    assert (delivery.status, delivery.error, delivery.pending) == (204, None, False)
    assert delivery.event == body


@pytest.mark.anyio
async def test_failing_receivers_never_fail_the_api_call() -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    refusing = Receiver(status=500)
    sb = DptcaySandbox(webhook_transport=httpx.MockTransport(explode))
    await register(sb, url=HOOK)
    payment = await create(sb, amount="1", currency="USDC")
    assert payment["status"] == "pending"
    [delivery] = sb.deliveries
    assert delivery.status is None
    assert delivery.pending is False
    assert delivery.error == "ConnectError: connection refused"

    sb = DptcaySandbox(webhook_transport=httpx.MockTransport(refusing))
    await register(sb, url=HOOK)
    await create(sb, amount="1", currency="USDC")
    assert [d.status for d in sb.deliveries] == [500]


@pytest.mark.anyio
async def test_python_transitions_queue_until_flushed_or_the_next_request() -> None:
    receiver = Receiver()
    sb = DptcaySandbox(webhook_transport=httpx.MockTransport(receiver))
    await register(sb, url=HOOK, events=["payment.confirming", "payment.failed"])
    payment = await create(sb, amount="1", currency="USDC")
    sb.transition_payment(payment["id"], "confirming")
    assert [d.pending for d in sb.deliveries] == [True]
    assert receiver.requests == []
    await sb.flush_webhooks()
    assert [(d.pending, d.status) for d in sb.deliveries] == [(False, 200)]

    sb.transition_payment(payment["id"], "failed")
    async with api(sb, sb.read_key) as http:
        await http.get("/currencies")
    assert [b["type"] for b in receiver.bodies()] == ["payment.confirming", "payment.failed"]
    assert all(not d.pending for d in sb.deliveries)
