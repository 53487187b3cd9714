"""Wallets and transaction records: the money state behind every purchase.

Outcomes are decided by the recipient (phone, smartcard, meter or account number) so tests
can choose them: ending ``0000`` fails (the wallet is not debited), ending ``1111`` stays
``PENDING`` until it has been requeried twice, anything else succeeds.
"""

from __future__ import annotations

import copy
import random
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from dancity_sdk.testing._access import Clock
from dancity_sdk.testing._wire import JsonObject, envelope_error, iso, nest_error

Status = Literal["SUCCESS", "FAILED", "PROCESSING", "PENDING", "CANCELLED"]
STATUSES: Final[tuple[Status, ...]] = ("SUCCESS", "FAILED", "PROCESSING", "PENDING", "CANCELLED")
Event = tuple[str, JsonObject]

FAILING_SUFFIX: Final = "0000"
PENDING_SUFFIX: Final = "1111"
PENDING_REQUERIES: Final = 2
_OPEN: Final = frozenset({"PENDING", "PROCESSING"})
_NOT_CHARGED: Final = frozenset({"FAILED", "CANCELLED"})
_CENT: Final = Decimal("0.01")
_ALNUM: Final = string.ascii_uppercase + string.digits


@dataclass(frozen=True, slots=True)
class Order:
    """A validated purchase, ready to be charged and recorded."""

    service: str
    product: str
    amount: Decimal
    recipient: str
    remarks: str
    discount: Decimal = Decimal(0)
    quantity: int = 0
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def amount_paid(self) -> Decimal:
        """What the wallet pays after the product's percentage discount."""
        return (self.amount * (100 - self.discount) / 100).quantize(_CENT)


@dataclass(slots=True)
class Wallet:
    """One of the user's two wallets."""

    id: str
    wallettype: str
    balance: Decimal
    created_at: str
    updated_at: str
    version: int = 0

    def wire(self, user_id: str, bonus: Decimal) -> JsonObject:
        """The wallet as the wallet routes return it; ``bonus`` is the account's bonus balance."""
        return {
            "_id": self.id,
            "user": user_id,
            "name": f"{self.wallettype.title()} Wallet",
            "wallettype": self.wallettype,
            "balance": self.balance,
            "currency": "NGN",
            "isActive": True,
            "bonus": bonus,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "version": self.version,
        }


def outcome_for(recipient: str) -> Status:
    """The deterministic vend result for a recipient."""
    if recipient.endswith(FAILING_SUFFIX):
        return "FAILED"
    if recipient.endswith(PENDING_SUFFIX):
        return "PENDING"
    return "SUCCESS"


def _api_response(record: JsonObject) -> str:
    status = record["status"]
    if status == "SUCCESS":
        return f"{record['remarks']} successful"
    if status in _OPEN:
        return "Transaction is awaiting confirmation from the provider"
    return f"{record['service'].title()} purchase failed: provider rejected {record['number']}"


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """The ``GET /transactions`` filters (already validated)."""

    start: float | None = None
    end: float | None = None
    service: str | None = None
    status: str | None = None
    tranx_type: str | None = None
    text: str | None = None

    def accepts(self, record: JsonObject, created: float) -> bool:
        """Whether ``record`` (created at Unix time ``created``) passes every filter."""
        checks = (
            self.start is None or created >= self.start,
            self.end is None or created <= self.end,
            _same(self.service, record["service"]),
            _same(self.status, record["status"]),
            _same(self.tranx_type, record["tranxType"]),
            self.text is None or _mentions(record, self.text),
        )
        return all(checks)


def _same(wanted: str | None, actual: str) -> bool:
    return wanted is None or wanted.casefold() == actual.casefold()


def _mentions(record: JsonObject, text: str) -> bool:
    needle = text.casefold()
    fields = ("tranxId", "customerRef", "number", "product", "remarks", "service")
    return any(needle in str(record[name]).casefold() for name in fields)


