"""The shared names both SDKs export beside the error tree: one table, for both.

Each SDK adds these rows to its table of exports (and, for type checkers, imports each name
in its ``if TYPE_CHECKING:`` block).
"""

from __future__ import annotations

from typing import Final

from shared_auth._lazy import exports

__all__ = ["SOURCES"]

#: Each shared name an SDK exports, by the private module that defines it.
SOURCES: Final = exports(
    """
    shared_auth._fast       aiohttp_http_client AiohttpClientOptions
    shared_auth._models     ResultList
    shared_auth._outcomes   RetryPolicy
    shared_auth._ratelimit  RateLimit
    shared_auth._reference  new_reference
    shared_auth._secret     Secret
    shared_auth._sync       unknown_outcome
    shared_auth._tracing    disable_tracing enable_tracing
    """
)
