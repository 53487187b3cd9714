"""Response models of the Dancity API and the converter that reads their wire format.

Fields differ between generations of the docs, so almost every field is optional and
anything a model does not name is kept in ``extra``. Amounts are ``Decimal`` (bodies are
decoded with ``parse_float=Decimal``), timestamps aware ``datetime``, statuses open enums.
"""

from __future__ import annotations

import html
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from shared_auth import ResultList
from shared_auth._models import APIObject, OpenEnum, make_converter

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "ExamPin",
    "Pagination",
    "Plan",
    "Product",
    "ProductQuote",
    "ProductRef",
    "Service",
    "ServiceRef",
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
    expiry: datetime | None = None


@attrs.frozen(kw_only=True, repr=False)
class Transaction(APIObject):
    """A Dancity transaction record, as every buy, list and requery returns it.

    **Check** [`status`][dancity_sdk.Transaction.status] **before treating a purchase as done.** The
    API answers HTTP 200 with ``"success": true`` whenever it *processed* the request, including
    when the vend itself failed (``status: "FAILED"``).
    [`succeeded`][dancity_sdk.Transaction.succeeded], [`failed`][dancity_sdk.Transaction.failed] and
    [`pending`][dancity_sdk.Transaction.pending] say which; a pending transaction settles later —
    use ``client.vas.transactions.reconcile(tx.customer_ref)`` rather than buying again.

    The id fields vary by docs generation (``tranxId`` in the current docs,
    ``transactionId`` in older examples, ``reference`` in webhooks);
    [`id`][dancity_sdk.Transaction.id] picks the one that exists.

    Attributes:
        status: ``SUCCESS``, ``FAILED``, ``PROCESSING``, ``PENDING``, ``CANCELLED`` (or a
            newer value as ``str``; ``""`` when the response carried none).
        mongo_id: The record's ``_id``.
        tranx_id: Dancity's reference, e.g. ``DNTY174825YP565I``.
        transaction_id: The ``transactionId`` some responses use instead.
        reference: The ``reference`` some responses use instead.
        customer_ref: The ``customerRef`` exactly as the server recorded it (``""`` or
            ``None`` when its record has none): never rewritten by the SDK.
        sent_customer_ref: The reference the SDK sent with the purchase that returned this
            record (yours, or the one it generated); ``None`` on records from lists,
            requeries and webhooks. Reconcile with it.
        type: ``DEBIT``/``CREDIT`` where a record says ``type`` instead of ``tranxType``.
        amount: The face value requested.
        amount_paid: What was actually debited (after discounts).
    """

    status: TransactionStatus | str = ""
    mongo_id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    tranx_id: str | None = None
    transaction_id: str | None = None
    reference: str | None = None
    customer_ref: str | None = None
    sent_customer_ref: str | None = attrs.field(default=None, eq=False, metadata={"local": True})
    service: str | None = None
    product: str | None = None
    tranx_type: str | None = None
    type: str | None = None
    currency: str | None = None
    remarks: str | None = None
    amount: Decimal | None = None
    fee: Decimal | None = None
    amount_paid: Decimal | None = None
    balance_before: Decimal | None = None
    balance_after: Decimal | None = None
    number: str | None = None
    phone: str | None = None
    network: str | None = None
    plan: str | None = None
    package: str | None = None
    smartcard_number: str | None = None
    customer_identifier: str | None = None
    account_id: str | None = attrs.field(default=None, metadata=_wire("account_id"))
    iccid: str | None = None
    activation_code: str | None = attrs.field(default=None, repr=False)
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
    version: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Service(APIObject):
    """A catalog service (``AIRTIME``, ``DATA``, ``Cable``…; casing as the API sends it)."""

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    name: str | None = None
    disable: bool | None = None
    display_on_menu: bool | None = attrs.field(default=None, metadata=_wire("displayonmenu"))
    is_utility: bool | None = attrs.field(default=None, metadata=_wire("isutility"))
    icon: str | None = None


