"""Response models of the Dancity API and the converter that reads their wire format.

Fields differ between generations of the docs, so almost every field is optional and
anything a model does not name is kept in ``extra``. Amounts are ``Decimal`` (bodies are
decoded with ``parse_float=Decimal``), timestamps aware ``datetime``, statuses open enums.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from shared_auth import APIObject, OpenEnum, ResultList, make_converter

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "ExamPin",
    "Pagination",
    "Plan",
    "Product",
    "Service",
    "Transaction",
    "TransactionPage",
    "TransactionStatus",
    "TranxType",
    "Validation",
    "Wallet",
    "make_dancity_converter",
]

_CAMEL_BOUNDARY: Final = re.compile(r"_([a-z0-9])")


def _camel(name: str) -> str:
    return _CAMEL_BOUNDARY.sub(lambda m: m.group(1).upper(), name)


def _wire(name: str) -> dict[str, str]:
    return {"wire": name}


class TransactionStatus(OpenEnum):
    """Where a transaction stands. The API may add values: unknown ones stay plain ``str``."""

    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    PROCESSING = "PROCESSING"
    PENDING = "PENDING"
    CANCELLED = "CANCELLED"


class TranxType(OpenEnum):
    """Whether a transaction took money from the wallet or put money in."""

    DEBIT = "DEBIT"
    CREDIT = "CREDIT"


_OPEN: Final = frozenset({TransactionStatus.PENDING, TransactionStatus.PROCESSING})
_NOT_DONE: Final = frozenset({TransactionStatus.FAILED, TransactionStatus.CANCELLED})


@attrs.frozen(kw_only=True)
class ExamPin(APIObject):
    """One education (exam) PIN. It is delivered once: store it."""

    pin: str | None = attrs.field(default=None, repr=False)
    serial: str | None = None
    expiry: str | None = None


@attrs.frozen(kw_only=True, repr=False)
class Transaction(APIObject):
    """A Dancity transaction record, as every buy, list and requery returns it.

    **Check** :attr:`status` **before treating a purchase as done.** The API answers HTTP 200
    with ``"success": true`` whenever it *processed* the request, including when the vend
    itself failed (``status: "FAILED"``). :attr:`succeeded`, :attr:`failed` and
    :attr:`pending` say which; a pending transaction settles later — use
    ``client.vas.transactions.reconcile(tx.customer_ref)`` rather than buying again.

    The id fields vary by docs generation (``tranxId`` in the current docs,
    ``transactionId`` in older examples, ``reference`` in webhooks); :attr:`id` picks the
    one that exists.

    Attributes:
        status: ``SUCCESS``, ``FAILED``, ``PROCESSING``, ``PENDING``, ``CANCELLED`` (or a
            newer value as ``str``; ``""`` when the response carried none).
        mongo_id: The record's ``_id``.
        tranx_id: Dancity's reference, e.g. ``DNTY174825YP565I``.
        transaction_id: The ``transactionId`` some responses use instead.
        reference: The ``reference`` some responses use instead.
        customer_ref: Your reference (the SDK generates one when you give none).
        amount: The face value requested.
        amount_paid: What was actually debited (after discounts).
    """

    status: TransactionStatus | str = ""
    mongo_id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    tranx_id: str | None = None
    transaction_id: str | None = None
    reference: str | None = None
    customer_ref: str | None = None
    service: str | None = None
    product: str | None = None
    tranx_type: str | None = None
    currency: str | None = None
    remarks: str | None = None
    amount: Decimal | None = None
    fee: Decimal | None = None
    amount_paid: Decimal | None = None
    balance_before: Decimal | None = None
    balance_after: Decimal | None = None
    number: str | None = None
    phone: str | None = None
    channel: str | None = None
    payment_medium: str | None = None
    api_response: str | None = None
    token: str | None = attrs.field(default=None, repr=False)
    pins: tuple[ExamPin, ...] = attrs.field(default=(), repr=False)
    is_reversal: bool | None = None
    quantity: int | None = None
    tranx_date: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def id(self) -> str | None:
        """The best identifier to look this transaction up by (``tranxId`` first)."""
        return self.tranx_id or self.transaction_id or self.mongo_id or self.reference

    @property
    def succeeded(self) -> bool:
        """``True`` only when the vend was delivered (``SUCCESS``)."""
        return self.status == TransactionStatus.SUCCESS

    @property
    def failed(self) -> bool:
        """``True`` when it did not and will not happen (``FAILED`` or ``CANCELLED``)."""
        return self.status in _NOT_DONE

    @property
    def pending(self) -> bool:
        """``True`` while the provider has not settled it (``PENDING``/``PROCESSING``)."""
        return self.status in _OPEN

    def __repr__(self) -> str:
        status = self.status.value if isinstance(self.status, TransactionStatus) else self.status
        shown = {
            "id": self.id,
            "service": self.service,
            "product": self.product,
            "amount": self.amount,
            "customer_ref": self.customer_ref,
        }
        rest = "".join(f", {k}={v!r}" for k, v in shown.items() if v is not None)
        return f"Transaction(status={status or '<none>'!r}{rest})"


@attrs.frozen(kw_only=True)
class Wallet(APIObject):
    """A wallet; the docs show two shapes (``wallettype`` rows, or named wallets)."""

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    wallettype: str | None = None
    name: str | None = None
    balance: Decimal | None = None
    bonus: Decimal | None = None
    currency: str | None = None
    user: str | None = None
    is_active: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Service(APIObject):
    """A catalog service (``AIRTIME``, ``DATA``, ``Cable``…; casing as the API sends it)."""

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    name: str | None = None


@attrs.frozen(kw_only=True)
class Product(APIObject):
    """A catalog product: an airtime network, biller, cable provider, betting platform, exam.

    ``service`` is the service name, or (older docs) an object with ``_id``/``name``.
    """

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    name: str | None = None
    service: Any = None
    min: Decimal | None = None
    max: Decimal | None = None
    discount: Decimal | None = None
    price: Decimal | None = None
    disable: bool | None = None


@attrs.frozen(kw_only=True)
class Plan(APIObject):
    """A data, cable or internet plan. Send :attr:`plan_id` (or :attr:`id`) to buy it."""

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    plan_id: str | None = None
    product: Any = None
    plan: str | None = None
    name: str | None = None
    price: Decimal | None = None
    amount: Decimal | None = None
    validity: str | None = None


@attrs.frozen(kw_only=True)
class Validation(APIObject):
    """The customer behind a smartcard or meter; show :attr:`customer_name` before buying."""

    customer_name: str | None = None
    status: str | None = None
    message: str | None = None
    address: str | None = None
    customer_number: str | None = None
    smartcard_number: str | None = None
    cablename: str | None = None
    meter_number: str | None = None
    meter_type: str | None = None
    biller_code: str | None = None
    biller_name: str | None = None


@attrs.frozen(kw_only=True)
class Pagination(APIObject):
    """Where a page of transactions sits in the whole list."""

    page: int | None = None
    limit: int | None = None
    total: int | None = None
    total_pages: int | None = None
    has_previous: bool | None = None
    has_next: bool | None = None


@attrs.frozen(kw_only=True)
class TransactionPage(APIObject):
    """One page of transactions (iterate it, or read ``transactions``).

    Attributes:
        transactions: The transactions on this page.
        pagination: Page numbers and totals, when the API sent them.
    """

    transactions: tuple[Transaction, ...] = ()
    pagination: Pagination | None = None

    @property
    def items(self) -> ResultList[Transaction]:
        """The transactions on this page, as a list that renders as a table in notebooks."""
        return ResultList(self.transactions, self._reply)

    def __iter__(self) -> Iterator[Transaction]:
        return iter(self.transactions)

    def __len__(self) -> int:
        return len(self.transactions)


def _page_hook_factory(cl: type[TransactionPage], converter: cattrs.Converter) -> Any:
    """Read both page shapes: ``{"transactions": [...], "pagination": {...}}`` and a bare list."""
    from cattrs.gen import make_dict_structure_fn, override  # noqa: PLC0415 - import time

    del cl
    base = make_dict_structure_fn(
        TransactionPage,
        converter,
        extra=override(omit=True),
        _reply=override(rename="\x00reply", struct_hook=lambda v, _: v),
    )

    def structure(data: Any, _: Any) -> TransactionPage:
        if isinstance(data, list):
            data = {"transactions": data}
        if not isinstance(data, Mapping):
            msg = f"expected a JSON object or array of transactions, got {type(data).__name__}"
            raise TypeError(msg)
        return base(data, TransactionPage)

    return structure


def _status_hook(value: Any, _: Any) -> TransactionStatus | str:
    """Statuses arrive upper case from the API and lower case in webhooks; both map."""
    if not isinstance(value, str):
        msg = f"expected a string status, got {type(value).__name__}"
        raise TypeError(msg)
    try:
        return TransactionStatus(value.upper())
    except ValueError:
        return value  # a status newer than this SDK: kept, not fatal


def make_dancity_converter() -> cattrs.Converter:
    """Build the Dancity converter: camelCase wire names, ``Decimal`` money, open statuses.

    Each client builds its own on first use (building it imports cattrs, which
    ``import dancity_sdk`` therefore does not).
    """
    converter = make_converter(rename=_camel)
    # A predicate hook: it outranks make_converter's generic open-enum factory.
    converter.register_structure_hook_func(lambda t: t == TransactionStatus | str, _status_hook)
    converter.register_structure_hook_factory(lambda t: t is TransactionPage, _page_hook_factory)
    return converter


def is_mapping(value: object) -> bool:
    """Whether a decoded JSON value is an object."""
    return isinstance(value, Mapping)


#: The factory ``APIObject.to_dict`` uses for models built without a client.
make_wire_converter = make_dancity_converter
