"""Webhook signatures (good, bad, missing, malformed, rotated) and typed events."""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dancity_sdk import (
    AsyncDancityClient,
    ConfigurationError,
    SDKError,
    Secret,
    TransactionStatus,
    webhooks,
)
from dancity_sdk.testing import DancitySandbox

SECRET = "whsec_current_0123456789abcdef"
OLD = "whsec_previous_fedcba9876543210"
BODY = (
    b'{"event":"transaction.success","timestamp":"2024-04-21T10:30:00.000Z","data":'
    b'{"transactionId":"TXN-2024-XXXXX","type":"AIRTIME","status":"success","amount":500.50,'
    b'"currency":"NGN","phone":"08012345678","reference":"dcy_ref_xxxxxxxx",'
    b'"createdAt":"2024-04-21T10:29:58.000Z"}}'
)


def test_sign_is_lowercase_hex_hmac_sha256_of_the_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert webhooks.sign(BODY, SECRET) == expected
    assert webhooks.sign(BODY, Secret(SECRET)) == expected


def test_a_good_signature_verifies() -> None:
    webhooks.verify(BODY, webhooks.sign(BODY, SECRET), SECRET)
    webhooks.verify(bytearray(BODY), webhooks.sign(BODY, SECRET), [Secret(SECRET)])


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("abc123", "malformed"),
        ("sha256=" + "a" * 64, "malformed"),
        ("A" * 64, "malformed"),
        ("g" * 64, "malformed"),
        ("a" * 64, "mismatch"),
    ],
)
def test_bad_signatures_are_typed_errors_without_the_secret(
    signature: str | None, reason: str
) -> None:
    with pytest.raises(webhooks.WebhookSignatureError) as info:
        webhooks.verify(BODY, signature, SECRET)
    assert info.value.reason == reason
    assert isinstance(info.value, SDKError)
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)


def test_signature_made_with_another_secret_does_not_verify() -> None:
    with pytest.raises(webhooks.WebhookSignatureError, match="raw request bytes"):
        webhooks.verify(BODY, webhooks.sign(BODY, "someone-else"), SECRET)


def test_rotation_accepts_any_active_secret() -> None:
    old_signature = webhooks.sign(BODY, OLD)
    webhooks.verify(BODY, old_signature, [SECRET, OLD])
    webhooks.verify(BODY, webhooks.sign(BODY, SECRET), (OLD, Secret(SECRET)))
    with pytest.raises(webhooks.WebhookSignatureError, match="2 configured"):
        webhooks.verify(BODY, webhooks.sign(BODY, "retired"), [SECRET, OLD])


def test_a_reserialised_body_does_not_verify() -> None:
    signature = webhooks.sign(BODY, SECRET)
    reserialised = json.dumps(json.loads(BODY)).encode()
    with pytest.raises(webhooks.WebhookSignatureError):
        webhooks.verify(reserialised, signature, SECRET)


def test_misuse_is_refused_clearly() -> None:
    with pytest.raises(ConfigurationError):
        webhooks.verify(BODY, "a" * 64, [])
    with pytest.raises(ConfigurationError):
        webhooks.verify(BODY, "a" * 64, "")
    with pytest.raises(TypeError, match="raw bytes"):
        webhooks.verify(BODY.decode(), "a" * 64, SECRET)  # type: ignore[arg-type]


def test_parse_event_verifies_then_types_the_event() -> None:
    event = webhooks.parse_event(BODY, webhooks.sign(BODY, SECRET), SECRET)
    assert isinstance(event, webhooks.TransactionSucceeded)
    assert isinstance(event, webhooks.TransactionEvent)
    assert event.details.status is TransactionStatus.SUCCESS
    assert event.details.succeeded
    assert event.details.amount == Decimal("500.50")
    assert event.details.reference == "dcy_ref_xxxxxxxx"
    assert event.timestamp is not None
    assert event.timestamp.tzinfo is not None
    assert event.data["transactionId"] == "TXN-2024-XXXXX"
    with pytest.raises(webhooks.WebhookSignatureError):
        webhooks.parse_event(BODY, "b" * 64, SECRET)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("transaction.success", webhooks.TransactionSucceeded),
        ("transaction.failed", webhooks.TransactionFailed),
        ("transaction.pending", webhooks.TransactionPending),
        ("wallet.funded", webhooks.WalletFunded),
        ("wallet.debited", webhooks.WalletDebited),
    ],
)
def test_every_documented_event_has_a_type(name: str, cls: type[webhooks.WebhookEvent]) -> None:
    body = json.dumps({"event": name, "timestamp": None, "data": {"amount": 1}}).encode()
    event = webhooks.parse_event(body, webhooks.sign(body, SECRET), SECRET)
    assert type(event) is cls


def test_unknown_events_pass_through_with_raw_data() -> None:
    body = b'{"event":"card.frozen","data":{"cardId":"c1","amount":1.10}}'
    event = webhooks.parse_event(body, webhooks.sign(body, SECRET), SECRET)
    assert type(event) is webhooks.WebhookEvent
    assert event.event == "card.frozen"
    assert event.data == {"cardId": "c1", "amount": Decimal("1.10")}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"data":{}}',
        b'{"event":"x","data":[]}',
        b'{"event":"x","timestamp":"soon"}',
    ],
)
def test_signed_garbage_is_a_payload_error(body: bytes) -> None:
    with pytest.raises(webhooks.WebhookPayloadError):
        webhooks.parse_event(body, webhooks.sign(body, SECRET), SECRET)


@pytest.mark.anyio
async def test_sandbox_deliveries_verify_and_parse() -> None:
    sb = DancitySandbox(seed=21)
    transport = httpx.ASGITransport(app=sb.app, client=("127.0.0.1", 123))
    async with httpx.AsyncClient(transport=transport) as http:
        dc = AsyncDancityClient(sb.api_key, base_url=sb.base_url, http_client=http)
        buy: dict[str, Any] = {"product": "MTN Airtime", "amount": 100}
        await dc.vas.airtime.buy(phone="08012345678", **buy)
        await dc.vas.airtime.buy(phone="08012340000", **buy)
        await dc.vas.airtime.buy(phone="08012341111", **buy)
    assert len(sb.deliveries) >= 3
    names = []
    for delivery in sb.deliveries:
        event = webhooks.parse_event(delivery.body, delivery.signature, [OLD, sb.webhook_secret])
        names.append(event.event)
        assert isinstance(event, webhooks.TransactionEvent | webhooks.WalletEvent)
    assert {"transaction.success", "transaction.failed", "transaction.pending"} <= set(names)


@pytest.mark.anyio
async def test_a_starlette_receiver_reading_the_raw_body() -> None:
    received: list[webhooks.WebhookEvent] = []

    async def receiver(request: Request) -> Response:
        raw = await request.body()
        try:
            event = webhooks.parse_event(
                raw, request.headers.get(webhooks.SIGNATURE_HEADER), SECRET
            )
        except webhooks.WebhookSignatureError:
            return Response(status_code=401)
        received.append(event)
        return Response(status_code=200)

    app = Starlette(routes=[Route("/hook", receiver, methods=["POST"])])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        good = await http.post(
            "/hook", content=BODY, headers={webhooks.SIGNATURE_HEADER: webhooks.sign(BODY, SECRET)}
        )
        forged = await http.post(
            "/hook", content=BODY, headers={webhooks.SIGNATURE_HEADER: "0" * 64}
        )
        unsigned = await http.post("/hook", content=BODY)
    assert (good.status_code, forged.status_code, unsigned.status_code) == (200, 401, 401)
    assert len(received) == 1
