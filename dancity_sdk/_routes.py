"""Each declared operation as the shared pipeline's :class:`Route`.

The facts (method, path, family, idempotency, throttles) are those of
:mod:`dancity_sdk._spec`; this module only adds what to say when a purchase's outcome is
unknown.
"""

from __future__ import annotations

import functools
from typing import Final

from dancity_sdk._spec import Operation
from shared_auth import Route

__all__ = ["route_for"]

_RECONCILE: Final = (
    "reconcile with client.vas.transactions.reconcile('{reference}') instead of "
    "buying again (the docs advise polling every 10-30 s)"
)


@functools.cache
def route_for(op: Operation) -> Route:
    """The route of one declared operation (built once per operation)."""
    return Route(
        op.method,
        op.path,
        family=op.family,
        idempotent=op.idempotent,
        throttles=op.throttles,
        outcome_advice=None if op.idempotent else _RECONCILE,
    )
