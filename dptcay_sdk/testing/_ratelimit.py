"""Per-key sliding-window rate limiting (the shared kit's window) with the documented headers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from dptcay_sdk import _spec
from shared_auth._sandbox import RateDecision, SlidingLog


@dataclass(frozen=True)
class RatePlan:
    """A rate plan: ``limit`` requests per key in any sliding ``window`` of seconds.

    Args:
        limit: Requests one key may make within any window.
        window: The window length in seconds.
        burst: The documented burst allowance. The docs do not say how it combines with
            the per-minute rate, so the sandbox reports it but enforces ``limit``.
        name: A label for messages and ``repr``.
    """

    limit: int
    window: float = 60.0
    burst: int | None = None
    name: str = "custom"

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("RatePlan.limit must be at least 1")
        if self.window <= 0:
            raise ValueError("RatePlan.window must be positive")
        if self.burst is not None and self.burst < self.limit:
            raise ValueError("RatePlan.burst must not be below limit")


#: The documented plans, as ``dptcay_sdk._spec`` declares them.
RATE_PLANS: Mapping[str, RatePlan] = MappingProxyType(
    {
        name: RatePlan(plan.limit, plan.window, burst=plan.burst, name=name)
        for name, plan in _spec.RATE_PLANS.items()
    }
)


def resolve_plan(plan: str | RatePlan) -> RatePlan:
    """Return ``plan`` itself or the documented plan of that name.

    Raises:
        ValueError: For an unknown plan name.
    """
    if isinstance(plan, RatePlan):
        return plan
    try:
        return RATE_PLANS[plan]
    except KeyError:
        names = ", ".join(RATE_PLANS)
        raise ValueError(f"unknown rate plan {plan!r}; choose one of {names}") from None


class SlidingWindowLimiter:
    """A sliding log of request times per bucket (one bucket per API key).

    Refused requests are not logged, so a client that backs off as told by
    ``Retry-After`` gets in as soon as the oldest request leaves the window.

    Args:
        plan: The plan to enforce.
        clock: Monotonic seconds, used for the window arithmetic.
        wall_clock: Unix seconds, used only to express the reset time.
    """

    def __init__(
        self,
        plan: RatePlan,
        *,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
    ) -> None:
        self.plan = plan
        self._clock = clock
        self._wall_clock = wall_clock
        self._logs: dict[str, SlidingLog] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str) -> RateDecision:
        """Count one request against ``bucket`` if the window has room."""
        with self._lock:
            now = self._clock()
            log = self._logs.get(bucket)
            if log is None:
                log = self._logs[bucket] = SlidingLog(self.plan.limit, self.plan.window)
            log.prune(now)
            allowed = log.remaining() > 0
            if allowed:
                log.add(now)
            return log.decision(now, allowed=allowed, wall_now=self._wall_clock())

    def untouched(self) -> RateDecision:
        """The headers for a request that counts against no key (it failed auth)."""
        empty = SlidingLog(self.plan.limit, self.plan.window)
        return empty.decision(self._clock(), allowed=True, wall_now=self._wall_clock())
