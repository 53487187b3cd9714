"""The kit both sandboxes are built from (private): loopback serving and the sliding window.

Nothing here knows an API: each sandbox keeps its own routes, behaviour and messages and
takes from here only the parts that are the same for both. This package imports no SDK.
"""

from __future__ import annotations

from shared_auth._sandbox._server import (
    bind,
    check_loopback,
    loopback_parser,
    make_server,
    serve_in_thread,
    url_of,
)
from shared_auth._sandbox._window import RateDecision, SlidingLog

__all__ = [
    "RateDecision",
    "SlidingLog",
    "bind",
    "check_loopback",
    "loopback_parser",
    "make_server",
    "serve_in_thread",
    "url_of",
]