@attrs.frozen(kw_only=True)
class ServiceRef(APIObject):
    """The service a product or plan belongs to, as nested in catalog rows."""

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    name: str | None = None
    disable: bool | None = None


@attrs.frozen(kw_only=True)
class ProductRef(APIObject):
    """The product a plan belongs to, when a catalog row nests it as an object."""

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    name: str | None = None
    disable: bool | None = None
    service: ServiceRef | None = None
    sort_order: int | None = None


@attrs.frozen(kw_only=True)
class Product(APIObject):
    """A catalog product: an airtime network, biller, cable provider, betting platform, exam.

    ``service`` is the service's name (``"AIRTIME"``) or, in other descriptions, a
    [`ServiceRef`][dancity_sdk.ServiceRef]; [`service_name`][dancity_sdk.Product.service_name] reads
    either.
    """

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    name: str | None = None
    note: str | None = None
    service: ServiceRef | str | None = None
    pricing_method: str | None = attrs.field(default=None, metadata=_wire("pricingmethod"))
    min: Decimal | None = None
    max: Decimal | None = None
    discount: Decimal | None = None
    price: Decimal | None = None
    disable: bool | None = None

    @property
    def service_name(self) -> str | None:
        """The service's name, whichever shape the row used."""
        return self.service.name if isinstance(self.service, ServiceRef) else self.service


@attrs.frozen(kw_only=True)
class Plan(APIObject):
    """A data, cable or internet plan. Send `plan_id` (or `id`) to buy it.

    Descriptions price plans differently: ``price`` (2026-05-31), ``sellingprice`` with
    ``costprice`` and ``commission`` (2026-05-09 catalog rows), ``amount`` (internet
    plans). Each is its own attribute; [`price`][dancity_sdk.Plan.price] is what the buyer pays,
    whichever the row carries.

    Attributes:
        list_price: The row's ``price`` field, as sent.
        selling_price: ``sellingprice``: what the buyer pays.
        cost_price: ``costprice``: what the merchant pays.
        commission: The merchant's commission.
        plansize: The plan's size in [`planvolume`][dancity_sdk.Plan.planvolume] units (``40`` with
            ``"MB"``).
    """

    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    plan_id: str | None = None
    product: ProductRef | str | None = None
    plan: str | None = None
    name: str | None = None
    package: str | None = None
    plansize: Decimal | None = None
    plansizegb: Decimal | None = None
    planvolume: str | None = None
    list_price: Decimal | None = attrs.field(default=None, metadata=_wire("price"))
    selling_price: Decimal | None = attrs.field(default=None, metadata=_wire("sellingprice"))
    cost_price: Decimal | None = attrs.field(default=None, metadata=_wire("costprice"))
    commission: Decimal | None = None
    amount: Decimal | None = None
    validity: str | None = None
    is_bucket_plan: bool | None = attrs.field(default=None, metadata=_wire("isbucketplan"))
    is_hot_deal: bool | None = attrs.field(default=None, metadata=_wire("isHotDeal"))
    disable: bool | None = None
    vending_medium: str | None = attrs.field(default=None, metadata=_wire("vendingmedium"))

    @property
    def price(self) -> Decimal | None:
        """What the buyer pays: ``price``, else ``sellingprice``, else ``amount``."""
        for value in (self.list_price, self.selling_price, self.amount):
            if value is not None:
                return value
        return None

    @property
    def label(self) -> str | None:
        """A name to show: ``name``, ``plan`` or ``package``, whichever the row has."""
        return self.name or self.plan or self.package

    @property
    def product_name(self) -> str | None:
        """The product's name, whether the row nests it as an object or a string."""
        return self.product.name if isinstance(self.product, ProductRef) else self.product


@attrs.frozen(kw_only=True)
class Validation(APIObject):
    """The customer behind a smartcard or meter; show `customer_name` before buying."""

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
class ProductQuote(APIObject):
    """What ``education.validate_product`` answers: the unit price and total of a quantity."""

    product: str | None = None
    price_per_unit: Decimal | None = None
    quantity: int | None = None
    total: Decimal | None = None


