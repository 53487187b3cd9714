"""The dptcay response models and the package's one converter.

Models hold Python values only; the wire format (decimal strings for money, ISO 8601
timestamps, open enums, ``Secret`` keys, the event's typed ``data``) lives in the
converter built by `make_dptcay_converter`; the package's one converter,
`get_converter`, is built on first use (cattrs is not imported until then).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from shared_auth import Secret
from shared_auth._models import APIObject, JSONValue, OpenEnum, make_converter

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "ApiKey",
    "Currency",
    "Event",
    "EventType",
    "KeyScope",
    "Payment",
    "PaymentStatus",
    "Refund",
    "RefundStatus",
    "RevokedKey",
    "WebhookEndpoint",
    "make_dptcay_converter",
]

_M = TypeVar("_M", bound=APIObject)


class PaymentStatus(OpenEnum):
    """Where a payment is in its lifecycle (open: a newer status arrives as a ``str``)."""

    PENDING = "pending"
    CONFIRMING = "confirming"
    COMPLETED = "completed"
    EXPIRED = "expired"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class RefundStatus(OpenEnum):
    """Where a refund is in its lifecycle (open: a newer status arrives as a ``str``)."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class EventType(OpenEnum):
    """Webhook event types the contract lists.

    Responses and deliveries may carry newer types (kept as ``str``); requests
    (``webhooks.register(events=…)``) accept only these.
    """

    PAYMENT_PENDING = "payment.pending"
    PAYMENT_CONFIRMING = "payment.confirming"
    PAYMENT_COMPLETED = "payment.completed"
    PAYMENT_EXPIRED = "payment.expired"
    PAYMENT_FAILED = "payment.failed"
    REFUND_COMPLETED = "refund.completed"
    REFUND_FAILED = "refund.failed"
    DISPUTE_OPENED = "dispute.opened"
    DISPUTE_RESOLVED = "dispute.resolved"


class KeyScope(OpenEnum):
    """The scope an API key is generated with."""

    READ = "read"
    WRITE = "write"


@attrs.frozen(kw_only=True)
class Payment(APIObject):
    """A crypto payment request.

    Attributes:
        id: The payment id (``pay_…``).
        status: The lifecycle status.
        amount: The amount asked for, in ``currency``.
        currency: The asset code (``BTC``, ``USDC``…).
        network: The chain the payment is expected on.
        wallet_address: Where the customer sends the funds.
        amount_received: What arrived so far.
        confirmations: Confirmations seen so far.
        required_confirmations: Confirmations needed to complete.
        order_id: The merchant's reference.
        description: The merchant's description.
        metadata: The merchant's string key-value pairs.
        expires_at: When a pending payment expires.
        created_at: When the payment was created.
        object: The wire object type (``"payment"``).
    """

    id: str
    status: PaymentStatus | str
    amount: Decimal
    currency: str
    network: str | None = None
    wallet_address: str | None = None
    amount_received: Decimal | None = None
    confirmations: int | None = attrs.field(default=None, repr=False)
    required_confirmations: int | None = attrs.field(default=None, repr=False)
    order_id: str | None = None
    description: str | None = None
    metadata: Mapping[str, str] | None = None
    expires_at: datetime | None = None
    created_at: datetime | None = attrs.field(default=None, repr=False)
    object: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class Refund(APIObject):
    """A full or partial refund of a completed payment, to the original sender.

    Attributes:
        id: The refund id (``ref_…``).
        payment_id: The refunded payment.
        amount: The refunded amount, in ``currency``.
        currency: The asset code.
        status: The lifecycle status.
        to_address: The wallet the funds go back to.
        reason: The merchant's reason.
        created_at: When the refund was created.
        object: The wire object type (``"refund"``).
    """

    id: str
    payment_id: str
    amount: Decimal
    currency: str
    status: RefundStatus | str
    to_address: str | None = attrs.field(default=None, repr=False)
    reason: str | None = attrs.field(default=None, repr=False)
    created_at: datetime | None = attrs.field(default=None, repr=False)
    object: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class Currency(APIObject):
    """A supported asset on one network, with its current rate and fees.

    Attributes:
        code: The asset code (``BTC``…).
        name: The asset's name.
        network: The chain.
        exchange_rate: Price of one unit in ``rate_currency``.
        rate_currency: The currency ``exchange_rate`` is quoted in.
        network_fee: The typical network fee, in the asset.
        confirmations_required: Confirmations a payment needs on this network.
        decimals: The asset's precision.
    """

    code: str
    name: str | None = None
    network: str | None = None
    exchange_rate: Decimal | None = None
    rate_currency: str | None = attrs.field(default=None, repr=False)
    network_fee: Decimal | None = attrs.field(default=None, repr=False)
    confirmations_required: int | None = attrs.field(default=None, repr=False)
    decimals: int | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class WebhookEndpoint(APIObject):
    """A registered webhook URL.

    Attributes:
        id: The endpoint id (``whk_…``).
        url: Where events are POSTed.
        events: The event types it receives.
        created_at: When it was registered.
        object: The wire object type (``"webhook_endpoint"``).
    """

    id: str
    url: str
    events: tuple[EventType | str, ...] = ()
    created_at: datetime | None = attrs.field(default=None, repr=False)
    object: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class ApiKey(APIObject):
    """A newly created API key; the only time the API shows the full key.

    Attributes:
        id: The key's id (``key_…``).
        key: The key itself; store it in a secrets manager now.
        scope: ``read`` or ``write``.
        label: The label it was created with.
        created_at: When it was created.
        object: The wire object type (``"api_key"``).
    """

    id: str
    key: Secret
    scope: KeyScope | str
    label: str | None = None
    created_at: datetime | None = attrs.field(default=None, repr=False)
    object: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class RevokedKey(APIObject):
    """The answer to a key revocation.

    Attributes:
        id: The revoked key's id (``key_…``).
        revoked: Whether the key is now revoked.
        object: The wire object type (``"api_key"``).
    """

    id: str
    revoked: bool
    object: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class Event(APIObject):
    """A webhook delivery, parsed (see [`dptcay_sdk.parse_event`][dptcay_sdk.parse_event]).

    Attributes:
        id: The event id (``evt_…``).
        type: The event type; a type newer than this SDK stays a ``str``.
        data: A [`Payment`][dptcay_sdk.Payment] for ``payment.*`` types, a
            [`Refund`][dptcay_sdk.Refund] for ``refund.*`` types, otherwise the object as sent (a
            mapping).
        created_at: When the event happened.
    """

    id: str
    type: EventType | str
    data: Payment | Refund | Mapping[str, JSONValue]
    created_at: datetime | None = None


