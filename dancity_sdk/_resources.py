"""The resources behind ``client.vas.*`` and ``client.app.*``.

Each resource holds the client's call function and the route table (plus body builder) of
the generation chosen at construction; none of them knows about credentials, retries or
which generation it is talking to.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from dancity_sdk import _validation as check
from dancity_sdk._errors import ReconcileTimeoutError
from dancity_sdk._models import (
    Plan,
    Product,
    Service,
    Transaction,
    TransactionPage,
    TransactionStatus,
    Validation,
    Wallet,
)
from dancity_sdk._routes import APP_ROUTES, Bodies, Generation, Purchase, VasRoutes
from shared_auth import Many, NotFoundError, One, ResultList, Secret

if TYPE_CHECKING:
    from shared_auth import CallFunction, Route

__all__ = ["AppNamespace", "VasNamespace"]

#: What the API's envelopes hold: a record under ``data``.
_TRANSACTION: Final = One(Transaction, at=("data",))
_PAGE: Final = One(TransactionPage, at=("data",))


# --- shared argument handling ----------------------------------------------------------------


def _purchase(
    customer_ref: str | None, pin: str | Secret | None, wallettype: str | None = None
) -> Purchase:
    return Purchase(
        customer_ref=check.customer_ref(customer_ref),
        pin=check.pin(pin),
        wallettype=check.optional_text(wallettype, field="wallettype"),
    )


def _list_params(
    *,
    page: int | None,
    limit: int | None,
    start_date: datetime | str | None,
    end_date: datetime | str | None,
    service: str | None,
    status: TransactionStatus | str | None,
    tranx_type: str | None,
    query: str | None,
) -> dict[str, object]:
    return check.without_none(
        {
            "page": None if page is None else check.positive_int(page, field="page"),
            "limit": None if limit is None else check.positive_int(limit, field="limit"),
            "start_date": None
            if start_date is None
            else check.timestamp(start_date, field="start_date"),
            "end_date": None if end_date is None else check.timestamp(end_date, field="end_date"),
            "service": check.optional_text(service, field="service"),
            "status": check.optional_text(status, field="status"),
            "tranxType": check.optional_text(tranx_type, field="tranx_type"),
            "query": check.optional_text(query, field="query"),
        }
    )


class _Resource:
    """A resource: the client's call function plus one generation's routes and bodies."""

    __slots__ = ("_bodies", "_call", "_routes")

    def __init__(self, call: CallFunction, generation: Generation) -> None:
        self._call = call
        self._routes: VasRoutes = generation.routes
        self._bodies: Bodies = generation.bodies

    async def _buy(self, route: Route, body: dict[str, Any], purchase: Purchase) -> Transaction:
        return await self._call(
            route, into=_TRANSACTION, json=body, reference=purchase.customer_ref
        )


# --- VAS -------------------------------------------------------------------------------------


class WalletResource(_Resource):
    """``client.vas.wallet``: the merchant's wallets."""

    __slots__ = ()

    async def balances(self) -> ResultList[Wallet]:
        """The merchant's wallets (``main`` and ``bonus``) with their balances."""
        return await self._call(self._routes.wallets, into=Many(Wallet, at=("data",)))


class CatalogResource(_Resource):
    """``client.vas.catalog``: services → products → plans. Cache results for 15 to 60 minutes."""

    __slots__ = ()

    async def services(self) -> ResultList[Service]:
        """Every service (``AIRTIME``, ``DATA``, ``Cable``…)."""
        into = Many(Service, at=("allServices", "data"))
        return await self._call(self._routes.services, into=into)

    async def products(self, *, service: str | None = None) -> ResultList[Product]:
        """Products, optionally of one service (e.g. ``service="AIRTIME"``)."""
        params = check.without_none({"service": check.optional_text(service, field="service")})
        into = Many(Product, at=("allProduct", "data"))
        return await self._call(self._routes.products, into=into, params=params)

    async def data_plans(self, *, product: str | None = None) -> ResultList[Plan]:
        """Data plans, e.g. ``product="MTN GIFTING"``; buy with the plan's ``plan_id``."""
        return await self._plans(self._routes.data_plans, product=product)

    async def cable_plans(self, *, product: str | None = None) -> ResultList[Plan]:
        """Cable plans, e.g. ``product="GOTV"``; buy with the plan's ``plan_id``."""
        return await self._plans(self._routes.cable_plans, product=product)

    async def internet_plans(
        self, *, product: str | None = None, internet_id: str | None = None
    ) -> ResultList[Plan]:
        """Internet plans, e.g. ``product="Spectranet"``; buy with the plan's ``id``."""
        extra = {"internetid": check.optional_text(internet_id, field="internet_id")}
        return await self._plans(self._routes.internet_plans, product=product, extra=extra)

    async def _plans(
        self, route: Route, *, product: str | None, extra: Mapping[str, object] | None = None
    ) -> ResultList[Plan]:
        params = {"product": check.optional_text(product, field="product"), **(extra or {})}
        into = Many(Plan, at=("data",))
        return await self._call(route, into=into, params=check.without_none(params))


