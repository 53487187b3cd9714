"""Parsing webhook deliveries and verifying them by fetching the payment back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dptcay_sdk import (
    AsyncDptcayClient,
    Event,
    EventType,
    InvalidInputError,
    NotFoundError,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    parse_event,
)
from dptcay_sdk.testing import DptcaySandbox, RatePlan

PAYMENT = {
    "id": "pay_1",
    "object": "payment",
    "status": "completed",
    "amount": "125.50",
    "currency": "USDC",
}
REFUND = {
    "id": "ref_1",
    "object": "refund",
    "payment_id": "pay_1",
    "amount": "10.00",
    "currency": "USDC",
    "status": "completed",
}


def _body(event_type: str, data: object, **extra: object) -> bytes:
    event = {"id": "evt_1", "type": event_type, "created_at": "2026-11-22T12:00:00Z", "data": data}
    return json.dumps({**event, **extra}).encode()


def test_payment_event_is_typed() -> None:
    event = parse_event(_body("payment.completed", PAYMENT))
    assert isinstance(event, Event)
    assert event.type is EventType.PAYMENT_COMPLETED
    assert isinstance(event.data, Payment)
    assert event.data.status is PaymentStatus.COMPLETED
    assert event.data.amount == Decimal("125.50")
    assert event.created_at is not None


def test_refund_event_is_typed_and_str_bodies_work() -> None:
    event = parse_event(_body("refund.completed", REFUND).decode())
    assert isinstance(event.data, Refund)
    assert event.data.status is RefundStatus.COMPLETED


def test_dispute_event_keeps_the_raw_object() -> None:
    dispute = {"id": "dp_1", "object": "dispute", "reason": "fraud"}
    event = parse_event(_body("dispute.opened", dispute))
    assert event.type is EventType.DISPUTE_OPENED
    assert event.data == dispute


def test_unknown_types_and_fields_pass_through() -> None:
    event = parse_event(_body("payout.sent", {"id": "po_1"}, livemode=False))
    assert event.type == "payout.sent"
    assert event.data == {"id": "po_1"}
    assert event.extra == {"livemode": False}
    newer = parse_event(_body("payment.disputed", {**PAYMENT, "status": "disputed"}))
    assert isinstance(newer.data, Payment)
    assert newer.data.status == "disputed"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (_body("payment.completed", {**PAYMENT, "amount": "lots"}), "$.data.amount"),
        (_body("refund.failed", {"id": "ref_1"}), "$.data.payment_id"),
        (_body("payment.completed", "pay_1"), "$.data"),
        (json.dumps({"type": "payment.completed", "data": PAYMENT}).encode(), "$.id"),
    ],
)
def test_bad_bodies_are_refused_with_paths(body: bytes, words: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_event(body)
    assert info.value.field == "raw_body"
    assert words in str(info.value)


def test_a_parsed_dict_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="bytes or str"):
        parse_event({"id": "evt_1"})  # type: ignore[arg-type]


# --- verification by fetching ---------------------------------------------------------


@pytest.fixture
def sb() -> DptcaySandbox:
    return DptcaySandbox(plan=RatePlan(10_000, name="tests"))


@pytest.fixture
async def dp(sb: DptcaySandbox) -> AsyncIterator[AsyncDptcayClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app)) as http:
        yield AsyncDptcayClient(sb.write_key, base_url=sb.base_url, http_client=http)


def _delivered(sb: DptcaySandbox, event_type: str) -> bytes:
    delivery = next(d for d in sb.deliveries if d.event_type == event_type)
    return json.dumps(delivery.event).encode()


@pytest.mark.anyio
async def test_fetch_event_object_returns_the_authoritative_payment(
    dp: AsyncDptcayClient, sb: DptcaySandbox
) -> None:
    await dp.webhooks.register(url="https://example.com/hook")
    created = await dp.payments.create(amount=Decimal("125.50"), currency="USDC")
    event = parse_event(_delivered(sb, "payment.pending"))
    sb.transition_payment(created.id, "completed")  # the delivery is now stale
    assert isinstance(event.data, Payment)
    assert event.data.status is PaymentStatus.PENDING
    fetched = await dp.webhooks.fetch_event_object(event)
    assert fetched.id == created.id
    assert fetched.status is PaymentStatus.COMPLETED
    assert fetched.rate_limit is not None


@pytest.mark.anyio
async def test_forged_payment_event_is_not_found(dp: AsyncDptcayClient) -> None:
    event = parse_event(_body("payment.completed", {**PAYMENT, "id": "pay_forged"}))
    with pytest.raises(NotFoundError):
        await dp.webhooks.fetch_event_object(event)


def _recording() -> tuple[AsyncDptcayClient, list[httpx.Request]]:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AsyncDptcayClient("dp_test_sk_" + "a" * 24, http_client=http), requests


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("event_type", "data", "words"),
    [
        ("refund.completed", REFUND, "payments.get('pay_1')"),
        ("dispute.opened", {"id": "dp_1"}, "only payment.* events"),
        ("payout.sent", {"id": "po_1"}, "only payment.* events"),
    ],
)
async def test_non_payment_events_cannot_be_fetched(
    event_type: str, data: dict[str, Any], words: str
) -> None:
    dp, requests = _recording()
    event = parse_event(_body(event_type, data))
    with pytest.raises(InvalidInputError) as info:
        await dp.webhooks.fetch_event_object(event)
    assert words in str(info.value)
    assert "no route" in str(info.value)
    assert requests == []
