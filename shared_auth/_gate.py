"""What stands between a call and the connection pool: the admission gate, the attempt bound.

**The gate.** httpcore's pool scans every waiting request on each release, so thousands of
tasks queued inside it cost more in bookkeeping than the requests themselves. A client
therefore admits at most as many requests at once as its pool has connections, first come
first served, and the others wait at the gate (an ``anyio.Semaphore``: FIFO on asyncio and
trio; a slot freed is handed to the oldest waiter, never to a newcomer). One gate serves a
client, its ``with_options`` copies and its blocking twin: they share one pool. A slot is
held for one attempt (send and body read) and released before any backoff.

**The bound.** httpx's own socket transport applies the per-phase timeouts (clamped to what
is left of the deadline) itself. Other transports — ``ASGITransport``, an async
``MockTransport`` handler, the aiohttp transport, a user's own — may ignore them, so there
an attempt is bounded as a whole, by a cancel scope.
"""

from __future__ import annotations

import inspect
import sys
import weakref
from typing import TYPE_CHECKING, Final

import httpx

if TYPE_CHECKING:
    import anyio

__all__ = ["DEFAULT_MAX_CONCURRENCY", "Gate", "bounds_itself", "pool_size", "send_within"]

#: The gate's size when the pool's own is unknown (a transport without a connection limit,
#: such as an in-process ASGI app) or unbounded: httpx's default ``max_connections``.
DEFAULT_MAX_CONCURRENCY: Final = 100


def pool_size(client: httpx.AsyncClient) -> int | None:
    """The connection limit of ``client``'s transport (``None``: unknown or unbounded)."""
    transport = getattr(client, "_transport", None)
    limits = getattr(transport, "limits", None)  # httpx-aiohttp keeps its Limits
    if isinstance(limits, httpx.Limits):
        size = limits.max_connections
    else:  # httpx.AsyncHTTPTransport: httpcore's pool (unbounded is sys.maxsize there)
        size = getattr(getattr(transport, "_pool", None), "_max_connections", None)
    if isinstance(size, int) and 0 < size < sys.maxsize:
        return size
    return None


def bounds_itself(client: httpx.AsyncClient) -> bool:
    """Whether every transport of ``client`` ends an attempt within the request's timeouts.

    True for httpx's socket transport (it applies each phase's timeout), and for a
    ``MockTransport`` whose handler is a plain function: it cannot wait on anything, and a
    cancel scope could not interrupt it anyway. Anything else gets a cancel scope.
    """
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    return all(_bounds_itself(t) for t in transports if t is not None)


def _bounds_itself(transport: object) -> bool:
    if type(transport) is httpx.AsyncHTTPTransport:
        return True
    if type(transport) is httpx.MockTransport:
        handler = transport.handler
        return not (
            inspect.iscoroutinefunction(handler)
            or inspect.iscoroutinefunction(getattr(handler, "__call__", None))  # noqa: B004
        )
    return False


#: The gate of each httpx client whose size comes from its pool: SDK clients that share one
#: ``http_client`` (clients of two APIs, say) share its pool, so they share its gate.
_POOL_GATES: weakref.WeakKeyDictionary[httpx.AsyncClient, tuple[int, anyio.Semaphore]] = (
    weakref.WeakKeyDictionary()
)


class Gate:
    """The admission gate of one connection pool, opened by the first call (in its loop).

    Attributes:
        size: How many requests may be in flight at once (``None`` until opened).
        semaphore: The FIFO semaphore (``None`` until opened).
        bounded: Whether attempts need a cancel scope of their own (see `bounds_itself`).
    """

    __slots__ = ("_fixed", "bounded", "semaphore", "size")

    def __init__(self, max_concurrency: int | None = None) -> None:
        self._fixed = max_concurrency
        self.size = max_concurrency
        self.semaphore: anyio.Semaphore | None = None
        self.bounded = False

    def open(self, client: httpx.AsyncClient) -> anyio.Semaphore:
        """Size the gate from ``client``'s pool (unless fixed) and create its semaphore.

        Unless ``max_concurrency`` fixed its size, the gate is the pool's own: every SDK
        client sending through ``client`` waits at the same one.
        """
        import anyio  # noqa: PLC0415 - loaded with the first call, not the package

        self.bounded = not bounds_itself(client)
        if self._fixed is not None:
            self.size = self._fixed
            semaphore = anyio.Semaphore(self._fixed)
        else:
            shared = _POOL_GATES.get(client)
            if shared is None:
                size = pool_size(client) or DEFAULT_MAX_CONCURRENCY
                shared = _POOL_GATES[client] = (size, anyio.Semaphore(size))
            self.size, semaphore = shared
        self.semaphore = semaphore
        return semaphore


async def send_within(
    client: httpx.AsyncClient, request: httpx.Request, auth: httpx.Auth, limit: float, why: str
) -> httpx.Response:
    """Send ``request``, cut after ``limit`` seconds (a read timeout: it was sent)."""
    from anyio import move_on_after  # noqa: PLC0415 - loaded already

    with move_on_after(limit):
        return await client.send(request, auth=auth)
    transport = type(getattr(client, "_transport", None)).__name__
    msg = (
        f"no answer within {limit:.3g}s ({why}); the SDK cut the attempt because "
        f"{transport} does not apply httpx's timeouts itself"
    )
    raise httpx.ReadTimeout(msg, request=request)
