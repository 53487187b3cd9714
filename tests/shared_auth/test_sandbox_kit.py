"""The sandbox kit both sandboxes share: the sliding window and the loopback guard."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shared_auth._sandbox import SlidingLog, check_loopback


def test_the_window_counts_refuses_and_frees() -> None:
    log = SlidingLog(2, 10.0)
    log.prune(100.0)
    log.add(100.0)
    log.add(104.0)
    refused = log.decision(105.0, allowed=False)
    assert (refused.remaining, refused.reset, refused.retry_after) == (0, 110, 5)
    assert refused.headers() == {
        "X-RateLimit-Limit": "2",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "110",
        "Retry-After": "5",
    }
    log.prune(110.0)  # the event at 100.0 leaves the window exactly at 110.0
    assert (len(log), log.remaining()) == (1, 1)
    allowed = log.decision(110.0, allowed=True, wall_now=1_700_000_000.5)
    assert (allowed.reset, allowed.retry_after) == (1_700_000_005, None)
    assert "Retry-After" not in allowed.headers()


@pytest.mark.parametrize(("limit", "span"), [(0, 1.0), (1, 0.0)])
def test_the_window_refuses_impossible_limits(limit: int, span: float) -> None:
    with pytest.raises(ValueError, match="limit >= 1 and span > 0"):
        SlidingLog(limit, span)


@pytest.mark.parametrize(
    ("host", "address"), [("localhost", "127.0.0.1"), ("127.0.0.2", "127.0.0.2"), ("::1", "::1")]
)
def test_loopback_hosts_are_served(host: str, address: str) -> None:
    assert check_loopback(host) == address


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])  # noqa: S104 - refused
def test_other_hosts_are_refused(host: str) -> None:
    with pytest.raises(ValueError, match="non-loopback host"):
        check_loopback(host)


def test_the_kit_imports_no_sdk() -> None:
    code = (
        "import sys, shared_auth._sandbox; "
        "loaded = [m for m in sys.modules if m.startswith(('dptcay_sdk', 'dancity_sdk', "
        "'uvicorn', 'starlette'))]; assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - fixed arguments