#: Which model an event's ``data`` is, by the part of its type before the dot.
_EVENT_DATA: Final[Mapping[str, type[APIObject]]] = {"payment": Payment, "refund": Refund}


def event_data_model(event_type: str) -> type[APIObject] | None:
    """The model of an event's ``data`` (``None``: kept as the raw mapping)."""
    return _EVENT_DATA.get(event_type.partition(".")[0])


def _structure_secret(value: object, _: object) -> Secret:
    if isinstance(value, Secret):
        return value
    if not isinstance(value, str):
        msg = f"expected a string, got {type(value).__name__}"
        raise TypeError(msg)
    return Secret(value)


def _plain_decimal(value: Decimal) -> str:
    # Fixed-point, never "1E+2": the contract's money is a plain decimal string.
    return format(value, "f")


def _event_structure_hook(converter: cattrs.Converter) -> Callable[[Any, Any], Event]:
    """The structure hook that types an event's ``data`` by the event's type."""
    from cattrs.gen import make_dict_structure_fn, override  # noqa: PLC0415 - import time

    envelope = make_dict_structure_fn(
        Event,
        converter,
        extra=override(omit=True),
        _reply=override(omit=True),
        data=override(struct_hook=_keep_mapping),
    )
    known = frozenset({"id", "type", "data", "created_at"})

    def structure(raw: Any, _: Any) -> Event:
        if not isinstance(raw, Mapping):
            msg = f"expected a JSON object for Event, got {type(raw).__name__}"
            raise TypeError(msg)
        event = envelope(raw, Event)
        model = event_data_model(event.type)
        changes: dict[str, Any] = {}
        if model is not None and not isinstance(event.data, APIObject):
            changes["data"] = _structure_data(converter, event.data, model)
        if not known.issuperset(raw):
            changes["extra"] = {k: v for k, v in raw.items() if k not in known}
        # A new event rather than a changed one: models stay frozen once built.
        return attrs.evolve(event, **changes) if changes else event

    return structure


def _event_unstructure_hook(converter: cattrs.Converter) -> Callable[[Event], dict[str, Any]]:
    """The unstructure hook that writes an event's ``data`` as sent."""

    def unstructure(event: Event) -> dict[str, Any]:
        data = event.data
        return {
            **event.extra,
            "id": event.id,
            "type": converter.unstructure(event.type),
            "data": converter.unstructure(data) if isinstance(data, APIObject) else dict(data),
            "created_at": converter.unstructure(event.created_at),
        }

    return unstructure


def _keep_mapping(value: Any, _: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        msg = f"expected a JSON object, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def _structure_data(converter: cattrs.Converter, data: Any, model: type[_M]) -> _M:
    try:
        return converter.structure(data, model)
    except Exception as exc:  # noqa: BLE001 - re-raised below, wrapped
        from cattrs.errors import AttributeValidationNote, ClassValidationError  # noqa: PLC0415

        # Re-raised as cattrs does for a failing attribute, so transform_error reports
        # paths such as "$.data.amount".
        exc.__notes__ = [
            *getattr(exc, "__notes__", []),
            AttributeValidationNote("Structuring class Event @ attribute data", "data", model),
        ]
        raise ClassValidationError("While structuring Event", [exc], Event) from None


def make_dptcay_converter() -> cattrs.Converter:
    """Build the converter that reads and writes dptcay's wire format."""
    converter = make_converter()
    converter.register_unstructure_hook(Decimal, _plain_decimal)
    converter.register_structure_hook(Secret, _structure_secret)
    converter.register_unstructure_hook(Secret, Secret.get_secret_value)
    # Factories, not hooks: the code is generated on first use, keeping imports fast.
    converter.register_structure_hook_factory(
        lambda t: t is Event, lambda _, c: _event_structure_hook(c)
    )
    converter.register_unstructure_hook_factory(
        lambda t: t is Event, lambda _, c: _event_unstructure_hook(c)
    )
    return converter


#: The factory ``APIObject.to_dict`` uses for models built without a client.
make_wire_converter = make_dptcay_converter
