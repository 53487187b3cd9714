"""The one sliding window: at most ``limit`` events in any ``span`` seconds.

The client's `Throttle` (`shared_auth._throttle`) waits on it for a free slot; each sandbox
counts its requests in one per key and answers 429 when it is full, reporting a
`RateDecision` in the documented headers.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

__all__ = ["RateDecision", "SlidingLog"]


@dataclass(frozen=True, slots=True)
class RateDecision:
    """A sandbox's verdict on one request and what its ``X-RateLimit-*`` headers report.

    Attributes:
        allowed: Whether the request was counted (``False``: answer 429).
        limit: The window's limit.
        remaining: Requests left in the window.
        reset: When the oldest counted request leaves the window (Unix seconds, rounded up).
        retry_after: Seconds until a refused request may be retried; ``None`` when allowed.
    """

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int | None = None

    def headers(self) -> dict[str, str]:
        """The documented headers, plus ``Retry-After`` on a refusal."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }
        if not self.allowed and self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class SlidingLog:
    """The times of the events inside a sliding window of ``span`` seconds.

    Not thread-safe: its owner holds the lock (a thread lock in a sandbox, an anyio lock
    in the client's throttle).

    Args:
        limit: Events allowed in any window.
        span: The window in seconds.

    Raises:
        ValueError: ``limit`` is below 1 or ``span`` is not positive.
    """

    __slots__ = ("_times", "limit", "span")

    def __init__(self, limit: int, span: float) -> None:
        if limit < 1 or span <= 0:
            msg = f"a sliding window needs limit >= 1 and span > 0; got {limit} per {span}s"
            raise ValueError(msg)
        self.limit = limit
        self.span = span
        self._times: deque[float] = deque()

    def __len__(self) -> int:
        return len(self._times)

    def prune(self, now: float) -> None:
        """Forget the events that have left the window ending at ``now``."""
        times = self._times
        while times and times[0] <= now - self.span:
            times.popleft()

    def remaining(self) -> int:
        """Events the window still has room for (after `prune`)."""
        return max(self.limit - len(self._times), 0)

    def add(self, now: float) -> None:
        """Count one event at ``now``."""
        self._times.append(now)

    def drop_oldest(self) -> None:
        """Forget the oldest event (its time is known to be up)."""
        self._times.popleft()

    def frees_at(self, now: float) -> float:
        """When the oldest event leaves the window (``now + span`` for an empty one)."""
        return (self._times[0] if self._times else now) + self.span

    def decision(self, now: float, *, allowed: bool, wall_now: float | None = None) -> RateDecision:
        """The verdict to report for a request at ``now``, counted or refused.

        Args:
            now: The time the window is measured in.
            allowed: Whether the request was counted.
            wall_now: Unix seconds at ``now``, when the window runs on another clock
                (monotonic); ``None`` when ``now`` is already Unix seconds.
        """
        frees_at = self.frees_at(now)
        reset = frees_at if wall_now is None else wall_now + (frees_at - now)
        return RateDecision(
            allowed=allowed,
            limit=self.limit,
            remaining=self.remaining(),
            reset=math.ceil(reset),
            retry_after=None if allowed else max(1, math.ceil(frees_at - now)),
        )