class AirtimeResource(_Resource):
    """``client.vas.airtime``."""

    __slots__ = ()

    async def buy(
        self,
        *,
        product: str,
        phone: str,
        amount: Decimal | int,
        pin: str | Secret | None = None,
        customer_ref: str | None = None,
        wallettype: str | None = None,
    ) -> Transaction:
        """Buy airtime. **Check the returned transaction's status** (a 200 can be ``FAILED``).

        The SDK checks ``amount >= 50``; the maximum is left to the server because the
        docs disagree on it (₦1,000, ₦10,000 or ₦50,000 per product).

        Args:
            product: The network's catalog name, e.g. ``"MTN Airtime"``.
            phone: 11-digit number starting with 0.
            amount: Naira, as ``Decimal`` or ``int``.
            pin: Transaction PIN (required with ``vas_prefix="/api/external/v1"``).
            customer_ref: Your reference; one is generated when omitted. Either way it is
                on the transaction, and on :class:`OutcomeUnknownError`, to reconcile by.
            wallettype: ``"main"`` (the server's default) or ``"bonus"``.
        """
        purchase = _purchase(customer_ref, pin, wallettype)
        body = self._bodies.airtime(
            product=check.text(product, field="product"),
            phone=check.phone(phone),
            amount=check.amount(amount, minimum=check.AIRTIME_MINIMUM),
            purchase=purchase,
        )
        return await self._buy(self._routes.airtime_buy, body, purchase)


class DataResource(_Resource):
    """``client.vas.data``."""

    __slots__ = ()

    async def buy(
        self,
        *,
        plan: str,
        phone: str,
        pin: str | Secret | None = None,
        customer_ref: str | None = None,
        wallettype: str | None = None,
    ) -> Transaction:
        """Buy a data plan (``plan`` = a plan's ``plan_id`` or ``id``). Check the status."""
        purchase = _purchase(customer_ref, pin, wallettype)
        body = self._bodies.data(
            plan=check.text(plan, field="plan"), phone=check.phone(phone), purchase=purchase
        )
        return await self._buy(self._routes.data_buy, body, purchase)


class CableResource(_Resource):
    """``client.vas.cable``."""

    __slots__ = ()

    async def validate(
        self, *, smartcard_number: str, cablename: str, cableplan: str | None = None
    ) -> Validation:
        """Look up the customer behind a smartcard; show ``customer_name`` before buying.

        ``cableplan`` is required by the ``/api/external/v1`` generation's GET and unused
        by ``/api/v1``.
        """
        route = self._routes.cable_validate
        payload = self._bodies.cable_validate(
            smartcard_number=check.text(smartcard_number, field="smartcard_number"),
            cablename=check.text(cablename, field="cablename"),
            cableplan=check.optional_text(cableplan, field="cableplan"),
        )
        into = One(Validation, at=("data",))
        return await self._call(route, into=into, params=payload.params, json=payload.json)

    async def buy(
        self,
        *,
        smartcard_number: str,
        cableplan: str,
        customer_name: str,
        cablename: str | None = None,
        pin: str | Secret | None = None,
        customer_ref: str | None = None,
    ) -> Transaction:
        """Subscribe a smartcard to a plan (``cableplan`` = the plan's ``plan_id``).

        ``cablename`` (the provider) is required with ``/api/external/v1``; ``/api/v1``
        resolves it from the plan.
        """
        purchase = _purchase(customer_ref, pin)
        body = self._bodies.cable_buy(
            smartcard_number=check.text(smartcard_number, field="smartcard_number"),
            cableplan=check.text(cableplan, field="cableplan"),
            customer_name=check.text(customer_name, field="customer_name"),
            cablename=check.optional_text(cablename, field="cablename"),
            purchase=purchase,
        )
        return await self._buy(self._routes.cable_buy, body, purchase)


