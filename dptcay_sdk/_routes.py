"""Each declared dptcay operation as the shared pipeline's `Route`.

The facts (method, path, scope, idempotency, throttles, reconcile advice) are those of
`dptcay_sdk._spec`; a resource performs ``ROUTES["<resource>.<method>"]``. Money-moving
and creating POSTs are not idempotent, so the pipeline never resends them after the
request may have reached the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from dptcay_sdk._spec import OPERATIONS, Operation
from shared_auth._routes import Route, declared_route

__all__ = ["ROUTES", "route_for"]


def route_for(op: Operation) -> Route:
    """The route of one declared operation."""
    return declared_route(op, scope=op.scope, outcome_advice=op.reconcile)


#: Every operation's route, by the SDK method's name (``"payments.create"``).
ROUTES: Final[Mapping[str, Route]] = MappingProxyType(
    {name: route_for(op) for name, op in OPERATIONS.items()}
)
