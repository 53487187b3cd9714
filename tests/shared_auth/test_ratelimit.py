"""X-RateLimit-* and Retry-After parsing: exact for valid values, never raising for junk."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_auth import RateLimit
from shared_auth._ratelimit import parse_retry_after, resolve_rate_limit

HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after")
MAX_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z
YEAR = 366 * 24 * 3600.0


def _headers(**values: str | bytes) -> httpx.Headers:
    raw = [
        (name.replace("_", "-").encode(), v if isinstance(v, bytes) else v.encode("utf-8"))
        for name, v in values.items()
    ]
    return httpx.Headers(raw)


def test_no_rate_limit_headers_is_none() -> None:
    assert RateLimit.from_headers(httpx.Headers({"content-type": "application/json"})) is None
    assert resolve_rate_limit(None) is None


def test_all_four_headers_parse_exactly() -> None:
    headers = _headers(
        x_ratelimit_limit="100",
        x_ratelimit_remaining=" 0 ",
        x_ratelimit_reset="1700000000",
        retry_after="30",
    )
    rate_limit = RateLimit.from_headers(headers)
    assert rate_limit == RateLimit(
        limit=100,
        remaining=0,
        reset_at=datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        retry_after=30.0,
    )
    assert resolve_rate_limit(headers) == rate_limit
    assert resolve_rate_limit(rate_limit) is rate_limit


def test_a_fractional_reset_is_kept() -> None:
    rate_limit = RateLimit.from_headers(_headers(x_ratelimit_reset="1700000000.25"))
    assert rate_limit is not None
    assert rate_limit.reset_at == datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    ["-1", "+5", "1.5", "1e3", "0x10", "abc", "", " ", "5 5", "5, 5", "\u0661\u0662", "9" * 19],
)
def test_unreadable_counts_are_none(value: str) -> None:
    rate_limit = RateLimit.from_headers(_headers(x_ratelimit_limit=value))
    assert rate_limit == RateLimit()


@pytest.mark.parametrize(
    "value",
    ["-1", "nan", "NaN", "inf", "-inf", "1e400", str(MAX_TIMESTAMP + 1), "tomorrow", ""],
)
def test_unreadable_resets_are_none(value: str) -> None:
    assert RateLimit.from_headers(_headers(x_ratelimit_reset=value)) == RateLimit()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("0", 0.0), ("120", 120.0), (" 1.5 ", 1.5), ("-0", 0.0), (str(int(YEAR)), YEAR)],
)
def test_retry_after_seconds(value: str, seconds: float) -> None:
    assert parse_retry_after(value) == seconds


@pytest.mark.parametrize(
    "value", ["-1", "nan", "inf", "1e400", str(int(YEAR) + 1), "soon", "", "Mon, 99 Foo 2024"]
)
def test_unreadable_retry_after_is_none(value: str) -> None:
    assert parse_retry_after(value, now=0.0) is None
    assert parse_retry_after(None) is None


def test_retry_after_http_dates() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now=now) == 30.0
    assert parse_retry_after("Tue, 14 Nov 2023 23:13:50 +0100", now=now) == 30.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:50 -0000", now=now) == 30.0  # naive: UTC
    assert parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now=now) == 0.0  # past: no wait
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now=now) is None  # absurd


def test_seconds_until_reset() -> None:
    rate_limit = RateLimit(reset_at=datetime.fromtimestamp(1_000.0, tz=UTC))
    assert rate_limit.seconds_until_reset(now=990.0) == 10.0
    assert rate_limit.seconds_until_reset(now=2_000.0) == 0.0
    assert RateLimit().seconds_until_reset(now=0.0) is None
    assert RateLimit(reset_at=datetime(2000, 1, 1, tzinfo=UTC)).seconds_until_reset() == 0.0


def test_repr_is_plain_data() -> None:
    assert repr(RateLimit(limit=1, remaining=0)) == (
        "RateLimit(limit=1, remaining=0, reset_at=None, retry_after=None)"
    )


# --- properties -----------------------------------------------------------------------------

header_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="latin-1")),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats().map(str),
    st.datetimes(timezones=st.timezones()).map(format_datetime),
    st.datetimes().map(lambda d: format_datetime(d) + " junk"),
    st.sampled_from(["NaN", "-Infinity", "1e999", "-0", "1_000", "0x1p3", "\u0663", "\x00"]),
)


@given(values=st.tuples(header_text, header_text, header_text, header_text))
def test_arbitrary_header_values_never_raise(values: tuple[str, str, str, str]) -> None:
    raw = [(name.encode(), v.encode("utf-8")) for name, v in zip(HEADERS, values, strict=True)]
    rate_limit = RateLimit.from_headers(httpx.Headers(raw), now=1_700_000_000.0)
    assert rate_limit is not None
    for count in (rate_limit.limit, rate_limit.remaining):
        assert count is None or count >= 0
    if rate_limit.retry_after is not None:
        assert 0.0 <= rate_limit.retry_after <= YEAR
    if rate_limit.reset_at is not None:
        assert rate_limit.reset_at.tzinfo is not None
        assert rate_limit.seconds_until_reset() is not None
    for value in values:
        result = parse_retry_after(value)
        assert result is None or (0.0 <= result <= YEAR and not math.isnan(result))


@given(limit=st.integers(0, 10**18 - 1), remaining=st.integers(0, 10**18 - 1))
def test_valid_counts_parse_exactly(limit: int, remaining: int) -> None:
    headers = _headers(x_ratelimit_limit=str(limit), x_ratelimit_remaining=f" {remaining}")
    assert RateLimit.from_headers(headers) == RateLimit(limit=limit, remaining=remaining)


@given(reset=st.integers(0, MAX_TIMESTAMP))
def test_valid_resets_parse_exactly(reset: int) -> None:
    rate_limit = RateLimit.from_headers(_headers(x_ratelimit_reset=str(reset)))
    assert rate_limit == RateLimit(reset_at=datetime.fromtimestamp(reset, tz=UTC))
    assert rate_limit.reset_at is not None
    assert rate_limit.reset_at.timestamp() == reset


@given(seconds=st.floats(min_value=0.0, max_value=YEAR))
def test_valid_retry_after_seconds_parse_exactly(seconds: float) -> None:
    assert parse_retry_after(repr(seconds)) == seconds
    rate_limit = RateLimit.from_headers(_headers(retry_after=repr(seconds)))
    assert rate_limit == RateLimit(retry_after=seconds)


@given(
    now=st.integers(0, 4_000_000_000),
    ahead=st.integers(0, int(YEAR)),
)
def test_valid_retry_after_dates_parse_exactly(now: int, ahead: int) -> None:
    when = format_datetime(datetime.fromtimestamp(now + ahead, tz=UTC), usegmt=True)
    assert parse_retry_after(when, now=float(now)) == float(ahead)
