"""A clear message when an async client is used from a second event loop (or thread).

A client's connection pool, throttles and JWT refresh lock belong to the event loop that
first used it. Used from another loop, asyncio fails deep inside (``Event loop is closed``,
``... attached to a different loop``) without naming the SDK; this turns those failures,
on the error path only, into one message that says what happened and what to do.
"""

from __future__ import annotations

from typing import Final

__all__ = ["wrong_loop_error"]

#: What asyncio (and httpx/anyio on top of it) say when a loop-bound object meets another loop.
_SIGNS: Final = (
    "event loop is closed",
    "attached to a different loop",
    "different event loop",
    "bound to a different",
)


def wrong_loop_error(client: str, error: RuntimeError) -> RuntimeError | None:
    """The SDK's error for ``error`` if it is a loop mismatch, else None."""
    text = str(error).lower()
    if not any(sign in text for sign in _SIGNS):
        return None
    twin = client.removeprefix("Async")
    return RuntimeError(
        f"this {client} was used from a second event loop or thread ({error}): a client "
        "belongs to the event loop that first used it (its connections, throttles and JWT "
        f"refresh lock live there). Create one {client} per event loop — per asyncio.run() "
        f"or per thread — or, from plain threads, share one blocking {twin} instead"
    )
