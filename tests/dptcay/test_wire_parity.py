"""The SDK sends what the docs' curl examples send (method, path, Authorization, body type).

A tiny recording HTTP server on 127.0.0.1 receives both the SDK's request and the docs'
curl request, modelled as an httpx request built from the example (no curl binary
needed), and the recorded requests are compared.

The docs' examples, for reference::

    curl -X GET https://api.dptcay.io/v1/payments -H "Authorization: Bearer dp_live_sk_4f8a2b..."
         -H "Content-Type: application/json"
    curl -X POST https://api.dptcay.io/v1/keys -H "Authorization: Bearer dp_live_sk_OLD_KEY"
         -d '{"scope": "write", "label": "prod-v2"}'
    curl -X DELETE https://api.dptcay.io/v1/keys/dp_live_sk_OLD_KEY
         -H "Authorization: Bearer dp_live_sk_NEW_KEY"

Two known differences, both deliberate:

* The GET example sends ``Content-Type: application/json`` on a request without a
  body; the SDK sends no ``Content-Type`` when there is no body.
* The POST example passes a JSON body with ``-d`` but no ``Content-Type`` header, so
  curl would label it ``application/x-www-form-urlencoded``; the SDK labels its JSON
  body ``application/json``, which is what the body is.

The docs' placeholder keys (``dp_live_sk_OLD_KEY``) are not valid keys (``_`` is not
allowed after the prefix), so well-formed stand-ins are used.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import httpx
import pytest

from dptcay_sdk import AsyncDptcayClient

pytestmark = pytest.mark.anyio

OLD_KEY = "dp_live_sk_OLDKEY4f8a2b0000000000"
NEW_KEY = "dp_live_sk_NEWKEY9c1d3e0000000000"

RESPONSES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/v1/payments/pay_01HZX3"): {
        "id": "pay_01HZX3",
        "status": "pending",
        "amount": "125.50",
        "currency": "USDC",
    },
    ("POST", "/v1/keys"): {
        "id": "key_1",
        "object": "api_key",
        "key": NEW_KEY,
        "scope": "write",
        "label": "prod-v2",
    },
    ("DELETE", f"/v1/keys/{OLD_KEY}"): {"id": "key_0", "object": "api_key", "revoked": True},
}


@attrs.frozen
class Recorded:
    """What reached the server."""

    method: str
    path: str
    authorization: str | None
    content_type: str | None
    body: bytes


class _Recorder(BaseHTTPRequestHandler):
    records: list[Recorded]

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.records.append(
            Recorded(
                method=self.command,
                path=self.path,
                authorization=self.headers.get("Authorization"),
                content_type=self.headers.get("Content-Type"),
                body=body,
            )
        )
        payload = json.dumps(RESPONSES.get((self.command, self.path), {})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = _handle  # noqa: N815 - http.server's naming

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Stay silent: request lines carry keys."""


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[Recorded]]]:
    records: list[Recorded] = []
    handler = type("Handler", (_Recorder,), {"records": records})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", records
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def _send_curl(request: httpx.Request) -> None:
    async with httpx.AsyncClient() as http:
        (await http.send(request)).raise_for_status()


async def test_get_payment_matches_the_docs(recorder: tuple[str, list[Recorded]]) -> None:
    base_url, records = recorder
    curl = httpx.Request(
        "GET",
        f"{base_url}/payments/pay_01HZX3",
        headers={"Authorization": f"Bearer {OLD_KEY}", "Content-Type": "application/json"},
    )
    await _send_curl(curl)
    async with AsyncDptcayClient(OLD_KEY, base_url=base_url) as dp:
        payment = await dp.payments.get("pay_01HZX3")
    assert payment.id == "pay_01HZX3"
    documented, sent = records
    assert (sent.method, sent.path, sent.authorization) == (
        documented.method,
        documented.path,
        documented.authorization,
    )
    assert sent.body == documented.body == b""
    assert documented.content_type == "application/json"
    assert sent.content_type is None  # no body, so no Content-Type (see the module docstring)


async def test_create_key_matches_the_docs(recorder: tuple[str, list[Recorded]]) -> None:
    base_url, records = recorder
    curl = httpx.Request(
        "POST",
        f"{base_url}/keys",
        headers={"Authorization": f"Bearer {OLD_KEY}"},
        content=b'{"scope": "write", "label": "prod-v2"}',
    )
    await _send_curl(curl)
    async with AsyncDptcayClient(OLD_KEY, base_url=base_url) as dp:
        created = await dp.keys.create(scope="write", label="prod-v2")
    assert created.key.get_secret_value() == NEW_KEY
    documented, sent = records
    assert (sent.method, sent.path, sent.authorization) == (
        documented.method,
        documented.path,
        documented.authorization,
    )
    assert json.loads(sent.body) == json.loads(documented.body)
    assert sent.content_type == "application/json"


async def test_revoke_key_matches_the_docs(recorder: tuple[str, list[Recorded]]) -> None:
    base_url, records = recorder
    curl = httpx.Request(
        "DELETE", f"{base_url}/keys/{OLD_KEY}", headers={"Authorization": f"Bearer {NEW_KEY}"}
    )
    await _send_curl(curl)
    async with AsyncDptcayClient(NEW_KEY, base_url=base_url) as dp:
        revoked = await dp.keys.revoke(OLD_KEY)
    assert revoked.revoked is True
    documented, sent = records
    assert sent == documented
    assert sent.content_type is None


async def test_rotation_sends_the_documented_pair(recorder: tuple[str, list[Recorded]]) -> None:
    base_url, records = recorder
    async with AsyncDptcayClient(OLD_KEY, base_url=base_url) as dp:
        await dp.rotate_key(label="prod-v2")
    create, revoke = records
    assert (create.method, create.path, create.authorization) == (
        "POST",
        "/v1/keys",
        f"Bearer {OLD_KEY}",
    )
    assert json.loads(create.body) == {"scope": "write", "label": "prod-v2"}
    assert (revoke.method, revoke.path, revoke.authorization) == (
        "DELETE",
        f"/v1/keys/{OLD_KEY}",
        f"Bearer {NEW_KEY}",
    )
