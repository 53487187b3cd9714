"""Fault injection in front of either sandbox: latency, error statuses, dropped connections.

[`FaultInjector`][shared_auth.testing.FaultInjector] wraps any ASGI app (either SDK's
``Sandbox().app``) and applies queued faults to the requests that match them, first in first out. It
is plain ASGI with anyio, so it needs nothing beyond the SDK's own dependencies and works in-process
(``httpx.ASGITransport``) and over loopback (``sandbox.serve_in_thread``-style servers)::

    faults = FaultInjector(sandbox.app)
    faults.delay_next(5.0, method="POST", path="/payments")  # a slow payment creation
    faults.fail_next(503)                                     # the next request: a 503
    faults.drop_next(path="/payments")                        # processed, then hung up

A delayed request waits *before* it reaches the app, and is abandoned if the client
disconnects meanwhile (as a server cancels a handler whose client went away), so a test can
tell a cancelled call from one that went on in the background: `FaultInjector.abandoned`
counts those.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import anyio
import httpx

from shared_auth._webhook_sender import (
    RETRY_SCHEDULE,
    DeliveryAttempt,
    OutgoingWebhook,
    WebhookFaults,
    WebhookSender,
)

__all__ = [
    "RETRY_SCHEDULE",
    "ASGIApp",
    "DeliveryAttempt",
    "Fault",
    "FaultInjector",
    "OutgoingWebhook",
    "WebhookFaults",
    "WebhookSender",
]

ASGIMessage = dict[str, Any]
#: What `FaultInjector` wraps: an ASGI app (either sandbox's ``app``, any Starlette app,
#: another `FaultInjector`), ``await app(scope, receive, send)``.
ASGIApp = Callable[
    [
        MutableMapping[str, object],
        Callable[[], Awaitable[MutableMapping[str, object]]],
        Callable[[MutableMapping[str, object]], Awaitable[None]],
    ],
    Awaitable[None],
]
FaultKind = Literal["delay", "status", "drop"]
_RESPONSE_HEADERS: Final = [(b"content-type", b"application/json")]


@dataclass(frozen=True, slots=True)
class Fault:
    """One queued fault and the requests it applies to (``None`` matches any)."""

    kind: FaultKind
    method: str | None = None
    path: str | None = None
    seconds: float = 0.0
    status: int = 500

    def matches(self, method: str, path: str) -> bool:
        """Whether a request to ``method path`` takes this fault (``path`` is contained)."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or self.path in path


class FaultInjector:
    """An ASGI app that applies queued `Fault`s, then hands requests to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._faults: deque[Fault] = deque()
        #: Requests that reached a delay fault (set when the first one arrives).
        self.delayed: threading.Event = threading.Event()
        #: Delayed requests whose client disconnected before the delay ended.
        self.abandoned: int = 0

    def delay_next(
        self, seconds: float, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Hold the next matching request ``seconds`` before it reaches the app."""
        self._push(Fault("delay", method, path, seconds=seconds))

    def fail_next(
        self, status: int = 500, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Answer the next matching request with ``status`` without processing it."""
        self._push(Fault("status", method, path, status=status))

    def drop_next(self, *, method: str | None = None, path: str | None = None) -> None:
        """Process the next matching request, then hang up before the response body."""
        self._push(Fault("drop", method, path))

    def pending(self) -> list[Fault]:
        """The faults not yet used."""
        with self._lock:
            return list(self._faults)

    def _push(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    self._faults.remove(fault)
                    return fault
        return None

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        """The ASGI entry point."""
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        fault = self._take(scope["method"], scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "status":
            await _answer(send, fault.status)
        elif fault.kind == "drop":
            await self.app(scope, receive, _dropping(scope, send))
        else:
            await self._delayed(fault.seconds, scope, receive, send)

    async def _delayed(
        self, seconds: float, scope: MutableMapping[str, Any], receive: Any, send: Any
    ) -> None:
        body: list[ASGIMessage] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.append(message)
            if not message.get("more_body", False):
                break
        self.delayed.set()
        with anyio.move_on_after(seconds):
            if (await receive())["type"] == "http.disconnect":
                with self._lock:
                    self.abandoned += 1
                return
        replay = iter(body)

        async def replayed() -> ASGIMessage:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)


async def _answer(send: Any, status: int) -> None:
    body = json.dumps({"error": "injected fault", "code": status, "message": "injected"})
    await send({"type": "http.response.start", "status": status, "headers": _RESPONSE_HEADERS})
    await send({"type": "http.response.body", "body": body.encode()})


class InjectedDropError(httpx.RemoteProtocolError):
    """The fault injector hung up mid-response (fault ``drop``).

    In-process (``httpx.ASGITransport``) the client sees this exception, an
    ``httpx.TransportError``; over a socket it sees the connection close mid-response.
    """


def _dropping(scope: MutableMapping[str, Any], send: Any) -> Any:
    async def dropping_send(message: ASGIMessage) -> None:
        if message["type"] == "http.response.start":
            kept = [h for h in message.get("headers", []) if h[0].lower() != b"content-length"]
            await send({**message, "headers": [*kept, (b"content-length", b"1048576")]})
            return
        msg = "connection dropped after processing (injected fault)"
        raise InjectedDropError(msg, request=httpx.Request(scope["method"], scope["path"]))

    return dropping_send
