"""examples/fastapi_app.py against both sandboxes, in process, on asyncio and trio."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from dancity_sdk import AsyncDancityClient, webhooks
from dancity_sdk._spec import GENERATIONS
from dancity_sdk.testing import DancitySandbox, WebhookDelivery
from dancity_sdk.webhooks import DancityWebhookSource
from dptcay_sdk import AsyncDptcayClient, RetryPolicy, Secret
from dptcay_sdk.testing import DptcaySandbox, RatePlan
from examples import fastapi_app
from examples.fastapi_app import Dancity, Dptcay, create_app
from shared_auth.fleet import InboxEvent, open_inbox

pytestmark = pytest.mark.anyio

FAST = RetryPolicy(initial_backoff=0.001, max_backoff=0.002)


class Harness:
    """Both sandboxes, and client factories that remember every client they made."""

    def __init__(self) -> None:
        self.dp_sandbox = DptcaySandbox(plan=RatePlan(10_000, name="tests"), seed=11)
        self.dc_sandbox = DancitySandbox(seed=12)
        self.dp_http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.dp_sandbox.app))
        self.dc_http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.dc_sandbox.app, client=("127.0.0.1", 123))
        )
        self.dptcay_clients: list[AsyncDptcayClient] = []
        self.dancity_clients: list[AsyncDancityClient] = []

    def make_dptcay(self) -> AsyncDptcayClient:
        client = AsyncDptcayClient(
            self.dp_sandbox.write_key,
            base_url=self.dp_sandbox.base_url,
            http_client=self.dp_http,
            retry=FAST,
        )
        self.dptcay_clients.append(client)
        return client

    def make_dancity(self) -> AsyncDancityClient:
        client = AsyncDancityClient(
            self.dc_sandbox.api_key,
            base_url=self.dc_sandbox.base_url,
            api_version="2026-04-27",  # the generation whose buys carry the PIN
            http_client=self.dc_http,
            retry=FAST,
        )
        self.dancity_clients.append(client)
        return client

    def app(self, **options: Any) -> FastAPI:
        options.setdefault("webhook_secrets", [self.dc_sandbox.webhook_secret])
        options.setdefault("dancity_pin", DancitySandbox.PIN)
        return create_app(
            dptcay_client_factory=self.make_dptcay,
            dancity_client_factory=self.make_dancity,
            **options,
        )

    async def aclose(self) -> None:
        await self.dp_http.aclose()
        await self.dc_http.aclose()


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan around an in-process HTTP client, as a server would."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as http,
    ):
        yield http


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness()
    yield h
    await h.aclose()


@pytest.fixture
async def http(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(harness.app()) as client:
        yield client


# --- lifecycle --------------------------------------------------------------------------------


async def test_one_client_per_api_is_reused_across_requests_and_closed_at_shutdown(
    harness: Harness,
) -> None:
    app = harness.app()

    @app.get("/_probe")
    async def probe(dp: Dptcay, dc: Dancity) -> dict[str, int]:
        return {"dptcay": id(dp), "dancity": id(dc)}

    async with serving(app) as http:
        assert len(harness.dptcay_clients) == 1
        assert len(harness.dancity_clients) == 1
        dp, dc = harness.dptcay_clients[0], harness.dancity_clients[0]
        assert app.state.dptcay is dp
        assert app.state.dancity is dc
        seen = [(await http.get("/_probe")).json() for _ in range(3)]
        assert seen == [{"dptcay": id(dp), "dancity": id(dc)}] * 3
        for _ in range(3):
            assert (
                await http.post("/payments", json={"amount": "1", "currency": "USDC"})
            ).is_success
        assert len(harness.dptcay_clients) == 1  # no client per request
        assert not dp._closed
        assert not dc._closed
    assert dp._closed
    assert dc._closed
    with pytest.raises(RuntimeError, match="closed"):
        await dp.payments.get("pay_x")
    with pytest.raises(RuntimeError, match="closed"):
        await dc.vas.wallet.balances()


async def test_default_factories_and_secrets_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DPTCAY_API_KEY", "dp_test_sk_" + "a1B2" * 6)
    monkeypatch.setenv("DPTCAY_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("DANCITY_API_KEY", "dcy_live_" + "0f" * 20)
    monkeypatch.setenv("DANCITY_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("DANCITY_WEBHOOK_SECRET", "new-secret, old-secret")
    monkeypatch.setenv("DANCITY_PIN", "1234")
    monkeypatch.setenv("DANCITY_API_VERSION", "2026-04-27")  # its airtime buys take a PIN
    app = create_app()
    async with app.router.lifespan_context(app):
        assert isinstance(app.state.dptcay, AsyncDptcayClient)
        assert app.state.dptcay.base_url == "http://127.0.0.1:9/v1"
        assert isinstance(app.state.dancity, AsyncDancityClient)
        assert app.state.webhook_secrets == (Secret("new-secret"), Secret("old-secret"))
        assert app.state.dancity_pin == Secret("1234")
    assert app.state.dptcay._closed
    assert isinstance(fastapi_app.app, FastAPI)  # what `uvicorn examples.fastapi_app:app` runs


async def test_a_pin_is_dropped_with_a_warning_where_the_generation_takes_none(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DPTCAY_API_KEY", "dp_test_sk_" + "a1B2" * 6)
    monkeypatch.setenv("DANCITY_API_KEY", "dcy_live_" + "0f" * 20)
    monkeypatch.setenv("DANCITY_PIN", "1234")
    monkeypatch.delenv("DANCITY_API_VERSION", raising=False)
    app = create_app()
    with caplog.at_level("WARNING", logger="examples.fastapi_app"):
        async with app.router.lifespan_context(app):
            generation = GENERATIONS[app.state.dancity.api_version]
            assert generation.operations["airtime.buy"].wire_field("pin") is None
            assert app.state.dancity_pin is None
    assert "takes no PIN on airtime buys" in caplog.text
    assert "1234" not in caplog.text


# --- payments ----------------------------------------------------------------------------------


async def test_create_then_get_a_payment_with_a_decimal_amount(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    created = await http.post(
        "/payments", json={"amount": "125.50", "currency": "USDC", "order_id": "order-1"}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["amount"] == "125.50"  # a decimal string end to end, never a float
    assert body["status"] == "pending"
    assert body["order_id"] == "order-1"
    assert harness.dp_sandbox.get_payment(body["id"])["amount"] == "125.50"

    fetched = await http.get(f"/payments/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == body


async def test_a_json_number_amount_is_refused_before_reaching_dptcay(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    response = await http.post("/payments", json={"amount": 125.5, "currency": "USDC"})
    assert response.status_code == 422
    response = await http.post("/payments", json={"amount": "1e3", "currency": "USDC"})
    assert response.status_code == 422
    assert harness.dp_sandbox.deliveries == []  # no payment.pending: nothing was created


async def test_typed_errors_map_to_statuses(http: httpx.AsyncClient) -> None:
    missing = await http.get("/payments/pay_doesnotexist")
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFoundError"
    assert missing.json()["upstream_status"] == 404

    refused = await http.post("/payments", json={"amount": "1.1234567", "currency": "USDC"})
    assert refused.status_code == 422  # USDC has 6 decimals: the SDK refuses before sending
    assert refused.json()["error"] == "InvalidInputError"


# --- airtime -----------------------------------------------------------------------------------


async def test_airtime_success_pending_and_failed_vends(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    ok = await http.post(
        "/airtime",
        json={"product": "MTN Airtime", "phone": "08012345678", "amount": "200"},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "SUCCESS"
    assert ok.json()["amount"] == "200"
    assert ok.json()["customer_ref"].startswith("sdk-")

    pending = await http.post(
        "/airtime",
        json={"product": "MTN Airtime", "phone": "08012341111", "amount": "100"},
    )
    assert pending.status_code == 202
    assert pending.json()["status"] == "PENDING"
    assert "reconcile" in pending.json()["advice"]

    failed = await http.post(
        "/airtime",
        json={"product": "MTN Airtime", "phone": "08012340000", "amount": "100"},
    )
    assert failed.status_code == 422  # Dancity said 200; the vend itself failed
    assert failed.json()["status"] == "FAILED"
    assert len(harness.dc_sandbox.transactions) == 3


async def test_an_unknown_outcome_is_a_202_with_the_ref_to_reconcile(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    harness.dc_sandbox.fail_next("server_error")  # charged and recorded, then a 500
    response = await http.post(
        "/airtime",
        json={
            "product": "MTN Airtime",
            "phone": "08012345678",
            "amount": "100",
            "customer_ref": "order-77",
        },
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "unknown"
    assert body["customer_ref"] == "order-77"
    assert "reconcile" in body["advice"]
    assert "do NOT buy again" in body["advice"]
    assert len(harness.dc_sandbox.transactions) == 1  # sent once, never retried

    requery = await http.get("/transactions/order-77")
    assert requery.status_code == 200
    assert requery.json()["status"] == "SUCCESS"


async def test_airtime_input_and_credential_errors(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    bad_phone = await http.post(
        "/airtime", json={"product": "MTN Airtime", "phone": "123", "amount": "100"}
    )
    assert bad_phone.status_code == 422
    assert bad_phone.json()["field"] == "phone"

    harness.dc_sandbox.regenerate_key()  # the service's key is now dead: our problem, not theirs
    dead_key = await http.post(
        "/airtime", json={"product": "MTN Airtime", "phone": "08012345678", "amount": "100"}
    )
    assert dead_key.status_code == 502
    assert dead_key.json()["error"] == "AuthenticationError"
    assert harness.dc_sandbox.api_key not in dead_key.text


# --- webhooks ----------------------------------------------------------------------------------


async def _sandbox_delivery(http: httpx.AsyncClient, harness: Harness) -> WebhookDelivery:
    bought = await http.post(
        "/airtime", json={"product": "MTN Airtime", "phone": "08012345678", "amount": "100"}
    )
    assert bought.status_code == 200
    return next(d for d in harness.dc_sandbox.deliveries if d.event == "transaction.success")


async def test_a_real_sandbox_delivery_is_accepted_and_a_retry_is_flagged_duplicate(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    delivery = await _sandbox_delivery(http, harness)
    headers = {"X-Dancity-Signature": delivery.signature, "Content-Type": "application/json"}
    first = await http.post("/webhooks/dancity", content=delivery.body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": "transaction.success", "duplicate": False}
    again = await http.post("/webhooks/dancity", content=delivery.body, headers=headers)
    assert again.json() == {"received": "transaction.success", "duplicate": True}


async def test_a_body_signed_with_sign_is_accepted(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    raw = b'{"event":"wallet.funded","timestamp":"2025-01-01T00:00:00Z","data":{"amount":1.10}}'
    signature = webhooks.sign(raw, harness.dc_sandbox.webhook_secret)
    response = await http.post(
        "/webhooks/dancity", content=raw, headers={"X-Dancity-Signature": signature}
    )
    assert response.status_code == 200
    assert response.json()["received"] == "wallet.funded"


async def test_tampered_reserialised_and_unsigned_bodies_get_401(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    delivery = await _sandbox_delivery(http, harness)
    signed = {"X-Dancity-Signature": delivery.signature}

    tampered = delivery.body.replace(b'"amount":100', b'"amount":900')
    assert tampered != delivery.body
    response = await http.post("/webhooks/dancity", content=tampered, headers=signed)
    assert response.status_code == 401
    assert response.json()["reason"] == "mismatch"

    # Same JSON, re-serialised the way a framework would: different bytes, no match.
    reserialised = json.dumps(json.loads(delivery.body)).encode()
    assert reserialised != delivery.body
    assert json.loads(reserialised) == json.loads(delivery.body)
    response = await http.post("/webhooks/dancity", content=reserialised, headers=signed)
    assert response.status_code == 401

    reordered = json.dumps(json.loads(delivery.body), sort_keys=True, separators=(",", ":"))
    assert reordered.encode() != delivery.body
    response = await http.post("/webhooks/dancity", content=reordered, headers=signed)
    assert response.status_code == 401

    response = await http.post("/webhooks/dancity", content=delivery.body)
    assert response.status_code == 401
    assert response.json()["reason"] == "missing"

    response = await http.post(
        "/webhooks/dancity", content=delivery.body, headers={"X-Dancity-Signature": "sha256=x"}
    )
    assert response.status_code == 401
    assert response.json()["reason"] == "malformed"


async def test_rotating_secrets_accept_either_and_a_signed_non_envelope_is_400(
    harness: Harness,
) -> None:
    app = harness.app(webhook_secrets=["new-secret", Secret("old-secret")])
    raw = b'{"event":"transaction.failed","data":{"status":"failed","transactionId":"T1"}}'
    async with serving(app) as http:
        for secret in ("new-secret", "old-secret"):
            headers = {"X-Dancity-Signature": webhooks.sign(raw, secret)}
            response = await http.post("/webhooks/dancity", content=raw, headers=headers)
            assert response.status_code == 200
        headers = {"X-Dancity-Signature": webhooks.sign(raw, "someone-else")}
        response = await http.post("/webhooks/dancity", content=raw, headers=headers)
        assert response.status_code == 401

        junk = b"[1, 2, 3]"
        headers = {"X-Dancity-Signature": webhooks.sign(junk, "new-secret")}
        response = await http.post("/webhooks/dancity", content=junk, headers=headers)
        assert response.status_code == 400


async def test_without_a_webhook_secret_the_receiver_refuses_with_503(harness: Harness) -> None:
    async with serving(harness.app(webhook_secrets=[])) as http:
        response = await http.post(
            "/webhooks/dancity", content=b"{}", headers={"X-Dancity-Signature": "0" * 64}
        )
    assert response.status_code == 503


async def test_a_delivery_is_handled_once_across_a_restart_sharing_the_inbox(
    harness: Harness, tmp_path: Path
) -> None:
    target = tmp_path / "inbox.db"
    open_inbox(target, DancityWebhookSource("x"), create=True).store.close()
    handled: list[str] = []

    async def handler(event: InboxEvent) -> None:
        handled.append(event.key)

    options: dict[str, Any] = {"webhook_inbox": target, "webhook_handler": handler}
    async with serving(harness.app(**options)) as http:
        delivery = await _sandbox_delivery(http, harness)
        headers = {"X-Dancity-Signature": delivery.signature}
        first = await http.post("/webhooks/dancity", content=delivery.body, headers=headers)
        assert first.json()["duplicate"] is False
    # A restarted (or second) server process, same inbox: the redelivery is not handled again.
    async with serving(harness.app(**options)) as http:
        again = await http.post("/webhooks/dancity", content=delivery.body, headers=headers)
        assert again.status_code == 200
        assert again.json()["duplicate"] is True
    tx_id = json.loads(delivery.body)["data"]["transactionId"]
    assert handled == [f"dancity:transaction.success:{tx_id}"]
