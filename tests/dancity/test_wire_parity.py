"""The SDK sends exactly what the authentication guide's curl examples send.

A tiny HTTP/1.1 recording server on 127.0.0.1 (a raw anyio TCP listener) receives both
the documented requests (built with httpx from the guide's curl lines) and the SDK's
calls; method, path, query, ``Authorization`` and ``channel`` must match.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import NamedTuple

import anyio
import anyio.abc
import httpx
import pytest

from dancity_sdk import AsyncDancityClient

KEY = "dcy_live_" + "0123456789" * 4
JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl"
WALLET_ID = "6a1c3e3de285680cc3b7d2ba"
ANSWER = json.dumps({"success": True, "message": "ok", "data": {"customerName": "John Doe"}})


class Seen(NamedTuple):
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


async def _read_request(stream: anyio.abc.ByteStream) -> Seen:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        buffer += await stream.receive()
    head, _, body = buffer.partition(b"\r\n\r\n")
    request_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    while len(body) < int(headers.get("content-length", "0")):
        body += await stream.receive()
    method, target, _ = request_line.split(" ")
    return Seen(method, target, headers, body)


@asynccontextmanager
async def recording_server() -> AsyncIterator[tuple[str, list[Seen]]]:
    seen: list[Seen] = []

    async def handle(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            seen.append(await _read_request(stream))
            payload = ANSWER.encode()
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
            )
            await stream.send(head.encode() + payload)

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)  # noqa: S610 - anyio, not Django
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, handle)
        yield f"http://127.0.0.1:{port}", seen
        tg.cancel_scope.cancel()


def essentials(seen: Seen) -> tuple[str, str, str | None, str | None]:
    return seen.method, seen.target, seen.headers.get("authorization"), seen.headers.get("channel")


@pytest.mark.anyio
async def test_cable_validation_matches_the_guides_curl() -> None:
    async with recording_server() as (base, seen):
        # curl -sS "https://api.dancity.app/api/external/v1/cable/validate?smartcardNumber=demo
        #   &cableplan=demo&cablename=demo" -H "Authorization: Bearer dcy_live_xxxx..."
        #   -H "channel: API"
        query = "smartcardNumber=demo&cableplan=demo&cablename=demo"
        url = f"{base}/api/external/v1/cable/validate?{query}"
        headers = {"Authorization": f"Bearer {KEY}", "channel": "API"}
        async with httpx.AsyncClient() as http:
            await http.send(httpx.Request("GET", url, headers=headers))
        # the generation whose description documents this GET
        async with AsyncDancityClient(KEY, base_url=base, api_version="2026-04-27") as dc:
            result = await dc.vas.cable.validate(
                smartcard_number="demo", cableplan="demo", cablename="demo"
            )
    documented, sdk = seen
    assert essentials(sdk) == essentials(documented)
    assert (
        sdk.target
        == "/api/external/v1/cable/validate?smartcardNumber=demo&cableplan=demo&cablename=demo"
    )
    assert result.customer_name == "John Doe"


@pytest.mark.anyio
async def test_wallet_read_with_a_jwt_matches_the_guides_curl() -> None:
    async with recording_server() as (base, seen):
        # curl -sS "https://api.dancity.app/api/wallet/${DANCITY_WALLET_ID}"
        #   -H "Authorization: Bearer ${DANCITY_JWT}"
        request = httpx.Request(
            "GET", f"{base}/api/wallet/{WALLET_ID}", headers={"Authorization": f"Bearer {JWT}"}
        )
        async with httpx.AsyncClient() as http:
            await http.send(request)
        async with AsyncDancityClient(jwt=JWT, base_url=base) as dc:
            await dc.app.wallet.get(WALLET_ID)
    documented, sdk = seen
    assert essentials(sdk) == essentials(documented)
    assert sdk.headers.get("channel") is None


@pytest.mark.anyio
async def test_amounts_travel_as_exact_json_numbers() -> None:
    async with recording_server() as (base, seen), AsyncDancityClient(KEY, base_url=base) as dc:
        await dc.vas.airtime.buy(product="MTN Airtime", phone="08012345678", amount=Decimal("98.5"))
        await dc.vas.airtime.buy(
            product="MTN Airtime", phone="08012345678", amount=Decimal("200.00")
        )
    first, second = (json.loads(s.body, parse_float=Decimal) for s in seen)
    assert b'"amount":98.5' in seen[0].body
    assert first["amount"] == Decimal("98.5")
    assert b'"amount":200,' in seen[1].body
    assert second["amount"] == 200
    assert seen[0].headers["content-type"] == "application/json"
