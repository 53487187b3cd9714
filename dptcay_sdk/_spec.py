"""Every dptcay operation, rate plan and key format, declared once.

The dptcay docs fix the paths, scopes, rate plans and key kinds; the request fields are
this project's wire contract (the docs are silent on them). This module is plain data, with
no client, resource or network import, so the client (to build its routes), the sandbox
(to route requests and refuse fields the contract does not name) and the error module all
read the same declarations:

>>> from dptcay_sdk._spec import OPERATIONS
>>> op = OPERATIONS["payments.get"]
>>> op.method, op.path, op.scope, op.path_params
('GET', '/payments/{payment_id}', 'payments:read', ('payment_id',))
>>> [f.name for f in OPERATIONS["refunds.create"].body_fields if f.required]
['payment_id']
>>> OPERATIONS["keys.revoke"].idempotent
True

Lookup API:

* ``OPERATIONS[name]`` → [`Operation`][dptcay_sdk._spec.Operation], ``name`` being the SDK
  method, ``"<resource>.<method>"``; paths are below [`BASE_PATH`][dptcay_sdk._spec.BASE_PATH];
* ``SANDBOX_OPERATIONS[name]`` → the sandbox's own control routes (no scope: any valid
  test key may drive the simulation);
* ``RATE_PLANS[name]`` → [`RatePlanSpec`][dptcay_sdk._spec.RatePlanSpec];
* ``KEY_PATTERN``, ``LIVE_KEY_PREFIX``, ``TEST_KEY_PREFIX`` and ``KEY_FORMAT``: what a
  key looks like (the floor's ``DptcayKeyAuth`` keeps its own copy: ``shared_auth`` may
  not import an SDK).

Throttles: every operation counts against ``"key"``, the documented per-key window.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

import attrs

__all__ = [
    "BASE_PATH",
    "KEY_FORMAT",
    "KEY_PATTERN",
    "LIVE_KEY_PREFIX",
    "OPERATIONS",
    "RATE_PLANS",
    "SANDBOX_OPERATIONS",
    "TEST_KEY_PREFIX",
    "Field",
    "Operation",
    "RatePlanName",
    "RatePlanSpec",
]

#: Where every path below lives, under the API host (``https://api.dptcay.com/v1``).
BASE_PATH: Final = "/v1"

LIVE_KEY_PREFIX: Final = "dp_live_sk_"
TEST_KEY_PREFIX: Final = "dp_test_sk_"
#: A whole key: a prefix, then 16 or more letters and digits.
KEY_PATTERN: Final = re.compile(r"dp_(?:live|test)_sk_[A-Za-z0-9]{16,}")
#: The key format in words, for messages.
KEY_FORMAT: Final = (
    f"'{LIVE_KEY_PREFIX}…' or '{TEST_KEY_PREFIX}…' followed by at least 16 letters or digits"
)

Kind = Literal["string", "decimal", "integer", "object", "list"]


@attrs.frozen
class Field:
    """One body or query field of one operation.

    Attributes:
        name: The wire name (snake_case, as the contract writes it).
        required: Whether the request is refused without it.
        kind: Its JSON shape; ``decimal`` is money as a decimal string.
    """

    name: str
    required: bool = False
    kind: Kind = "string"


@attrs.frozen
class Operation:
    """One operation.

    Attributes:
        name: The SDK's name for it, ``"<resource>.<method>"`` (``"payments.create"``).
        method: HTTP method.
        path: Path below [`BASE_PATH`][dptcay_sdk._spec.BASE_PATH], with ``{placeholders}``.
        scope: The key scope it needs (``None``: any valid key).
        idempotent: Whether sending it twice is harmless; ``None`` infers it from the method.
        throttles: The client-side windows it counts against.
        body_fields: The JSON body's fields (none: no body).
        query_fields: The query string's fields.
        reconcile: What to do when a call's outcome is unknown; ``{reference}`` is filled in.
    """

    name: str
    method: str
    path: str
    scope: str | None
    idempotent: bool | None = None
    throttles: tuple[str, ...] = ("key",)
    body_fields: tuple[Field, ...] = ()
    query_fields: tuple[Field, ...] = ()
    reconcile: str | None = None

    @property
    def path_params(self) -> tuple[str, ...]:
        """The names of the path's ``{placeholders}``, in order."""
        return tuple(
            name for _, name, _, _ in string.Formatter().parse(self.path) if name is not None
        )

    @property
    def body_field_names(self) -> frozenset[str]:
        """The names of the body's fields."""
        return frozenset(f.name for f in self.body_fields)


