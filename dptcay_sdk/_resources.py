"""The resources of `AsyncDptcayClient`: one class per endpoint family.

A resource holds only the client's call function. Each method checks its arguments
(before any network I/O), builds the contract's body with optional fields sent only when
given, performs its route and structures the reply into a model that carries the
response's rate limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

from dptcay_sdk._exceptions import InvalidInputError
from dptcay_sdk._models import (
    ApiKey,
    Currency,
    Event,
    EventType,
    Payment,
    Refund,
    RevokedKey,
    WebhookEndpoint,
)
from dptcay_sdk._routes import ROUTES
from dptcay_sdk._validation import (
    check_amount,
    check_event_types,
    check_expires_in,
    check_key,
    check_metadata,
    check_scope,
    check_text,
    check_webhook_url,
    optional_text,
)
from shared_auth import ResultList, Secret
from shared_auth._decode import BODY, Many, One
from shared_auth._reference import new_reference
from shared_auth._routes import CallFunction

__all__ = ["Currencies", "Keys", "Payments", "Refunds", "Webhooks"]

_PAYMENT: Final = One(Payment)


async def _get_payment(call: CallFunction, payment_id: str) -> Payment:
    return await call(ROUTES["payments.get"], into=_PAYMENT, path_params={"payment_id": payment_id})


class _Resource:
    __slots__ = ("_call",)

    def __init__(self, call: CallFunction) -> None:
        self._call = call

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class Payments(_Resource):
    """``/payments``: create crypto payment requests and read them back."""

    __slots__ = ()

    async def create(
        self,
        *,
        amount: Decimal | int,
        currency: str,
        network: str | None = None,
        description: str | None = None,
        order_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
        expires_in: int | None = None,
    ) -> Payment:
        """Create a payment request (``POST /payments/create``, scope ``payments:write``).

        Args:
            amount: What the customer pays, in ``currency`` (``Decimal`` or ``int``; a
                ``float`` is refused).
            currency: The asset code, such as ``"USDC"`` or ``"BTC"``.
            network: The chain, such as ``"ethereum"`` or ``"polygon"``.
            description: Shown to the customer.
            order_id: Your reference (make it with ``new_reference()`` before the call and
                store it); one is generated when omitted. It is on the payment, on an
                ``OutcomeUnknownError`` and in the WARNING logged if the call is cancelled
                after it was sent.
            metadata: Your string key-value pairs.
            expires_in: Seconds until a pending payment expires.

        Returns:
            The payment, with its wallet address and expiry.

        Raises:
            InvalidInputError: An argument was refused (no request was sent).
            OutcomeUnknownError: The request was sent but its outcome is unknown. The API
                cannot search by ``order_id``: check your ``payment.*`` webhook deliveries
                (they carry it) before creating the payment again.
        """
        code = check_text(currency, name="currency", example="USDC")
        body: dict[str, Any] = {"amount": check_amount(amount, name="amount", currency=code)}
        body["currency"] = code
        optional_text(body, "network", network)
        optional_text(body, "description", description)
        # Always a reference, so an unknown outcome or a cancellation can be matched on the
        # payment.* webhooks (which carry it): the caller's, or a fresh one.
        optional_text(body, "order_id", new_reference() if order_id is None else order_id)
        if metadata is not None:
            body["metadata"] = check_metadata(metadata)
        if expires_in is not None:
            body["expires_in"] = check_expires_in(expires_in)
        reference = body["order_id"]
        return await self._call(
            ROUTES["payments.create"], into=_PAYMENT, json=body, reference=reference
        )

    async def get(self, payment_id: str, /) -> Payment:
        """Read a payment's current state (``GET /payments/{id}``, scope ``payments:read``).

        Raises:
            NotFoundError: No such payment.
        """
        return await _get_payment(self._call, payment_id)


class Refunds(_Resource):
    """``/refunds``: return funds of a completed payment to its sender."""

    __slots__ = ()

    async def create(
        self,
        *,
        payment_id: str,
        amount: Decimal | int | None = None,
        reason: str | None = None,
    ) -> Refund:
        """Refund a payment in full or in part (``POST /refunds``, scope ``refunds:write``).

        Args:
            payment_id: The completed payment to refund.
            amount: How much to refund; ``None`` refunds the whole refundable remainder.
            reason: Why, for your records.

        Raises:
            InvalidInputError: An argument was refused (no request was sent).
            BadRequestError: The payment is not completed, or the amount exceeds what
                is left to refund.
            OutcomeUnknownError: The request was sent but its outcome is unknown.
        """
        body: dict[str, Any] = {
            "payment_id": check_text(payment_id, name="payment_id", example="pay_01HZX3")
        }
        if amount is not None:
            body["amount"] = check_amount(amount, name="amount")
        optional_text(body, "reason", reason)
        return await self._call(
            ROUTES["refunds.create"], into=One(Refund), json=body, reference=payment_id
        )


class Currencies(_Resource):
    """``/currencies``: the supported assets with rates, fees and confirmations."""

    __slots__ = ()

    async def list(self) -> ResultList[Currency]:
        """List every supported asset and network (``GET /currencies``)."""
        # The contract wraps the list in ``data``; a bare list is read too.
        return await self._call(ROUTES["currencies.list"], into=Many(Currency, at=("data", BODY)))


class Webhooks(_Resource):
    """``/webhooks``: register endpoints, and verify deliveries by fetching them back.

    The dptcay docs define no signature for webhook deliveries, so this SDK checks none
    and invents none: treat a delivery as a hint, parse it with
    [`dptcay_sdk.parse_event`][dptcay_sdk.parse_event] and trust only what
    [`fetch_event_object`][dptcay_sdk.Webhooks.fetch_event_object] reads back from the API.
    """

    __slots__ = ()

    async def register(
        self, *, url: str, events: Iterable[EventType | str] | None = None
    ) -> WebhookEndpoint:
        """Register a URL for event deliveries (``POST /webhooks/register``).

        Args:
            url: An absolute ``https://`` URL.
            events: The event types to receive; ``None`` receives all. Unknown types are
                refused, listing the known ones.

        Raises:
            InvalidInputError: An argument was refused (no request was sent).
        """
        body: dict[str, Any] = {"url": check_webhook_url(url)}
        if events is not None:
            body["events"] = check_event_types(events)
        return await self._call(ROUTES["webhooks.register"], into=One(WebhookEndpoint), json=body)

    async def fetch_event_object(self, event: Event, /) -> Payment:
        """Fetch the authoritative state of the payment an event is about.

        A delivery is unsigned, so its ``data`` may be forged or stale; the payment
        read back with ``GET /payments/{id}`` is the truth. Act on what this returns,
        never on ``event.data``.

        Refund and dispute events cannot be verified this way: the API has no route to
        read a refund or a dispute back. For a refund event, check its payment instead
        (``payments.get(event.data.payment_id)``: its status becomes
        ``partially_refunded`` or ``refunded``).

        Raises:
            InvalidInputError: The event is not about a payment (no request was sent).
            NotFoundError: The API knows no such payment (the event may be forged).
        """
        data = event.data
        if isinstance(data, Payment):
            return await _get_payment(self._call, data.id)
        if isinstance(data, Refund):
            msg = (
                f"a {event.type} event cannot be verified by fetching: the dptcay API has no "
                "route to read a refund back. Check the refunded payment instead with "
                f"payments.get({data.payment_id!r})"
            )
        else:
            msg = (
                f"a {event.type} event is not about a payment, and the dptcay API has no "
                "route to read its object back; only payment.* events can be verified"
            )
        raise InvalidInputError(msg, field="event")


class Keys(_Resource):
    """``/keys``: create and revoke API keys (see also ``client.rotate_key``)."""

    __slots__ = ()

    async def create(self, *, scope: str, label: str | None = None) -> ApiKey:
        """Create an API key (``POST /keys``), authenticated with the client's key.

        Args:
            scope: ``"read"`` (every ``*:read`` scope) or ``"write"`` (every scope).
            label: A name for the key in the dashboard.

        Returns:
            The key, whose ``key`` the API shows only this once: store it now.
        """
        body: dict[str, Any] = {"scope": check_scope(scope)}
        optional_text(body, "label", label)
        return await self._call(ROUTES["keys.create"], into=One(ApiKey), json=body)

    async def revoke(self, key: str | Secret, /) -> RevokedKey:
        """Revoke a key (``DELETE /keys/{key}``); it gets 401 from then on.

        The key travels in the URL path (percent-encoded), as the docs define; it is
        masked in this SDK's and httpx's log records and in every error message.

        Raises:
            InvalidInputError: ``key`` is not a dptcay key (no request was sent).
            NotFoundError: The API knows no such key.
        """
        path_params = {"key": check_key(key)}
        return await self._call(
            ROUTES["keys.revoke"], into=One(RevokedKey), path_params=path_params
        )