@attrs.frozen(kw_only=True)
class Pagination(APIObject):
    """Where a page sits in the whole list."""

    page: int | None = None
    limit: int | None = None
    total: int | None = None
    total_pages: int | None = None
    has_previous: bool | None = None
    has_next: bool | None = None


class _Listing(APIObject):
    """A page whose rows may arrive as a bare JSON array or under `_ROWS` (see hooks)."""

    _ROWS: ClassVar[str]

    def to_html(self, *, all_columns: bool = False) -> str:
        """The page's rows as an HTML table, as a list of them renders, and where it sits.

        Args:
            all_columns: Show every column, also those empty in every row.
        """
        rows: tuple[APIObject, ...] = getattr(self, self._ROWS)
        table = ResultList(rows, self._reply).to_html(all_columns=all_columns)
        pagination = getattr(self, "pagination", None)
        if pagination is None:
            return table
        return f"{table}<p>{html.escape(_page_caption(pagination))}</p>"

    def _repr_html_(self) -> str:
        # In a notebook a page is its rows, as a table, with where it sits in the list.
        return self.to_html()


def _page_caption(pagination: Pagination) -> str:
    where = f"page {pagination.page or '?'}"
    if pagination.total_pages:
        where += f" of {pagination.total_pages}"
    if pagination.total is not None:
        where += f" ({pagination.total} in all)"
    return where


@attrs.frozen(kw_only=True)
class TransactionPage(_Listing):
    """One page of transactions (iterate it, or read ``transactions``).

    Attributes:
        transactions: The transactions on this page (``data.transactions``).
        pagination: Page numbers and totals, when the API sent them.
    """

    _ROWS: ClassVar[str] = "transactions"
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


def _status_hook(value: Any, _: Any) -> TransactionStatus | str:
    """Statuses arrive upper case from the API and lower case in webhooks; both map."""
    if not isinstance(value, str):
        msg = f"expected a string status, got {type(value).__name__}"
        raise TypeError(msg)
    try:
        return TransactionStatus(value.upper())
    except ValueError:
        return value  # a status newer than this SDK: kept, not fatal


def _model_or_name(tp: Any) -> type[APIObject] | None:
    """The model of a ``Model | str | None`` field (a catalog row nests it or names it)."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = set(typing.get_args(tp)) - {type(None), str}
    if str not in typing.get_args(tp) or len(args) != 1:
        return None
    (model,) = args
    return model if isinstance(model, type) and issubclass(model, APIObject) else None


def _model_or_name_hook(tp: Any, converter: cattrs.Converter) -> Any:
    model = _model_or_name(tp)
    assert model is not None  # noqa: S101 - the predicate matched

    def structure(value: Any, _: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return converter.structure(value, model)

    return structure


def _rows_as_page(cls: type[APIObject]) -> Callable[[Any], Any] | None:
    """Some descriptions send a page as a bare array: read it as the rows of the page."""
    if not issubclass(cls, _Listing):
        return None
    rows = cls._ROWS

    def shape(value: Any) -> Any:
        return {rows: value} if isinstance(value, list) else value

    return shape


def make_dancity_converter() -> cattrs.Converter:
    """Build the Dancity converter: camelCase wire names, ``Decimal`` money, open statuses.

    Each client builds its own on first use (building it imports cattrs, which
    ``import dancity_sdk`` therefore does not). Pages that some descriptions send as a
    bare array and others as an object (transactions, eSIMs, packages) read either way.
    """
    converter = make_converter(rename=_camel, reshape=_rows_as_page)
    # A predicate hook: it outranks make_converter's generic open-enum factory.
    converter.register_structure_hook_func(lambda t: t == TransactionStatus | str, _status_hook)
    converter.register_structure_hook_factory(
        lambda t: _model_or_name(t) is not None, _model_or_name_hook
    )
    return converter


def is_mapping(value: object) -> bool:
    """Whether a decoded JSON value is an object."""
    return isinstance(value, Mapping)


#: The factory ``APIObject.to_dict`` uses for models built without a client.
make_wire_converter = make_dancity_converter
