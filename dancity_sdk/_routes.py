"""Each declared operation as the shared pipeline's [`Route`][shared_auth.Route].

The facts (method, path, family, idempotency, throttles) are those of
`dancity_sdk._spec`; this module only adds what to say when a purchase's outcome is
unknown, and which catalog method lists the valid values when the API refuses one.
"""

from __future__ import annotations

import functools
from typing import Final

from dancity_sdk._spec import Operation
from shared_auth._routes import Route, declared_route

__all__ = ["route_for"]

_RECONCILE: Final = (
    "reconcile with client.vas.transactions.reconcile('{reference}') instead of "
    "buying again (the docs advise polling every 10-30 s)"
)


_PLANS: Final = (
    "client.vas.catalog.{kind}_plans(product=...) lists the valid plans: pass a plan's plan_id"
)
_PRODUCTS: Final = (
    "client.vas.catalog.products(service=...) lists the valid products (and "
    "client.vas.catalog.services() the services): pass a product's name"
)
#: Where the valid values of what an operation names are listed.
_CATALOG_OF: Final = {
    "data.buy": _PLANS.format(kind="data"),
    "cable.buy": _PLANS.format(kind="cable"),
    "cable.validate": _PLANS.format(kind="cable"),
    "internet.buy": _PLANS.format(kind="internet"),
    "airtime.buy": _PRODUCTS,
    "electricity.buy": _PRODUCTS,
    "electricity.validate": _PRODUCTS,
    "education.purchase": _PRODUCTS,
    "education.validate_product": _PRODUCTS,
    "betting.fund": _PRODUCTS,
    "esim.purchase": (
        "client.vas.esim.packages(...) lists the valid packages (for a top-up: "
        "client.vas.esim.topup_packages(iccid=...)): pass a package's package_code"
    ),
}


@functools.cache
def route_for(op: Operation) -> Route:
    """The route of one declared operation (built once per operation)."""
    return declared_route(
        op,
        family=op.family,
        outcome_advice=None if op.idempotent else _RECONCILE,
        refusal_advice=_CATALOG_OF.get(op.name),
    )
