"""Sliding-window rate limits: 120 calls/min per key, 30 purchases/min on top (docs §5)."""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field

from dancity_sdk.testing._access import Clock


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The verdict on one request and the numbers its ``X-RateLimit-*`` headers report."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """The documented headers; ``Retry-After`` only on a refusal (a sandbox addition)."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


@dataclass(slots=True)
class _Window:
    limit: int
    span: float
    hits: deque[float] = field(default_factory=deque)

    def prune(self, now: float) -> None:
        while self.hits and self.hits[0] <= now - self.span:
            self.hits.popleft()

    def remaining(self) -> int:
        return max(self.limit - len(self.hits), 0)

    def frees_at(self, now: float) -> float:
        """When the oldest hit leaves the window (``now + span`` for an empty window)."""
        return (self.hits[0] if self.hits else now) + self.span

    def decision(self, now: float, *, allowed: bool) -> RateDecision:
        frees_at = self.frees_at(now)
        return RateDecision(
            allowed=allowed,
            limit=self.limit,
            remaining=self.remaining(),
            reset=math.ceil(frees_at),
            retry_after=max(math.ceil(frees_at - now), 1),
        )


class RateLimiter:
    """Per-bucket sliding windows; a purchase must fit both the global and purchase windows."""

    def __init__(self, *, per_key: int, purchases: int, window: float, clock: Clock) -> None:
        if per_key < 1 or purchases < 1 or window <= 0:
            raise ValueError("rate limits and the window must be positive")
        self._per_key = per_key
        self._purchases = purchases
        self._span = window
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, bool], _Window] = {}

    def hit(self, bucket: str, *, purchase: bool) -> RateDecision:
        """Count one request for ``bucket`` unless a window is full; refused hits don't count."""
        now = self._clock()
        with self._lock:
            windows = [self._window(bucket, purchase=False)]
            if purchase:
                windows.append(self._window(bucket, purchase=True))
            for window in windows:
                window.prune(now)
            full = [window for window in windows if window.remaining() == 0]
            if full:
                return max(full, key=lambda window: window.frees_at(now)).decision(
                    now, allowed=False
                )
            for window in windows:
                window.hits.append(now)
            # Report the window closest to its limit: that is the one the caller must respect.
            tightest = min(windows, key=lambda window: (window.remaining(), window.limit))
            return tightest.decision(now, allowed=True)

    def _window(self, bucket: str, *, purchase: bool) -> _Window:
        key = (bucket, purchase)
        if key not in self._windows:
            limit = self._purchases if purchase else self._per_key
            self._windows[key] = _Window(limit=limit, span=self._span)
        return self._windows[key]
