"""The ``X-RateLimit-*`` and ``Retry-After`` headers, parsed into one value."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    import httpx

__all__ = ["RateLimit", "parse_retry_after", "resolve_rate_limit"]

#: A reset or retry time further out than this is garbage, not a plan.
_MAX_REASONABLE_SECONDS: Final = 366 * 24 * 3600.0
_MAX_TIMESTAMP: Final = 253402300799.0  # 9999-12-31T23:59:59Z


@attrs.frozen(kw_only=True)
class RateLimit:
    """What the server said about its rate limit on one response.

    Every field is ``None`` when its header was absent or unreadable.

    Attributes:
        limit: Requests allowed in the current window (``X-RateLimit-Limit``).
        remaining: Requests left in the window (``X-RateLimit-Remaining``).
        reset_at: When the window resets (``X-RateLimit-Reset``, a Unix timestamp).
        retry_after: Seconds to wait before retrying (``Retry-After``, on 429s).
    """

    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None
    retry_after: float | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers, *, now: float | None = None) -> RateLimit | None:
        """Read the headers; ``None`` when the response carries none of them."""
        limit = headers.get("x-ratelimit-limit")
        remaining = headers.get("x-ratelimit-remaining")
        reset = headers.get("x-ratelimit-reset")
        retry_after = headers.get("retry-after")
        if limit is None and remaining is None and reset is None and retry_after is None:
            return None
        return cls(
            limit=_parse_count(limit),
            remaining=_parse_count(remaining),
            reset_at=_parse_timestamp(reset),
            retry_after=parse_retry_after(retry_after, now=now),
        )

    def __str__(self) -> str:
        parts = []
        if self.remaining is not None:
            of = f" of {self.limit}" if self.limit is not None else ""
            parts.append(f"{self.remaining}{of} requests left")
        if self.reset_at is not None:
            parts.append(f"window resets {self.reset_at:%H:%M:%S} UTC")
        if self.retry_after is not None:
            parts.append(f"retry after {self.retry_after:g}s")
        return "; ".join(parts) or "no rate-limit headers"

    def seconds_until_reset(self, *, now: float | None = None) -> float | None:
        """Seconds from ``now`` (Unix time) until the window resets, never negative."""
        if self.reset_at is None:
            return None
        current = time.time() if now is None else now
        return max(0.0, self.reset_at.timestamp() - current)


def _parse_count(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    if not value.isdecimal() or not value.isascii() or len(value) > 18:  # noqa: PLR2004
        return None
    return int(value)


def _parse_number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    if number != number or number < 0:  # NaN or negative  # noqa: PLR0124
        return None
    return number


def _parse_timestamp(value: str | None) -> datetime | None:
    if value is None:
        return None
    number = _parse_number(value.strip())
    if number is None or number > _MAX_TIMESTAMP:
        return None
    return datetime.fromtimestamp(number, tz=UTC)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    seconds = _parse_number(value)
    if seconds is None:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        current = time.time() if now is None else now
        seconds = max(0.0, when.timestamp() - current)
    if seconds > _MAX_REASONABLE_SECONDS:
        return None
    return seconds


def resolve_rate_limit(source: RateLimit | httpx.Headers | None) -> RateLimit | None:
    """The `RateLimit` of a source, parsing headers if that is what it is."""
    if source is None or isinstance(source, RateLimit):
        return source
    return RateLimit.from_headers(source)
