"""A client-side sliding-window throttle that keeps callers under a documented rate limit.

Collecting 429s wastes the allowance and the caller's time; waiting for a free slot in a
window the same size as the server's uses the whole allowance instead.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from shared_auth._sandbox._window import SlidingLog

__all__ = ["Throttle"]


class Throttle:
    """At most ``limit`` request starts in any ``window`` seconds.

    Waiters are served in arrival order (one lock, held while waiting for a slot), and each
    slot is kept a little longer than the window (``margin``) because the server stamps a
    request when it arrives, slightly after we stamp it when it leaves.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        margin: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if limit < 1 or window <= 0:
            msg = f"a throttle needs limit >= 1 and window > 0; got {limit} per {window}s"
            raise ValueError(msg)
        self.limit = limit
        self.window = window
        self._span = window + (min(0.25, window * 0.02) if margin is None else margin)
        self._log = SlidingLog(limit, self._span)
        self._clock = clock
        import anyio  # noqa: PLC0415 - loaded with the first throttle, not the package

        self._sleep = anyio.sleep if sleep is None else sleep
        self._lock = anyio.Lock()

    def __repr__(self) -> str:
        return f"Throttle(limit={self.limit}, window={self.window})"

    async def acquire(self) -> float:
        """Wait for a free slot and take it; return the seconds waited."""
        waited = 0.0
        async with self._lock:
            while True:
                now = self._clock()
                log = self._log
                log.prune(now)
                if log.remaining():
                    log.add(now)
                    return waited
                delay = log.frees_at(now) - now
                waited += delay
                await self._sleep(delay)
                # That slot's time is up. Re-testing it against the clock could spin forever:
                # in floating point, now + (start + span - now) can still fall short of it.
                log.drop_oldest()
