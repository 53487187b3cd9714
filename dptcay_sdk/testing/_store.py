"""The sandbox's state: keys, payments, refunds, and their lifecycles.

Every public method takes the store's lock, so the Python control methods may be called
from a test thread while ``serve_in_thread`` serves requests from another.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from dptcay_sdk.testing._catalog import (
    CURRENCIES,
    Currency,
    find_currency,
    networks_of,
    supported_codes,
)
from dptcay_sdk.testing._errors import (
    invalid_request,
    invalid_state,
    resource_missing,
)
from dptcay_sdk.testing._ids import IdFactory
from dptcay_sdk.testing._models import ApiKey, Payment, Refund
from dptcay_sdk.testing._requests import (
    KeyRequest,
    PaymentRequest,
    RefundRequest,
    format_decimal,
)
from dptcay_sdk.testing._webhooks import Outbox

# Forward moves a caller can ask for; refund-driven states follow from refunds instead.
PAYMENT_MOVES: Mapping[str, Sequence[str]] = {
    "pending": ("confirming", "expired", "failed"),
    "confirming": ("completed", "failed"),
}
PAYMENT_TARGETS = ("confirming", "completed", "expired", "failed")
REFUND_MOVES: Mapping[str, Sequence[str]] = {
    "pending": ("processing", "failed"),
    "processing": ("completed", "failed"),
}
REFUND_TARGETS = ("processing", "completed", "failed")
_REFUNDABLE = ("completed", "partially_refunded")


def route(moves: Mapping[str, Sequence[str]], current: str, target: str) -> list[str] | None:
    """Return the shortest chain of legal moves from ``current`` to ``target``, or None.

    ``transition_payment(id, "completed")`` on a pending payment walks
    pending → confirming → completed, so every intermediate state (and its webhook)
    happens, as it would on chain.
    """
    queue: deque[tuple[str, list[str]]] = deque([(current, [])])
    seen = {current}
    while queue:
        state, path = queue.popleft()
        for nxt in moves.get(state, ()):
            if nxt == target:
                return [*path, nxt]
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*path, nxt]))
    return None


def _steps(moves: Mapping[str, Sequence[str]], what: str, current: str, target: str) -> list[str]:
    """The chain of moves from ``current`` to ``target``; 409 naming ``what`` if there is none."""
    steps = route(moves, current, target)
    if steps is None:
        raise invalid_state(f"{what} cannot move from {current} to {target}")
    return steps


class Store:
    """All mutable state of one sandbox.

    Args:
        ids: Source of ids, keys and addresses.
        wall_clock: Unix seconds for timestamps and expiry.
        outbox: Where state changes are turned into webhook deliveries.
    """

    def __init__(self, *, ids: IdFactory, wall_clock: Callable[[], float], outbox: Outbox) -> None:
        self._ids = ids
        self._wall_clock = wall_clock
        self.outbox = outbox
        self._keys: dict[str, ApiKey] = {}
        self._payments: dict[str, Payment] = {}
        self._refunds: dict[str, Refund] = {}
        self._lock = threading.RLock()

    # --- keys -----------------------------------------------------------------------

    def add_key(self, request: KeyRequest) -> ApiKey:
        """Create a test key of the requested scope."""
        key = ApiKey(
            id=self._ids.new_id("key"),
            key=self._ids.new_key(),
            scope=request.scope,
            label=request.label,
            created=self._wall_clock(),
        )
        with self._lock:
            self._keys[key.key] = key
        return key

    def find_key(self, secret: str) -> ApiKey | None:
        """Return the key record for a presented secret, revoked or not."""
        with self._lock:
            return self._keys.get(secret)

    def revoke_key(self, secret: str) -> ApiKey:
        """Revoke a key; revoking a revoked key again answers the same (idempotent)."""
        with self._lock:
            key = self._keys.get(secret)
            if key is None:
                # Never echo the path segment: it is a secret key.
                raise resource_missing("No such API key")
            key.revoked = True
            return key

    # --- payments -------------------------------------------------------------------

    def create_payment(self, request: PaymentRequest) -> dict[str, Any]:
        """Create a pending payment and announce ``payment.pending``."""
        currency = _currency(request.currency, request.network)
        _check_precision("amount", request.amount, currency)
        now = self._wall_clock()
        payment = Payment(
            id=self._ids.new_id("pay"),
            amount=request.amount,
            currency=currency,
            wallet_address=self._ids.address(currency.network),
            sender_address=self._ids.address(currency.network),
            order_id=request.order_id,
            metadata=request.metadata,
            description=request.description,
            created=now,
            expires=now + request.expires_in,
        )
        with self._lock:
            self._payments[payment.id] = payment
            self.outbox.emit("payment", payment.to_json())
            return payment.to_json()

    def get_payment(self, payment_id: str) -> dict[str, Any]:
        """Return a payment as the API shows it now (expiring it first if due)."""
        with self._lock:
            self.expire_due()
            return self._payment(payment_id).to_json()

    def transition_payment(self, payment_id: str, status: str) -> dict[str, Any]:
        """Move a payment to ``status`` along legal moves (409 if there is no path)."""
        with self._lock:
            self.expire_due()
            payment = self._payment(payment_id)
            for step in _steps(PAYMENT_MOVES, f"Payment {payment.id}", payment.status, status):
                self._set_payment_status(payment, step)
            return payment.to_json()

    def expire_due(self) -> None:
        """Turn every pending payment past ``expires_at`` into ``expired``."""
        with self._lock:
            now = self._wall_clock()
            for payment in self._payments.values():
                if payment.status == "pending" and now >= payment.expires:
                    self._set_payment_status(payment, "expired")

    def _payment(self, payment_id: str) -> Payment:
        try:
            return self._payments[payment_id]
        except KeyError:
            raise resource_missing(f"No such payment: {payment_id}") from None

    def _set_payment_status(self, payment: Payment, status: str) -> None:
        payment.status = status
        if status == "confirming":
            # The customer's transfer is seen on chain but not yet final.
            payment.amount_received = payment.amount
            payment.confirmations = min(1, payment.currency.confirmations_required - 1)
        elif status == "completed":
            payment.amount_received = payment.amount
            payment.confirmations = payment.currency.confirmations_required
        self.outbox.emit("payment", payment.to_json())

    # --- refunds --------------------------------------------------------------------

    def create_refund(self, request: RefundRequest) -> dict[str, Any]:
        """Refund part or all of the refundable remainder of a completed payment."""
        with self._lock:
            self.expire_due()
            payment = self._payment(request.payment_id)
            if payment.status not in _REFUNDABLE:
                raise invalid_request(
                    f"Payment {payment.id} is {payment.status}; only completed or "
                    "partially refunded payments can be refunded"
                )
            remainder = payment.amount - self._refunded(payment)
            amount = remainder if request.amount is None else request.amount
            _check_precision("amount", amount, payment.currency)
            if amount > remainder:
                raise invalid_request(
                    f"amount {format_decimal(amount)} exceeds the refundable remainder "
                    f"{format_decimal(remainder)} {payment.currency.code}"
                )
            refund = Refund(
                id=self._ids.new_id("ref"),
                payment_id=payment.id,
                amount=amount,
                currency=payment.currency,
                to_address=payment.sender_address,
                reason=request.reason,
                created=self._wall_clock(),
            )
            self._refunds[refund.id] = refund
            payment.refund_ids.append(refund.id)
            self._settle_refunded_status(payment)
            return refund.to_json()

    def get_refund(self, refund_id: str) -> dict[str, Any]:
        """Return a refund as the API shows it."""
        with self._lock:
            return self._refund(refund_id).to_json()

    def transition_refund(self, refund_id: str, status: str) -> dict[str, Any]:
        """Move a refund along legal moves; a failed refund frees its amount again."""
        with self._lock:
            refund = self._refund(refund_id)
            for step in _steps(REFUND_MOVES, f"Refund {refund.id}", refund.status, status):
                refund.status = step
                self.outbox.emit("refund", refund.to_json())
            self._settle_refunded_status(self._payments[refund.payment_id])
            return refund.to_json()

    def _refund(self, refund_id: str) -> Refund:
        try:
            return self._refunds[refund_id]
        except KeyError:
            raise resource_missing(f"No such refund: {refund_id}") from None

    def _refunded(self, payment: Payment) -> Decimal:
        refunds = (self._refunds[refund_id] for refund_id in payment.refund_ids)
        return sum((r.amount for r in refunds if r.status != "failed"), Decimal(0))

    def _settle_refunded_status(self, payment: Payment) -> None:
        refunded = self._refunded(payment)
        if refunded == 0:
            status = "completed"
        elif refunded >= payment.amount:
            status = "refunded"
        else:
            status = "partially_refunded"
        if status != payment.status:
            payment.status = status
            self.outbox.emit("payment", payment.to_json())

    # --- currencies -----------------------------------------------------------------

    @staticmethod
    def currencies() -> dict[str, Any]:
        """The ``GET /currencies`` list."""
        return {"object": "list", "data": [currency.to_json() for currency in CURRENCIES]}


def _currency(code: str, network: str | None) -> Currency:
    currency = find_currency(code, network)
    if currency is not None:
        return currency
    networks = networks_of(code)
    if not networks:
        codes = ", ".join(supported_codes())
        raise invalid_request(f"Unsupported currency {code!r}; supported: {codes}")
    raise invalid_request(
        f"{code} is not offered on network {network!r}; networks: {', '.join(networks)}"
    )


def _check_precision(name: str, amount: Decimal, currency: Currency) -> None:
    exponent = amount.as_tuple().exponent
    # Only finite decimals get this far (the parser refuses NaN and infinities).
    if isinstance(exponent, int) and -exponent > currency.decimals:
        raise invalid_request(
            f"{name} has more than {currency.decimals} decimal places for {currency.code}"
        )
