"""The shared names both SDKs export beside the error tree: one list, for both.

Each SDK adds ``SOURCES`` to its table of exports and, for type checkers, star-imports this
module (whose ``__all__`` is the same list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from shared_auth._lazy import exports

__all__ = [
    "RateLimit",
    "ResultList",
    "RetryPolicy",
    "Secret",
    "aiohttp_http_client",
    "disable_tracing",
    "enable_tracing",
    "new_reference",
    "unknown_outcome",
]

if TYPE_CHECKING:
    from shared_auth._fast import aiohttp_http_client  # noqa: TC004
    from shared_auth._models import ResultList  # noqa: TC004
    from shared_auth._pipeline import RetryPolicy  # noqa: TC004
    from shared_auth._ratelimit import RateLimit  # noqa: TC004
    from shared_auth._reference import new_reference  # noqa: TC004
    from shared_auth._secret import Secret  # noqa: TC004
    from shared_auth._sync import unknown_outcome  # noqa: TC004
    from shared_auth._tracing import disable_tracing, enable_tracing  # noqa: TC004

#: Each name of ``__all__`` and the private module that defines it.
SOURCES: Final = exports(
    """
    shared_auth._fast       aiohttp_http_client
    shared_auth._models     ResultList
    shared_auth._pipeline   RetryPolicy
    shared_auth._ratelimit  RateLimit
    shared_auth._reference  new_reference
    shared_auth._secret     Secret
    shared_auth._sync       unknown_outcome
    shared_auth._tracing    disable_tracing enable_tracing
    """
)
