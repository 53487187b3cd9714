"""The sandbox's in-memory records and their wire shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from dptcay_sdk.testing._catalog import Currency
from dptcay_sdk.testing._clock import iso
from dptcay_sdk.testing._requests import Scope, format_decimal
from shared_auth._models import JSONValue

READ_SCOPES = frozenset({"payments:read", "currencies:read"})
WRITE_SCOPES = READ_SCOPES | {"payments:write", "refunds:write", "webhooks:write", "keys:write"}


@dataclass(kw_only=True)
class ApiKey:
    """An API key; ``key`` is the secret and never shows in ``repr``."""

    id: str
    key: str = field(repr=False)
    scope: Scope
    label: str | None
    created: float
    revoked: bool = False

    @property
    def scopes(self) -> frozenset[str]:
        """The fine scopes the key holds: ``read`` keys every ``*:read``, ``write`` all."""
        return WRITE_SCOPES if self.scope == "write" else READ_SCOPES

    def created_json(self) -> dict[str, JSONValue]:
        """The creation response: the only place the full key is shown."""
        return {
            "id": self.id,
            "object": "api_key",
            "key": self.key,
            "scope": self.scope,
            "label": self.label,
            "created_at": iso(self.created),
        }

    def revoked_json(self) -> dict[str, JSONValue]:
        """The revocation response."""
        return {"id": self.id, "object": "api_key", "revoked": self.revoked}


@dataclass(kw_only=True)
class Payment:
    """A payment request and its progress."""

    id: str
    amount: Decimal
    currency: Currency
    wallet_address: str
    # The simulated customer's wallet, where refunds go; not part of the payment object.
    sender_address: str
    order_id: str | None
    metadata: dict[str, str]
    description: str | None
    created: float
    expires: float
    status: str = "pending"
    amount_received: Decimal = Decimal(0)
    confirmations: int = 0
    refund_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, JSONValue]:
        """The payment object of the contract."""
        return {
            "id": self.id,
            "object": "payment",
            "status": self.status,
            "amount": format_decimal(self.amount),
            "currency": self.currency.code,
            "network": self.currency.network,
            "wallet_address": self.wallet_address,
            "amount_received": format_decimal(self.amount_received),
            "confirmations": self.confirmations,
            "required_confirmations": self.currency.confirmations_required,
            "order_id": self.order_id,
            "metadata": dict(self.metadata),
            "description": self.description,
            "expires_at": iso(self.expires),
            "created_at": iso(self.created),
        }


@dataclass(kw_only=True)
class Refund:
    """A refund against a payment."""

    id: str
    payment_id: str
    amount: Decimal
    currency: Currency
    to_address: str
    reason: str | None
    created: float
    status: str = "pending"

    def to_json(self) -> dict[str, JSONValue]:
        """The refund object of the contract."""
        return {
            "id": self.id,
            "object": "refund",
            "payment_id": self.payment_id,
            "amount": format_decimal(self.amount),
            "currency": self.currency.code,
            "status": self.status,
            "to_address": self.to_address,
            "created_at": iso(self.created),
        }


@dataclass(frozen=True, kw_only=True)
class WebhookEndpoint:
    """A registered webhook endpoint."""

    id: str
    url: str
    events: tuple[str, ...]
    created: float

    def to_json(self) -> dict[str, JSONValue]:
        """The webhook endpoint object of the contract."""
        return {
            "id": self.id,
            "object": "webhook_endpoint",
            "url": self.url,
            "events": list(self.events),
            "created_at": iso(self.created),
        }


@dataclass(frozen=True, kw_only=True)
class WebhookDelivery:
    """One event addressed to one endpoint: an entry of ``DptcaySandbox.deliveries``.

    Attributes:
        endpoint_id: The ``whk_…`` id of the receiving endpoint.
        url: Where the event is (or would be) POSTed.
        event: The delivery body: ``{"id", "type", "created_at", "data"}``.
        status: The HTTP status the endpoint answered; None if not sent (no
            ``webhook_transport``, still queued, or the transport raised).
        error: Why sending failed, when the transport raised; otherwise None.
        pending: True while the delivery waits to be sent through the transport.
    """

    endpoint_id: str
    url: str
    event: dict[str, JSONValue]
    status: int | None = None
    error: str | None = None
    pending: bool = False

    @property
    def event_type(self) -> str:
        """The event type, such as ``"payment.completed"``."""
        return str(self.event["type"])

    def to_json(self) -> dict[str, JSONValue]:
        """The shape ``GET /v1/_sandbox/deliveries`` lists."""
        return {
            "endpoint_id": self.endpoint_id,
            "url": self.url,
            "event": self.event,
            "status": self.status,
            "error": self.error,
            "pending": self.pending,
        }