class ElectricityResource(_Resource):
    """``client.vas.electricity``."""

    __slots__ = ()

    async def validate(
        self, *, meter_number: str, biller: str, amount: Decimal | int, meter_type: str
    ) -> Validation:
        """Look up the customer behind a meter (``biller`` e.g. ``"EKEDC"``).

        ``biller`` is sent as ``billerName`` with ``/api/external/v1`` and as
        ``billerCode`` with ``/api/v1``.
        """
        route = self._routes.electricity_validate
        payload = self._bodies.electricity_validate(
            meter_number=check.text(meter_number, field="meter_number"),
            biller=check.text(biller, field="biller"),
            amount=check.amount(amount),
            meter_type=check.meter_type(meter_type),
        )
        return await self._call(route, into=One(Validation, at=("data",)), json=payload.json)

    async def buy(
        self,
        *,
        meter_number: str,
        biller: str,
        amount: Decimal | int,
        meter_type: str,
        customer_name: str,
        address: str,
        pin: str | Secret | None = None,
        customer_ref: str | None = None,
    ) -> Transaction:
        """Vend electricity (``amount >= 500``). A successful prepaid vend carries ``token``."""
        purchase = _purchase(customer_ref, pin)
        meter = self._bodies.electricity_validate(
            meter_number=check.text(meter_number, field="meter_number"),
            biller=check.text(biller, field="biller"),
            amount=check.amount(amount, minimum=check.ELECTRICITY_MINIMUM),
            meter_type=check.meter_type(meter_type),
        )
        body = self._bodies.electricity_buy(
            meter=meter.json or {},
            customer_name=check.text(customer_name, field="customer_name"),
            address=check.text(address, field="address"),
            purchase=purchase,
        )
        return await self._buy(self._routes.electricity_buy, body, purchase)


class InternetResource(_Resource):
    """``client.vas.internet``."""

    __slots__ = ()

    async def buy(
        self,
        *,
        plan: str,
        account_id: str,
        phone: str,
        pin: str | Secret | None = None,
        customer_ref: str | None = None,
    ) -> Transaction:
        """Buy an internet bundle for a provider account/device id (``accountid``)."""
        purchase = _purchase(customer_ref, pin)
        body = self._bodies.internet(
            plan=check.text(plan, field="plan"),
            account_id=check.text(account_id, field="account_id"),
            phone=check.phone(phone),
            purchase=purchase,
        )
        return await self._buy(self._routes.internet_buy, body, purchase)


class EducationResource(_Resource):
    """``client.vas.education``."""

    __slots__ = ()

    async def purchase(
        self,
        *,
        product: str,
        quantity: int = 1,
        exam_number: str | None = None,
        pin: str | Secret | None = None,
        customer_ref: str | None = None,
    ) -> Transaction:
        """Buy exam PINs (delivered once, in ``transaction.pins``: store them).

        ``product`` is sent as ``exam_name`` with ``/api/v1`` and as ``product`` with
        ``/api/external/v1``. The quantity limit (1 to 5, JAMB 1) is the server's to enforce.
        """
        purchase = _purchase(customer_ref, pin)
        body = self._bodies.education(
            product=check.text(product, field="product"),
            quantity=check.positive_int(quantity, field="quantity"),
            exam_number=check.optional_text(exam_number, field="exam_number"),
            purchase=purchase,
        )
        return await self._buy(self._routes.education_purchase, body, purchase)


class BettingResource(_Resource):
    """``client.vas.betting``."""

    __slots__ = ()

    async def fund(
        self,
        *,
        product: str,
        account_id: str,
        amount: Decimal | int,
        pin: str | Secret | None = None,
        customer_ref: str | None = None,
    ) -> Transaction:
        """Fund a betting account (``amount >= 100``); wrong-account credits are not reversible.

        ``account_id`` is sent as ``account_id`` with ``/api/v1`` and as
        ``customerIdentifier`` with ``/api/external/v1``.
        """
        purchase = _purchase(customer_ref, pin)
        body = self._bodies.betting(
            product=check.text(product, field="product"),
            account_id=check.text(account_id, field="account_id"),
            amount=check.amount(amount, minimum=check.BETTING_MINIMUM),
            purchase=purchase,
        )
        return await self._buy(self._routes.betting_fund, body, purchase)


