"""Fault injection for purchases: a 500, a stall, or a dropped connection after processing.

Each fault is queued by [`DancitySandbox.fail_next`][dancity_sdk.testing.DancitySandbox.fail_next]
and consumed by the next purchase that records a transaction, so a rejected (400) purchase does not
use it up. Every fault happens *after* the wallet was charged and the transaction recorded: exactly
the case in which a client cannot know the outcome and must requery instead of buying again.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Final, Literal

import anyio
import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from dancity_sdk.testing._wire import envelope_error

FaultKind = Literal["server_error", "delay", "drop"]
FAULT_KINDS: Final[tuple[FaultKind, ...]] = ("server_error", "delay", "drop")
DEFAULT_DELAY: Final = 30.0


class DroppedConnectionError(httpx.RemoteProtocolError):
    """The sandbox hung up after processing a purchase (fault ``"drop"``).

    In-process (``httpx.ASGITransport``) the client sees this exception, an
    ``httpx.TransportError``; over a socket it sees the connection close mid-response.
    """

    __module__ = "dancity_sdk.testing"  # where users import it from (tracebacks, pickles)


@dataclass(frozen=True, slots=True)
class Fault:
    """One queued fault."""

    kind: FaultKind
    delay: float = DEFAULT_DELAY


class FaultQueue:
    """Faults waiting for the next processed purchases, first in first out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()

    def push(self, fault: Fault) -> None:
        """Queue ``fault`` for the next processed purchase."""
        with self._lock:
            self._queue.append(fault)

    def pop(self) -> Fault | None:
        """The fault for the purchase being answered now, if any."""
        with self._lock:
            return self._queue.popleft() if self._queue else None


class _DroppedResponse(Response):
    """Starts a response, then fails: uvicorn closes the socket, ASGITransport re-raises."""

    def __init__(self, request: Request) -> None:
        super().__init__(status_code=200)
        self._request = httpx.Request(request.method, str(request.url))

    async def __call__(self, _scope: Scope, _receive: Receive, send: Send) -> None:
        # A promised body that never comes is what a dropped connection looks like.
        headers = [(b"content-type", b"application/json"), (b"content-length", b"1024")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        message = "Server disconnected without sending a response (sandbox fault: drop)."
        raise DroppedConnectionError(message, request=self._request)


async def apply(fault: Fault | None, request: Request, response: Response) -> Response:
    """Answer a processed purchase as ``fault`` dictates (``response`` when there is none)."""
    if fault is None:
        return response
    if fault.kind == "server_error":
        message = "Sorry, something went wrong. Please try again later"
        return envelope_error(500, message).response()
    if fault.kind == "delay":
        await anyio.sleep(fault.delay)
        return response
    return _DroppedResponse(request)
