"""Sliding-window rate limits: 120 calls/min per key, 30 purchases/min on top (docs §5)."""

from __future__ import annotations

import threading

from dancity_sdk.testing._access import Clock
from shared_auth._sandbox import RateDecision, SlidingLog

__all__ = ["RateDecision", "RateLimiter"]


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
        self._windows: dict[tuple[str, bool], SlidingLog] = {}

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
                window.add(now)
            # Report the window closest to its limit: that is the one the caller must respect.
            tightest = min(windows, key=lambda window: (window.remaining(), window.limit))
            return tightest.decision(now, allowed=True)

    def _window(self, bucket: str, *, purchase: bool) -> SlidingLog:
        key = (bucket, purchase)
        if key not in self._windows:
            limit = self._purchases if purchase else self._per_key
            self._windows[key] = SlidingLog(limit, self._span)
        return self._windows[key]
