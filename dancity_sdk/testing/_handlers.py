"""What each operation does: one handler per operation name of ``dancity_sdk._spec``.

Routing (which operations a generation has, their method, path, family and throttles) is
read from the declarations; everything here is the sandbox's own behaviour: the state
machine, validation and messages, and the answer shapes of the generation's dialect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

from dancity_sdk._declarations import Answers
from dancity_sdk._spec import Field
from dancity_sdk.testing import _esim
from dancity_sdk.testing._card_handlers import CardHandlers
from dancity_sdk.testing._catalog import Catalog, Plan
from dancity_sdk.testing._faults import apply
from dancity_sdk.testing._fields import WALLET_TYPES, Fields
from dancity_sdk.testing._generations import Generation
from dancity_sdk.testing._handler_kit import (
    _DAY,
    _ESIM_PAGE_SIZE,
    Caller,
    Handler,
    SandboxState,
    _one_of,
    _paging,
    _text_query,
    json_body,
    pagination,
    path_value,
    search_filter,
)
from dancity_sdk.testing._ledger import Order
from dancity_sdk.testing._services import (
    Buyer,
    buy_airtime,
    buy_betting,
    buy_cable,
    buy_data,
    buy_education,
    buy_electricity,
    buy_internet,
    check_pin,
    take_pin,
    validate_any,
    validate_education,
    validate_meter,
    validate_smartcard,
)
from dancity_sdk.testing._wire import (
    JsonObject,
    WireResponse,
    envelope_error,
    nest_error,
    ok,
    validation_error,
)

HandlerFactory = Callable[["Handlers", Generation], Handler]


class Handlers(CardHandlers):
    """Operation behaviour over one `SandboxState`."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    # --- wallet, catalogue ----------------------------------------------------------------

    async def wallets(self, _request: Request, _caller: Caller) -> Response:
        """``wallet.list``: main and bonus wallets."""
        return ok("Wallets retrieved successfully", self.state.ledger.wallet_rows())

    async def wallet(self, request: Request, caller: Caller) -> Response:
        """``wallet.get`` (merchant and App): only the caller's own wallet."""
        ledger = self.state.ledger
        found = ledger.wallet_row(path_value(request))
        if found is None or caller.user_id != ledger.user_id:
            raise envelope_error(404, "Not found")
        return ok("Wallet retrieved", found)

    async def services(self, request: Request, _caller: Caller) -> Response:
        """``services.list`` (``?id=``, where declared, answers one ``service``)."""
        params = request.query_params
        if params.get("id"):
            return self._one_service(params["id"])
        rows = self.state.catalog.services(params.get("name"))
        return WireResponse({"message": "SUCCESS", "allServices": rows})

    async def service(self, request: Request, _caller: Caller) -> Response:
        """``services.get``: one service by ``_id``."""
        return self._one_service(path_value(request))

    def _one_service(self, ident: str) -> Response:
        row = self.state.catalog.service(ident)
        if row is None:
            raise envelope_error(404, "Service not found")
        return WireResponse({"success": True, "message": "SUCCESS", "service": row, "data": row})

    def products(self, gen: Generation) -> Handler:
        """``products.list``: by ``service``, ``name`` or ``productId``."""

        async def handler(request: Request, _caller: Caller) -> Response:
            params = request.query_params
            rows = self.state.catalog.products(params.get("service"))
            if params.get("name"):
                rows = [row for row in rows if row.matches(params["name"])]
            if params.get("productId"):
                rows = [row for row in rows if row.id == params["productId"]]
            body = {
                "statusCode": 200,
                "message": "SUCCESS",
                "allProduct": [p.wire(gen.dialect) for p in rows],
            }
            return WireResponse(body)

        return handler

    def product(self, gen: Generation) -> Handler:
        """``products.get``: one product by ``_id``."""

        async def handler(request: Request, _caller: Caller) -> Response:
            found = self.state.catalog.product_by_id(path_value(request))
            if found is None:
                raise envelope_error(404, "Product not found")
            return ok("Product fetched", found.wire(gen.dialect))

        return handler

    def data_plans(self, gen: Generation) -> Handler:
        """``plans.data``: by ``product`` or ``planId``, rows in the generation's dialect."""
        return self._plans(gen, Catalog.data_plans, "planId", Plan.data_wire)

    def cable_plans(self, gen: Generation) -> Handler:
        """``plans.cable``: by ``product`` or ``cableplanId``, in the generation's dialect."""
        return self._plans(gen, Catalog.cable_plans, "cableplanId", Plan.cable_wire)

    def _plans(
        self,
        gen: Generation,
        rows_of: Callable[[Catalog, str | None], list[Plan]],
        id_param: str,
        wire: Callable[[Plan, Answers], JsonObject],
    ) -> Handler:
        async def handler(request: Request, _caller: Caller) -> Response:
            params = request.query_params
            rows = rows_of(self.state.catalog, params.get("product"))
            wanted = params.get(id_param)
            if wanted:
                rows = [row for row in rows if wanted in {row.plan_id, row.id}]
            data = [wire(plan, gen.dialect) for plan in rows]
            return WireResponse({"message": "SUCCESS", "data": data})

        return handler

    async def internet_plans(self, request: Request, _caller: Caller) -> Response:
        """``plans.internet``: by ``product`` or ``internetid``."""
        params = request.query_params
        rows = self.state.catalog.internet_plans(params.get("product"))
        if params.get("internetid"):
            rows = [row for row in rows if row.id == params["internetid"]]
        return ok("Internet plans fetched", [plan.internet_wire() for plan in rows])

    # --- validation -----------------------------------------------------------------------

    def cable_validate(self, gen: Generation) -> Handler:
        """``cable.validate``: a GET query or a POST body, as declared (a plan if declared)."""
        needs_plan = gen.field("cable.validate", "cableplan") is not None

        async def handler(request: Request, _caller: Caller) -> Response:
            if request.method == "GET":
                source: Mapping[str, object] = dict(request.query_params)
            else:
                source = await json_body(request)
            data = validate_smartcard(source, self.state.catalog, needs_plan=needs_plan)
            return ok("Validation successful", data)

        return handler

    def electricity_validate(self, gen: Generation) -> Handler:
        """``electricity.validate``: the biller under its declared name (``billerName``…)."""
        return self._biller_validation(gen, "electricity.validate", validate_meter)

    def validate(self, gen: Generation) -> Handler:
        """``validate`` (unified): ``type`` selects cable or electricity."""
        return self._biller_validation(gen, "validate", validate_any)

    def _biller_validation(
        self, gen: Generation, operation: str, check: Callable[..., JsonObject]
    ) -> Handler:
        biller_field = gen.wire_name(operation, "biller")

        async def handler(request: Request, _caller: Caller) -> Response:
            body = await json_body(request)
            data = check(body, self.state.catalog, biller_field=biller_field)
            return ok("Validation successful", data)

        return handler

    async def education_validate(self, request: Request, _caller: Caller) -> Response:
        """``education.validate_product``: the price of ``quantity`` PINs of a product."""
        data = validate_education(await json_body(request), self.state.catalog)
        return ok("Product validated", data)

    # --- purchases ------------------------------------------------------------------------

    def buyer(self, buy: Buyer, gen: Generation) -> Handler:
        """A VAS purchase: validate, charge, record, publish webhooks, then apply any fault."""

        async def handler(request: Request, caller: Caller) -> Response:
            state = self.state
            purchase = buy(await json_body(request), gen, state.catalog)
            record, events = state.ledger.purchase(
                purchase.order,
                wallettype=purchase.wallettype,
                channel=caller.channel,
                customer_ref=purchase.customer_ref,
            )
            await state.outbox.publish(events)
            return await apply(state.faults.pop(), request, ok(purchase.message, record))

        return handler

    # --- transactions ---------------------------------------------------------------------

    async def transactions(self, request: Request, caller: Caller) -> Response:
        """``transactions.list``: filtered, newest first, paginated."""
        page, limit, query = search_filter(request.query_params)
        ledger = self.state.ledger
        rows = ledger.search(query) if caller.user_id == ledger.user_id else []
        data = {
            "transactions": rows[(page - 1) * limit : page * limit],
            "pagination": pagination(page, limit, len(rows)),
        }
        return ok("Transactions retrieved successfully", data)

    async def transaction(self, request: Request, caller: Caller) -> Response:
        """``transactions.get``: by ``_id``, ``tranxId`` or latest ``customerRef``."""
        if caller.user_id != self.state.ledger.user_id:
            raise envelope_error(404, "Transaction not found")
        record, events = self.state.ledger.requery(path_value(request))
        await self.state.outbox.publish(events)
        return ok("Transaction fetched", record)

    # --- eSIM -----------------------------------------------------------------------------

    async def esim_regions(self, request: Request, _caller: Caller) -> Response:
        """``esim.regions``: ``type=1`` single-country, ``2`` multi-country, else all."""
        raw = request.query_params.get("type", "")
        kind: int | None = None
        if raw:
            if raw not in {"1", "2"}:
                raise validation_error(["type must be one of the following values: 1, 2"])
            kind = int(raw)
        rows = [region.wire() for region in _esim.regions(kind)]
        return ok("eSIM regions fetched successfully", {"regions": rows})

    async def esim_packages(self, request: Request, _caller: Caller) -> Response:
        """``esim.packages``: the ``BASE`` (default) or ``TOPUP`` packages of a region."""
        params = request.query_params
        region = _text_query(params, "regionCode")
        errors: list[str] = []
        kind = (_one_of(params, "type", ("BASE", "TOPUP"), errors) or "BASE").upper()
        region_types = ("COUNTRY", "MULTI-COUNTRY", "GLOBAL")
        _one_of(params, "regionType", region_types, errors)
        if errors:
            raise validation_error(errors)
        rows = [pack.wire() for pack in _esim.packages(region, kind)]
        return ok("Packages fetched", rows)

    def esim_topups(self, gen: Generation) -> Handler:
        """``esim.topup_packages``: top-ups for an installed eSIM's region."""

        async def handler(request: Request, _caller: Caller) -> Response:
            iccid = _text_query(request.query_params, "iccid")
            esim = self.state.esims.by_iccid(iccid)
            if esim is None:
                raise envelope_error(404, "eSIM not found")
            packs = [
                p.topup_wire(gen.dialect) for p in _esim.packages(esim.package.region, "TOPUP")
            ]
            if gen.dialect == "documents":
                return ok("Top-up packages fetched", packs)
            data = {"packages": packs, "exchangeRate": _esim.EXCHANGE_RATE}
            return ok("eSIM topup packages fetched successfully", data)

        return handler

    def esim_purchase(self, gen: Generation) -> Handler:
        """``esim.purchase``: a new eSIM (``BASE``) or data on an existing one (``TOPUP``)."""

        async def handler(request: Request, caller: Caller) -> Response:
            state = self.state
            fields = Fields(await json_body(request))
            code = fields.text("packageCode")
            wallettype = _wallettype(fields, gen.field("esim.purchase", "wallettype"))
            customer_ref = fields.text("customerRef", required=False, exact=True)
            takes_iccid = gen.field("esim.purchase", "iccid") is not None
            iccid = fields.text("iccid", required=False) if takes_iccid else ""
            pin = take_pin(fields, gen, "esim.purchase")
            fields.check()
            check_pin(pin)
            pack = _esim.package(code)
            if pack is None:
                raise nest_error(400, "eSIM package not found")
            esim = self._esim_target(pack, iccid)
            iccid = esim.iccid if esim else self._new_iccid()
            activation = _esim.activation_code(iccid)
            extra = {"iccid": iccid, "activationCode": activation, "packageCode": pack.code}
            order = Order("eSIM", pack.name, pack.naira, iccid, pack.name, extra=extra)
            record, events = state.ledger.purchase(
                order,
                wallettype=wallettype,
                channel=caller.channel,
                customer_ref=customer_ref,
                status="SUCCESS",
            )
            self._install(pack, record, esim)
            await state.outbox.publish(events)
            return await apply(state.faults.pop(), request, ok("eSIM purchased", record))

        return handler

    def _esim_target(self, pack: _esim.Package, iccid: str) -> _esim.Esim | None:
        if pack.kind != "TOPUP":
            return None
        if not iccid:
            raise validation_error(["iccid should not be empty for a TOPUP package"])
        esim = self.state.esims.by_iccid(iccid)
        if esim is None:
            raise envelope_error(404, "eSIM not found")
        if esim.package.region != pack.region:
            raise nest_error(400, "Top-up package does not match the eSIM's region")
        return esim

    def _new_iccid(self) -> str:
        # A fixed check digit of 5 keeps an ICCID clear of the 0000/1111 outcome suffixes.
        digits = f"{int(self.state.ledger.new_id(), 16) % 10**11:011d}"
        return f"8923401{digits}5"

    def _install(self, pack: _esim.Package, record: JsonObject, esim: _esim.Esim | None) -> None:
        now = self.state.clock()
        if esim is not None:
            self.state.esims.top_up(esim.iccid, pack, record["tranxId"], now)
            return
        installed = _esim.Esim(
            iccid=record["iccid"],
            package=pack,
            transaction_id=record["_id"],
            tranx_id=record["tranxId"],
            customer_ref=record["customerRef"],
            amount=record["amount"],
            purchased_at=now,
            remaining=pack.volume,
            expires_at=now + pack.days * _DAY,
        )
        self.state.esims.add(installed)

    def esim_list(self, gen: Generation) -> Handler:
        """``esim.my_esims``: newest first; paged in the ``views`` shapes."""

        async def handler(request: Request, _caller: Caller) -> Response:
            page, limit, errors = _paging(request.query_params, _ESIM_PAGE_SIZE)
            if errors:
                raise validation_error(errors)
            esims = self.state.esims.all()
            if gen.dialect == "documents":
                return ok("eSIMs fetched", [esim.row(gen.dialect) for esim in esims])
            rows = [esim.row(gen.dialect) for esim in esims[(page - 1) * limit : page * limit]]
            data = {"esims": rows, "pagination": pagination(page, limit, len(esims))}
            return ok("User eSIMs fetched successfully", data)

        return handler

    def esim_details(self, gen: Generation) -> Handler:
        """``esim.details``: by the purchase's ``_id``, ``tranxId`` or ``customerRef``."""

        async def handler(request: Request, _caller: Caller) -> Response:
            ident = path_value(request)
            record = self.state.ledger.lookup(ident)
            known = {ident: record["_id"]} if record else {}
            esim = self.state.esims.find(ident, known)
            if esim is None:
                raise envelope_error(404, "eSIM not found")
            data = esim.details(gen.dialect, self.state.clock())
            message = (
                "eSIM details fetched"
                if gen.dialect == "documents"
                else "eSIM details fetched successfully"
            )
            return ok(message, data)

        return handler


