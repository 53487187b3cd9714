"""A fault-injecting ASGI wrapper, put in front of either sandbox.

Each request that is not a sandbox control route draws a fault (or none) from a seeded
generator. Faults that happen *after* the wrapped app processed the request (the money
moved) are the dangerous ones: the client sees a failure for something that took effect.

The same wrapper works in process (``httpx.ASGITransport``: an exception raised after the
response started reaches the client as the httpx error it names) and over a loopback
socket (uvicorn closes the connection mid-response; a stall outlasts the read timeout).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Final

import anyio
import httpx

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

#: Every kind, in the order the table lists them.
KINDS: Final = (
    "reset_before",  # the connection breaks before the server saw the request
    "reset_after",  # ... after the server processed it
    "html_502",  # a proxy's HTML 502, after the upstream processed the request
    "error_500_after",  # a 500 after processing
    "envelope_500",  # Dancity style: 200 {"success": false, "statusCode": 500}, processed
    "truncated",  # the processed 2xx body cut in half (a complete HTTP response)
    "invalid_json",  # the processed 2xx body replaced by something that is not JSON
    "stall",  # processed, then nothing until past the read timeout
    "rate_429",  # refused with 429 and Retry-After: 0, not processed
    "slow_headers",  # processed normally, the answer's headers late
    "slow_body",  # processed normally, body trickles in
)
#: Faults after which the request has taken effect (when it would have succeeded).
PROCESSED: Final = frozenset(KINDS) - {"reset_before", "rate_429"}


class InjectedDisconnectError(httpx.RemoteProtocolError):
    """The injected connection reset (in process, the client sees this httpx error)."""


class InjectedStallError(httpx.ReadTimeout):
    """The injected stall, raised in process once the stall is over."""


@dataclass
class FaultPlan:
    """Which faults to inject, how often, and how long the slow ones last.

    Attributes:
        rate: The share of requests that get a fault (0 to 1).
        kinds: The kinds to draw from, uniformly.
        seed: Seeds the draws.
        stall: Seconds a stall lasts (longer than the client's read timeout).
        slow: Seconds the slow kinds add.
        only: If given, only requests whose method is in it get faults.
        counts: How many of each kind were injected.
    """

    rate: float
    kinds: tuple[str, ...] = KINDS
    seed: int = 0
    stall: float = 0.3
    slow: float = 0.01
    only: frozenset[str] | None = None
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def draw(self, method: str) -> str | None:
        """The fault for one request (``None``: answer it normally)."""
        if self.only is not None and method not in self.only:
            return None
        if self._random.random() >= self.rate:
            return None
        kind = self._random.choice(self.kinds)
        self.counts[kind] += 1
        return kind


@dataclass
class _Captured:
    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)


def _request_of(scope: MutableMapping[str, Any]) -> httpx.Request:
    host = dict(scope.get("headers") or []).get(b"host", b"localhost").decode("latin-1")
    return httpx.Request(scope["method"], f"http://{host}{scope['path']}")


def _without_length(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.lower() != b"content-length"]


class FaultyApp:
    """``app`` behind injected faults, as `FaultPlan` draws them."""

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self._app = app
        self.plan = plan

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "/_sandbox" in scope["path"]:
            await self._app(scope, receive, send)
            return
        kind = self.plan.draw(scope["method"])
        if kind is None:
            await self._app(scope, receive, send)
        elif kind == "reset_before":
            await self._start(send, 200, [(b"content-type", b"application/json")], 64)
            raise InjectedDisconnectError("connection reset (injected)", request=_request_of(scope))
        elif kind == "rate_429":
            body = b'{"error": "Rate Limited", "code": 429, "message": "slow down (injected)"}'
            await self._answer(send, 429, [(b"retry-after", b"0")], body)
        else:
            captured = await self._process(scope, receive)
            await self._after(kind, scope, send, captured)

    async def _process(self, scope: MutableMapping[str, Any], receive: Receive) -> _Captured:
        captured = _Captured()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured.status = message["status"]
                captured.headers = list(message.get("headers") or [])
            elif message["type"] == "http.response.body":
                captured.body += message.get("body", b"")

        await self._app(scope, receive, capture)
        return captured

    async def _after(
        self, kind: str, scope: MutableMapping[str, Any], send: Send, done: _Captured
    ) -> None:
        headers = _without_length(done.headers)
        json_type = [(b"content-type", b"application/json")]
        if kind == "reset_after":
            await self._start(send, done.status, done.headers, len(done.body))
            raise InjectedDisconnectError("connection reset (injected)", request=_request_of(scope))
        if kind == "slow_headers":
            await anyio.sleep(self.plan.slow)
            await self._answer(send, done.status, headers, bytes(done.body))
            return
        if kind == "stall":
            await anyio.sleep(self.plan.stall)
            raise InjectedStallError("read timed out (injected stall)", request=_request_of(scope))
        if kind == "html_502":
            page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
            await self._answer(send, 502, [(b"content-type", b"text/html")], page)
        elif kind == "error_500_after":
            await self._answer(send, 500, json_type, b'{"error": "Internal Server Error"}')
        elif kind == "envelope_500":
            body = b'{"success": false, "statusCode": 500, "message": "Something went wrong"}'
            await self._answer(send, 200, json_type, body)
        elif kind == "truncated":
            await self._answer(send, done.status, headers, bytes(done.body[: len(done.body) // 2]))
        elif kind == "invalid_json":
            await self._answer(send, done.status, headers, b"<html><body>OK</body></html>")
        else:  # slow_body
            await self._start(send, done.status, headers, len(done.body))
            step = max(1, len(done.body) // 4)
            for i in range(0, len(done.body), step):
                await anyio.sleep(self.plan.slow / 4)
                chunk = bytes(done.body[i : i + step])
                more = i + step < len(done.body)
                await send({"type": "http.response.body", "body": chunk, "more_body": more})
            if not done.body:
                await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _start(
        send: Send, status: int, headers: list[tuple[bytes, bytes]], size: int
    ) -> None:
        headers = [*_without_length(headers), (b"content-length", str(size).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})

    async def _answer(
        self, send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        await self._start(send, status, headers, len(body))
        await send({"type": "http.response.body", "body": body})