def _table(*operations: Operation) -> Mapping[str, Operation]:
    return MappingProxyType({op.name: op for op in operations})


#: The operations of the public API.
OPERATIONS: Final[Mapping[str, Operation]] = _table(
    Operation(
        "payments.create",
        "POST",
        "/payments/create",
        "payments:write",
        body_fields=(
            Field("amount", required=True, kind="decimal"),
            Field("currency", required=True),
            Field("network"),
            Field("description"),
            Field("order_id"),
            Field("metadata", kind="object"),
            Field("expires_in", kind="integer"),
        ),
        # The API cannot search payments by order_id: the merchant's own records can.
        reconcile=(
            "the API cannot look payments up by order_id, so before creating it again check "
            "your payment.* webhook deliveries and the dashboard for order_id '{reference}'"
        ),
    ),
    Operation("payments.get", "GET", "/payments/{payment_id}", "payments:read"),
    Operation(
        "refunds.create",
        "POST",
        "/refunds",
        "refunds:write",
        body_fields=(
            Field("payment_id", required=True),
            Field("amount", kind="decimal"),
            Field("reason"),
        ),
        reconcile=(
            "read the payment with payments.get('{reference}'): its status and refundable "
            "remainder show whether the refund was made, before you refund again"
        ),
    ),
    Operation("currencies.list", "GET", "/currencies", "currencies:read"),
    Operation(
        "webhooks.register",
        "POST",
        "/webhooks/register",
        "webhooks:write",
        body_fields=(Field("url", required=True), Field("events", kind="list")),
    ),
    Operation(
        "keys.create",
        "POST",
        "/keys",
        "keys:write",
        body_fields=(Field("scope", required=True), Field("label")),
        reconcile="a key may have been created: check the dashboard's API Keys page",
    ),
    # Revoking twice answers the same: safe to resend.
    Operation("keys.revoke", "DELETE", "/keys/{key}", "keys:write", idempotent=True),
)

_STATUS: Final = (Field("status", required=True),)

#: The sandbox's control routes: drive the simulation, read the outbox.
SANDBOX_OPERATIONS: Final[Mapping[str, Operation]] = _table(
    Operation(
        "sandbox.move_payment",
        "POST",
        "/_sandbox/payments/{payment_id}/transition",
        None,
        body_fields=_STATUS,
    ),
    Operation(
        "sandbox.move_refund",
        "POST",
        "/_sandbox/refunds/{refund_id}/transition",
        None,
        body_fields=_STATUS,
    ),
    Operation("sandbox.deliveries", "GET", "/_sandbox/deliveries", None),
)


#: The names of the rate plans `rate_plan=` takes, for type checkers.
RatePlanName: TypeAlias = Literal["starter", "growth", "scale"]


@attrs.frozen
class RatePlanSpec:
    """A documented rate plan: ``limit`` requests per key in any ``window`` of seconds.

    Attributes:
        limit: Requests per key within any window.
        window: The window in seconds.
        burst: The documented burst; the docs do not say how it combines with the
            per-minute rate, so neither the client nor the sandbox enforces it.
    """

    limit: int
    window: float
    burst: int


#: The documented plans (Enterprise is custom: pass your own figures).
RATE_PLANS: Final[Mapping[str, RatePlanSpec]] = MappingProxyType(
    {
        "starter": RatePlanSpec(100, 60.0, burst=150),
        "growth": RatePlanSpec(500, 60.0, burst=700),
        "scale": RatePlanSpec(2000, 60.0, burst=3000),
    }
)