def _wallettype(fields: Fields, declared: Field | None) -> str:
    if declared is not None and declared.required:
        return fields.choice("wallettype", WALLET_TYPES)
    return fields.choice("wallettype", WALLET_TYPES, default="main")


def _static(method: Callable[[Handlers, Request, Caller], Awaitable[Response]]) -> HandlerFactory:
    def factory(handlers: Handlers, _gen: Generation) -> Handler:
        async def handler(request: Request, caller: Caller) -> Response:
            return await method(handlers, request, caller)

        return handler

    return factory


def _per_generation(method: Callable[[Handlers, Generation], Handler]) -> HandlerFactory:
    def factory(handlers: Handlers, gen: Generation) -> Handler:
        return method(handlers, gen)

    return factory


def _buy(buy: Buyer) -> HandlerFactory:
    def factory(handlers: Handlers, gen: Generation) -> Handler:
        return handlers.buyer(buy, gen)

    return factory


#: The behaviour of every operation name ``dancity_sdk._spec`` declares.
VAS_HANDLERS: Final[Mapping[str, HandlerFactory]] = {
    "wallet.list": _static(Handlers.wallets),
    "wallet.get": _static(Handlers.wallet),
    "services.list": _static(Handlers.services),
    "services.get": _static(Handlers.service),
    "products.list": _per_generation(Handlers.products),
    "products.get": _per_generation(Handlers.product),
    "plans.data": _per_generation(Handlers.data_plans),
    "plans.cable": _per_generation(Handlers.cable_plans),
    "plans.internet": _static(Handlers.internet_plans),
    "transactions.list": _static(Handlers.transactions),
    "transactions.get": _static(Handlers.transaction),
    "cable.validate": _per_generation(Handlers.cable_validate),
    "electricity.validate": _per_generation(Handlers.electricity_validate),
    "validate": _per_generation(Handlers.validate),
    "education.validate_product": _static(Handlers.education_validate),
    "airtime.buy": _buy(buy_airtime),
    "data.buy": _buy(buy_data),
    "cable.buy": _buy(buy_cable),
    "electricity.buy": _buy(buy_electricity),
    "internet.buy": _buy(buy_internet),
    "education.purchase": _buy(buy_education),
    "betting.fund": _buy(buy_betting),
    "esim.regions": _static(Handlers.esim_regions),
    "esim.packages": _static(Handlers.esim_packages),
    "esim.topup_packages": _per_generation(Handlers.esim_topups),
    "esim.purchase": _per_generation(Handlers.esim_purchase),
    "esim.my_esims": _per_generation(Handlers.esim_list),
    "esim.details": _per_generation(Handlers.esim_details),
    "cards.list": _static(Handlers.cards),
    "cards.create": _static(Handlers.create_card),
    "cards.exchange_rate": _static(Handlers.exchange_rate),
    "cards.transactions": _static(Handlers.card_transactions),
    "cards.fund": _static(Handlers.fund_card),
    "cards.get": _static(Handlers.card),
    "cards.update": _static(Handlers.update_card),
}

#: The App API (user JWT), the same in every generation.
APP_HANDLERS: Final[Mapping[str, HandlerFactory]] = {
    "wallet.get": _static(Handlers.wallet),
    "transactions.list": _static(Handlers.transactions),
    "transactions.get": _static(Handlers.transaction),
}
