"""Credentials, fake time and small transports shared by the shared_auth tests."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from types import SimpleNamespace
from typing import Any

import anyio
import anyio.lowlevel

# The SDKs register their key formats with the floor's redaction when they are imported;
# these tests mask keys of both formats.
import dancity_sdk._credentials  # noqa: F401
import dptcay_sdk._credentials  # noqa: F401
from shared_auth._pipeline import Pipeline
from shared_auth._reply import Reply

DPTCAY_LIVE_KEY = "dp_live_sk_4f9Kq2Lm8Zr1Tx7Vb3Nc"
DPTCAY_TEST_KEY = "dp_test_sk_Hh5Jj6Kk7Ll8Mm9Nn0Pp"
#: A key that travels in a URL (the dptcay key-revoke route).
DPTCAY_REVOKED_KEY = "dp_live_sk_Rv0k3dKeyInTheUrl0001"
DANCITY_KEY = "dcy_live_" + "0123456789abcdef0123456789abcdef01234567"
DANCITY_KEY_2 = "dcy_live_" + "fedcba9876543210fedcba9876543210fedcba98"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(*, exp: float | None = None, sub: str = "user-1", signature: str = "") -> str:
    """A structurally valid (unsigned-for-real) JWT with an optional ``exp`` claim."""
    claims: dict[str, Any] = {"sub": sub}
    if exp is not None:
        claims["exp"] = exp
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    sig = signature or _b64(f"signature-of-{sub}-{exp}".encode())
    return f"{header}.{payload}.{sig}"


class FakeTime:
    """A clock and a sleep that advances it, recording every wait."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await anyio.lowlevel.checkpoint()


ASGIScope = MutableMapping[str, Any]
ASGIReceive = Callable[[], Awaitable[MutableMapping[str, Any]]]
ASGISend = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class RecordingASGIApp:
    """An ASGI app that reads the (streamed) body chunk by chunk and records each request."""

    def __init__(self, status_for: Callable[[dict[str, str]], int] | None = None) -> None:
        self.requests: list[tuple[dict[str, str], list[bytes]]] = []
        self._status_for = status_for or (lambda _: 200)

    async def __call__(self, scope: ASGIScope, receive: ASGIReceive, send: ASGISend) -> None:
        assert scope["type"] == "http"
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message.get("body"):
                chunks.append(message["body"])
            if not message.get("more_body", False):
                break
        self.requests.append((headers, chunks))
        status = self._status_for(headers)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"ok": true}'})


async def streamed_body(chunks: list[bytes]) -> AsyncIterator[bytes]:
    """A one-shot request body that yields ``chunks`` with a checkpoint between them."""
    for chunk in chunks:
        await anyio.lowlevel.checkpoint()
        yield chunk


class Echo:
    """A decoder that hands the test what the pipeline read: status, body, metadata."""

    def decode(self, data: Any, reply: Reply, converter: Any) -> SimpleNamespace:
        del converter
        return SimpleNamespace(
            status_code=reply.status_code,
            data=data,
            request_id=reply.request_id,
            rate_limit=reply.rate_limit,
        )


class EchoPipeline:
    """A pipeline whose calls decode with `Echo`."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        return await self.pipeline.send(*args, into=Echo(), **kwargs)