class TransactionsResource(_Resource):
    """``client.vas.transactions``: list, requery and reconcile."""

    __slots__ = ()

    async def list(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        service: str | None = None,
        status: TransactionStatus | str | None = None,
        tranx_type: str | None = None,
        query: str | None = None,
    ) -> TransactionPage:
        """One page of transactions, newest first (``limit`` at most 100 per the docs)."""
        route = self._routes.transactions
        params = _list_params(
            page=page,
            limit=limit,
            start_date=start_date,
            end_date=end_date,
            service=service,
            status=status,
            tranx_type=tranx_type,
            query=query,
        )
        return await self._call(route, into=_PAGE, params=params)

    async def get(self, id_or_ref: str, /) -> Transaction:
        """Requery one transaction by ``_id``, ``tranxId`` or ``customerRef`` (latest match).

        Raises:
            NotFoundError: no transaction matches.
        """
        route = self._routes.transaction
        ident = check.text(id_or_ref, field="id_or_ref")
        return await self._call(route, into=_TRANSACTION, path_params={"transaction_id": ident})

    async def reconcile(
        self,
        customer_ref: str,
        /,
        *,
        interval: float = 15.0,
        timeout: float = 300.0,  # noqa: ASYNC109 - a polling budget, not a cancel scope
    ) -> Transaction:
        """Requery until the transaction leaves ``PENDING``/``PROCESSING``, and return it.

        Use it after :class:`OutcomeUnknownError` (``error.reference``) or a pending buy,
        instead of buying again. The docs advise polling every 10 to 30 seconds.

        Raises:
            ReconcileTimeoutError: still open (or never found) after ``timeout`` seconds;
                its ``transaction`` is the latest record seen, ``None`` if never found.
        """
        import anyio  # noqa: PLC0415 - loaded with the client already; kept off import time

        ref = check.text(customer_ref, field="customer_ref")
        deadline = anyio.current_time() + timeout
        latest: Transaction | None = None
        while True:
            try:
                latest = await self.get(ref)
            except NotFoundError:
                latest = None  # not recorded (yet): the purchase may never have arrived
            if latest is not None and not latest.pending:
                return latest
            if anyio.current_time() + interval > deadline:
                raise _reconcile_timeout(ref, latest, timeout)
            await anyio.sleep(interval)


def _reconcile_timeout(
    ref: str, latest: Transaction | None, timeout: float
) -> ReconcileTimeoutError:
    if latest is None:
        state = "no transaction has this reference (the purchase most likely never reached Dancity)"
    else:
        state = f"it is still {latest.status}"
    msg = f"reconciling {ref!r} gave up after {timeout}s: {state}"
    return ReconcileTimeoutError(msg, reference=ref, transaction=latest)


class VasNamespace:
    """``client.vas``: the merchant (VAS) API — merchant key plus ``channel``."""

    __slots__ = (
        "airtime",
        "betting",
        "cable",
        "catalog",
        "data",
        "education",
        "electricity",
        "internet",
        "transactions",
        "wallet",
    )

    def __init__(self, call: CallFunction, generation: Generation) -> None:
        self.wallet = WalletResource(call, generation)
        self.catalog = CatalogResource(call, generation)
        self.airtime = AirtimeResource(call, generation)
        self.data = DataResource(call, generation)
        self.cable = CableResource(call, generation)
        self.electricity = ElectricityResource(call, generation)
        self.internet = InternetResource(call, generation)
        self.education = EducationResource(call, generation)
        self.betting = BettingResource(call, generation)
        self.transactions = TransactionsResource(call, generation)


# --- App -------------------------------------------------------------------------------------


class AppWalletResource:
    """``client.app.wallet``: the signed-in user's wallet (JWT)."""

    __slots__ = ("_call",)

    def __init__(self, call: CallFunction) -> None:
        self._call = call

    async def get(self, wallet_id: str, /) -> Wallet:
        """``GET /api/wallet/{id}``: only the signed-in user's wallet is returned."""
        route = APP_ROUTES.wallet
        ident = check.text(wallet_id, field="wallet_id")
        into = One(Wallet, at=("data",))
        return await self._call(route, into=into, path_params={"wallet_id": ident})


class AppTransactionsResource:
    """``client.app.transactions``: the signed-in user's transactions (JWT)."""

    __slots__ = ("_call",)

    def __init__(self, call: CallFunction) -> None:
        self._call = call

    async def list(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        service: str | None = None,
        status: TransactionStatus | str | None = None,
        tranx_type: str | None = None,
        query: str | None = None,
    ) -> TransactionPage:
        """One page of the user's transactions (``GET /api/transactions``)."""
        route = APP_ROUTES.transactions
        params = _list_params(
            page=page,
            limit=limit,
            start_date=start_date,
            end_date=end_date,
            service=service,
            status=status,
            tranx_type=tranx_type,
            query=query,
        )
        return await self._call(route, into=_PAGE, params=params)

    async def get(self, transaction_id: str, /) -> Transaction:
        """``GET /api/transactions/{id}``."""
        route = APP_ROUTES.transaction
        ident = check.text(transaction_id, field="transaction_id")
        return await self._call(route, into=_TRANSACTION, path_params={"transaction_id": ident})


class AppNamespace:
    """``client.app``: the first-party App API — user JWT, never a ``channel`` header."""

    __slots__ = ("transactions", "wallet")

    def __init__(self, call: CallFunction) -> None:
        self.wallet = AppWalletResource(call)
        self.transactions = AppTransactionsResource(call)