class Ledger:
    """The signed-in user's wallets and transactions; every mutation holds one lock."""

    def __init__(
        self, *, user_id: str, main: Decimal, bonus: Decimal, clock: Clock, rng: random.Random
    ) -> None:
        self.user_id = user_id
        self._clock = clock
        self._rng = rng
        self._lock = threading.RLock()
        now = iso(clock())
        self.wallets = {
            kind: Wallet(self.new_id(), kind, balance, now, now)
            for kind, balance in (("main", main), ("bonus", bonus))
        }
        self._records: list[JsonObject] = []
        self._created: dict[str, float] = {}
        self._requeries: dict[str, int] = {}

    def new_id(self) -> str:
        """A fresh 24-hex Mongo-style id."""
        return f"{self._rng.getrandbits(96):024x}"

    def _new_tranx_id(self) -> str:
        return "DNTY" + "".join(self._rng.choices(_ALNUM, k=12))

    def wallet_rows(self) -> list[JsonObject]:
        """Both wallets, main first."""
        with self._lock:
            bonus = self.wallets["bonus"].balance
            return [wallet.wire(self.user_id, bonus) for wallet in self.wallets.values()]

    def wallet_row(self, wallet_id: str) -> JsonObject | None:
        """One wallet by ``_id``."""
        with self._lock:
            found = [w for w in self.wallets.values() if w.id == wallet_id]
            bonus = self.wallets["bonus"].balance
            return found[0].wire(self.user_id, bonus) if found else None

    def purchase(
        self,
        order: Order,
        *,
        wallettype: str,
        channel: str,
        customer_ref: str,
        status: Status | None = None,
    ) -> tuple[JsonObject, list[Event]]:
        """Charge the chosen wallet and record the transaction.

        ``status`` overrides the recipient-decided outcome (eSIMs and cards always vend).

        Raises:
            ApiError: the wallet cannot cover ``order.amount_paid``.
        """
        with self._lock:
            wallet = self.wallets[wallettype]
            paid = order.amount_paid
            if wallet.balance < paid:
                raise nest_error(400, "Insufficient wallet balance")
            status = status or outcome_for(order.recipient)
            before = wallet.balance
            # A failed vend is refunded at once: the record shows no net debit.
            if status not in _NOT_CHARGED:
                self._move(wallet, -paid)
            record = self._record(order, status, wallet, before, channel, customer_ref)
            self._records.append(record)
            self._created[record["tranxId"]] = self._clock()
            events = [] if status in _NOT_CHARGED else [("wallet.debited", copy.deepcopy(record))]
            events.append((_event_for(status), copy.deepcopy(record)))
            return copy.deepcopy(record), events

    def credit(
        self, order: Order, *, wallettype: str, channel: str, customer_ref: str
    ) -> tuple[JsonObject, list[Event]]:
        """Pay ``order.amount`` into a wallet (a card withdrawal) and record it."""
        with self._lock:
            wallet = self.wallets[wallettype]
            before = wallet.balance
            self._move(wallet, order.amount)
            record = self._record(
                order, "SUCCESS", wallet, before, channel, customer_ref, tranx_type="CREDIT"
            )
            self._records.append(record)
            self._created[record["tranxId"]] = self._clock()
            return copy.deepcopy(record), [("transaction.success", copy.deepcopy(record))]

    def _record(
        self,
        order: Order,
        status: Status,
        wallet: Wallet,
        before: Decimal,
        channel: str,
        customer_ref: str,
        *,
        tranx_type: str = "DEBIT",
    ) -> JsonObject:
        now = iso(self._clock())
        tranx_id = self._new_tranx_id()
        record: JsonObject = {
            "_id": self.new_id(),
            "tranxId": tranx_id,
            # 2026-05-09 names the same reference transactionId, and the type "type".
            "transactionId": tranx_id,
            "type": tranx_type,
            "phone": order.recipient,
            "service": order.service,
            "product": order.product,
            "tranxType": tranx_type,
            "status": status,
            "currency": "NGN",
            "remarks": order.remarks,
            "amount": order.amount,
            "fee": Decimal(0),
            "amountPaid": order.amount_paid,
            "balanceBefore": before,
            "balanceAfter": wallet.balance,
            "number": order.recipient,
            "customerRef": customer_ref,
            "channel": channel,
            "paymentMedium": f"{wallet.wallettype.upper()} WALLET",
            "tranxDate": now,
            "createdAt": now,
            "updatedAt": now,
            "isReversal": False,
            "quantity": order.quantity,
            "wallettype": wallet.wallettype,
            **order.extra,
        }
        self._fulfil(record)
        record["apiResponse"] = _api_response(record)
        return record

    def _fulfil(self, record: JsonObject) -> None:
        """Attach what a successful vend hands over: a meter token or exam PINs."""
        if record["service"] == "EXAM PIN":
            record.setdefault("pins", [])
        if record["status"] != "SUCCESS":
            return
        if record["service"] == "ELECTRICITY":
            groups = ("".join(self._rng.choices(string.digits, k=4)) for _ in range(5))
            record["token"] = "-".join(groups)
        if record["service"] == "EXAM PIN":
            record["pins"] = [self._exam_pin(index) for index in range(record["quantity"])]

    def _exam_pin(self, index: int) -> JsonObject:
        digits = "".join(self._rng.choices(string.digits, k=12))
        pin = "-".join(digits[i : i + 4] for i in range(0, 12, 4))
        return {"pin": pin, "serial": f"SN-{index + 1:03d}", "expiry": "2027-01-01"}

    def _move(self, wallet: Wallet, delta: Decimal) -> None:
        wallet.balance += delta
        wallet.version += 1
        wallet.updated_at = iso(self._clock())

    def _find(self, ident: str) -> JsonObject | None:
        for record in reversed(self._records):
            if ident in {record["_id"], record["tranxId"]}:
                return record
        # customerRef is not unique: the most recent match wins, as documented.
        refs = (
            r for r in reversed(self._records) if r["customerRef"] and r["customerRef"] == ident
        )
        return next(refs, None)

    def lookup(self, ident: str) -> JsonObject | None:
        """A copy of the record with this ``_id``, ``tranxId`` or latest ``customerRef``."""
        with self._lock:
            record = self._find(ident)
            return copy.deepcopy(record) if record is not None else None

    def requery(self, ident: str) -> tuple[JsonObject, list[Event]]:
        """Look a record up as a requery; a PENDING one settles on its second requery.

        Raises:
            ApiError: 404 when no record matches.
        """
        with self._lock:
            record = self._find(ident)
            if record is None:
                raise envelope_error(404, "Transaction not found")
            events: list[Event] = []
            if record["status"] == "PENDING":
                count = self._requeries.get(record["tranxId"], 0) + 1
                self._requeries[record["tranxId"]] = count
                if count >= PENDING_REQUERIES:
                    events = self._settle(record, "SUCCESS")
            return copy.deepcopy(record), events

    def set_status(self, tranx_id: str, status: Status) -> tuple[JsonObject, list[Event]]:
        """Move an open (PENDING/PROCESSING) transaction to ``status``.

        Raises:
            ApiError: 404 for an unknown id, 409 when the transaction is already final.
        """
        with self._lock:
            record = self._find(tranx_id)
            if record is None:
                raise envelope_error(404, "Transaction not found")
            if record["status"] not in _OPEN:
                raise envelope_error(409, f"Transaction is already {record['status']}")
            events = self._settle(record, status)
            return copy.deepcopy(record), events

    def _settle(self, record: JsonObject, status: Status) -> list[Event]:
        record["status"] = status
        record["updatedAt"] = iso(self._clock())
        if status in _NOT_CHARGED:
            # The debit taken at purchase time goes back to the wallet it came from.
            self._move(self.wallets[record["wallettype"]], record["amountPaid"])
        self._fulfil(record)
        record["apiResponse"] = _api_response(record)
        return [(_event_for(status), copy.deepcopy(record))]

    def search(self, query: SearchFilter) -> list[JsonObject]:
        """Records passing ``query``, newest first, copied."""
        with self._lock:
            return [
                copy.deepcopy(record)
                for record in reversed(self._records)
                if query.accepts(record, self._created[record["tranxId"]])
            ]

    def records(self) -> list[JsonObject]:
        """Every record, oldest first, copied."""
        with self._lock:
            return copy.deepcopy(self._records)


def _event_for(status: str) -> str:
    """The webhook event for a status; the docs only define success, failed and pending."""
    if status == "SUCCESS":
        return "transaction.success"
    if status in _NOT_CHARGED:
        return "transaction.failed"
    return "transaction.pending"
