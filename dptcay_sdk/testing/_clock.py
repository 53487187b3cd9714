"""Clocks and timestamp rendering.

The sandbox reads two clocks: a monotonic one for the rate limiter and a wall clock for
timestamps, expiry and the ``X-RateLimit-Reset`` header. Both are injectable so tests can
move time forward instead of sleeping.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

# 2027-01-15T08:00:00Z: a fixed, obviously synthetic instant for deterministic tests.
DEFAULT_START = 1_800_000_000.0


class ManualClock:
    """A clock that only moves when told to; pass it as ``clock`` and ``wall_clock``.

    The same instance can serve as both clocks: its value never decreases, which is all
    the monotonic clock needs, and it reads as a Unix timestamp for the wall clock.

    Args:
        start: The Unix timestamp the clock starts at.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"

    def advance(self, seconds: float) -> None:
        """Move the clock forward.

        Args:
            seconds: How far to move; must not be negative.

        Raises:
            ValueError: If ``seconds`` is negative.
        """
        if seconds < 0:
            raise ValueError("a ManualClock only moves forward")
        with self._lock:
            self._now += seconds


def iso(timestamp: float) -> str:
    """Render a Unix timestamp as ISO 8601 in UTC with a ``Z`` suffix, to the second."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
