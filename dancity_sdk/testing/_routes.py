"""The sandbox's HTTP surface: one route table per VAS generation, the App API, control routes.

Every ``/api`` response passes through one wrapper that applies, in order: the per-key
sliding-window limit (so ``X-RateLimit-*`` is on every answer, 401s included), the route
family's credential check, then the handler; errors raised anywhere become their documented
JSON bodies there.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from dancity_sdk.testing._access import (
    CHANNELS,
    KEY_PATTERN,
    Allowlist,
    JwtSigner,
    KeyRing,
    bearer_token,
)
from dancity_sdk.testing._catalog import Catalog
from dancity_sdk.testing._faults import (
    DEFAULT_DELAY,
    FAULT_KINDS,
    Fault,
    FaultKind,
    FaultQueue,
    apply,
)
from dancity_sdk.testing._fields import Fields
from dancity_sdk.testing._ledger import STATUSES, Ledger, SearchFilter, Status
from dancity_sdk.testing._ratelimit import RateLimiter
from dancity_sdk.testing._services import (
    G1,
    G3,
    Buyer,
    Generation,
    buy_airtime,
    buy_betting,
    buy_cable,
    buy_data,
    buy_education,
    buy_electricity,
    buy_internet,
    validate_any,
    validate_meter,
    validate_smartcard,
)
from dancity_sdk.testing._webhooks import Outbox
from dancity_sdk.testing._wire import (
    ApiError,
    JsonObject,
    WireResponse,
    bare_error,
    envelope_error,
    loads,
    nest_error,
    ok,
    parse_iso,
    status_phrase,
    validation_error,
)

INVALID_KEY: Final = "Invalid API key or IP not allowlisted"
DEFAULT_JWT_TTL: Final = 3600.0
_MAX_PAGE_SIZE: Final = 100
_DEFAULT_PAGE_SIZE: Final = 10

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the account's user and the ``channel`` header (``""`` on App routes)."""

    user_id: str
    channel: str = ""


Handler = Callable[[Request, Caller], Awaitable[Response]]
Authenticator = Callable[[Request], Caller]


@dataclass(frozen=True, slots=True)
class SandboxState:
    """Everything one sandbox instance owns; the routes only ever see this."""

    keys: KeyRing
    allowlist: Allowlist
    jwt: JwtSigner
    limiter: RateLimiter
    ledger: Ledger
    outbox: Outbox
    faults: FaultQueue
    catalog: Catalog


def _bucket(request: Request) -> str:
    """Rate-limit bucket: the presented credential (hashed), else the client address."""
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        return "credential:" + hashlib.sha256(token.encode()).hexdigest()
    return "ip:" + (request.client.host if request.client else "unknown")


async def _json_body(request: Request) -> JsonObject:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = loads(raw)
    except ValueError as exc:
        raise nest_error(400, "Unexpected token in JSON body") from exc
    if not isinstance(body, dict):
        raise nest_error(400, "Request body must be a JSON object")
    return body


def _positive_int(params: QueryParams, name: str, default: int, errors: list[str]) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        errors.append(f"{name} must be a positive integer")
        return default
    return int(raw)


def _date(params: QueryParams, name: str, errors: list[str]) -> float | None:
    raw = params.get(name)
    if not raw:
        return None
    parsed = parse_iso(raw)
    if parsed is None:
        errors.append(f"{name} must be a valid ISO 8601 date string")
    return parsed


def _one_of(
    params: QueryParams, name: str, options: tuple[str, ...], errors: list[str]
) -> str | None:
    raw = params.get(name) or None
    if raw is not None and raw.upper() not in options:
        errors.append(f"{name} must be one of the following values: {', '.join(options)}")
    return raw


def _search(params: QueryParams) -> tuple[int, int, SearchFilter]:
    """Parse ``page``, ``limit`` and the filters of ``GET /transactions``."""
    errors: list[str] = []
    page = _positive_int(params, "page", 1, errors)
    limit = _positive_int(params, "limit", _DEFAULT_PAGE_SIZE, errors)
    if limit > _MAX_PAGE_SIZE:
        errors.append(f"limit must not be greater than {_MAX_PAGE_SIZE}")
    query = SearchFilter(
        start=_date(params, "start_date", errors),
        end=_date(params, "end_date", errors),
        service=params.get("service") or None,
        status=_one_of(params, "status", STATUSES, errors),
        tranx_type=_one_of(params, "tranxType", ("DEBIT", "CREDIT"), errors),
        text=params.get("query") or None,
    )
    if errors:
        raise validation_error(errors)
    return page, limit, query


def _pagination(page: int, limit: int, total: int) -> JsonObject:
    pages = math.ceil(total / limit)
    return {
        "page": page,
        "limit": limit,
        "total": total,
        "pages": pages,
        "totalPages": pages,
        "hasPrevious": page > 1,
        "hasNext": page < pages,
    }


class Api:
    """Route handlers over one :class:`SandboxState`."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    # --- the wrapper and the two credential checks -------------------------------------

    def _endpoint(self, handler: Handler, auth: Authenticator, *, purchase: bool) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            decision = self._state.limiter.hit(_bucket(request), purchase=purchase)
            if not decision.allowed:
                response: Response = nest_error(429, "Too Many Requests").response()
            else:
                try:
                    response = await handler(request, auth(request))
                except ApiError as error:
                    response = error.response()
            response.headers.update(decision.headers())
            return response

        return endpoint

    def vas(self, handler: Handler, *, purchase: bool = False) -> Endpoint:
        """A merchant route: key, ``channel`` and allowlist; purchases count twice."""
        return self._endpoint(handler, self._merchant, purchase=purchase)

    def app(self, handler: Handler) -> Endpoint:
        """An App API route: JWT only, no ``channel``."""
        return self._endpoint(handler, self._user, purchase=False)

    def _merchant(self, request: Request) -> Caller:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            raise bare_error(401, "Missing API key")
        state = self._state.keys.state(token) if KEY_PATTERN.fullmatch(token) else "unknown"
        if state == "revoked":
            raise bare_error(401, "Your API key is not active")
        if state == "unknown":
            raise bare_error(401, INVALID_KEY)
        channel = request.headers.get("channel", "").strip()
        if not channel:
            raise bare_error(401, "Missing channel header")
        if channel not in CHANNELS:
            raise bare_error(401, "Invalid channel header")
        if not self._state.allowlist.allows(request.client.host if request.client else None):
            raise envelope_error(401, INVALID_KEY)
        return Caller(self._state.ledger.user_id, channel)

    def _user(self, request: Request) -> Caller:
        token = bearer_token(request.headers.get("authorization"))
        subject = self._state.jwt.subject(token) if token else None
        if subject is None:
            raise bare_error(401, "Unauthorized")
        return Caller(subject)

    # --- wallet, catalog ----------------------------------------------------------------

    async def wallets(self, _request: Request, _caller: Caller) -> Response:
        """``GET <prefix>/wallet``: main and bonus wallets."""
        return ok("Wallets retrieved", self._state.ledger.wallet_rows())

    async def wallet(self, request: Request, caller: Caller) -> Response:
        """``GET <prefix>/wallet/{id}`` and ``GET /api/wallet/{id}``: only the caller's own."""
        ledger = self._state.ledger
        found = ledger.wallet_row(request.path_params["wallet_id"])
        if found is None or caller.user_id != ledger.user_id:
            raise envelope_error(404, "Not found")
        return ok("Wallet retrieved", found)

    async def services(self, _request: Request, _caller: Caller) -> Response:
        """``GET <prefix>/services``."""
        return WireResponse({"message": "SUCCESS", "allServices": self._state.catalog.services()})

    async def products(self, request: Request, _caller: Caller) -> Response:
        """``GET <prefix>/products?service=``."""
        rows = self._state.catalog.products(request.query_params.get("service"))
        body = {"statusCode": 200, "message": "SUCCESS", "allProduct": [p.wire() for p in rows]}
        return WireResponse(body)

    async def data_plans(self, request: Request, _caller: Caller) -> Response:
        """``GET <prefix>/plans/data?product=``."""
        rows = self._state.catalog.data_plans(request.query_params.get("product"))
        return WireResponse({"message": "SUCCESS", "data": [plan.wire() for plan in rows]})

    async def cable_plans(self, request: Request, _caller: Caller) -> Response:
        """``GET <prefix>/plans/cable?product=``."""
        rows = self._state.catalog.cable_plans(request.query_params.get("product"))
        return WireResponse({"message": "SUCCESS", "data": [plan.wire() for plan in rows]})

    async def internet_plans(self, request: Request, _caller: Caller) -> Response:
        """``GET <prefix>/plans/internet?product=``."""
        rows = self._state.catalog.internet_plans(request.query_params.get("product"))
        return ok("Internet plans fetched", [plan.internet_wire() for plan in rows])

    # --- validation and purchases -------------------------------------------------------

    async def cable_validate_query(self, request: Request, _caller: Caller) -> Response:
        """G1 ``GET /cable/validate?smartcardNumber=&cableplan=&cablename=``."""
        params = dict(request.query_params)
        data = validate_smartcard(params, self._state.catalog, needs_plan=True)
        return ok("Validation successful", data)

    async def cable_validate(self, request: Request, _caller: Caller) -> Response:
        """G3 ``POST /cable/validate {smartcardNumber, cablename}``."""
        data = validate_smartcard(await _json_body(request), self._state.catalog)
        return ok("Validation successful", data)

    def meter_validate(self, biller_field: str) -> Handler:
        """``POST /electricity/validate``: G1 ``billerName``, G3 ``billerCode``."""

        async def handler(request: Request, _caller: Caller) -> Response:
            body = await _json_body(request)
            data = validate_meter(body, self._state.catalog, biller_field=biller_field)
            return ok("Validation successful", data)

        return handler

    async def validate_unified(self, request: Request, _caller: Caller) -> Response:
        """G1 ``POST /validate {type: cable|electricity, ...}``."""
        data = validate_any(await _json_body(request), self._state.catalog)
        return ok("Validation successful", data)

    def buyer(self, buy: Buyer, gen: Generation) -> Handler:
        """A purchase: validate, charge, record, publish webhooks, then apply any fault."""

        async def handler(request: Request, caller: Caller) -> Response:
            state = self._state
            purchase = buy(await _json_body(request), gen, state.catalog)
            record, events = state.ledger.purchase(
                purchase.order,
                wallettype=purchase.wallettype,
                channel=caller.channel,
                customer_ref=purchase.customer_ref,
            )
            await state.outbox.publish(events)
            return await apply(state.faults.pop(), request, ok(purchase.message, record))

        return handler

    # --- transactions -------------------------------------------------------------------

    async def transactions(self, request: Request, caller: Caller) -> Response:
        """``GET .../transactions``: filtered, newest first, paginated."""
        page, limit, query = _search(request.query_params)
        ledger = self._state.ledger
        rows = ledger.search(query) if caller.user_id == ledger.user_id else []
        data = {
            "transactions": rows[(page - 1) * limit : page * limit],
            "pagination": _pagination(page, limit, len(rows)),
        }
        return ok("Transactions retrieved successfully", data)

    async def transaction(self, request: Request, caller: Caller) -> Response:
        """``GET .../transactions/{id}``: by ``_id``, ``tranxId`` or ``customerRef``."""
        if caller.user_id != self._state.ledger.user_id:
            raise envelope_error(404, "Transaction not found")
        ident = request.path_params["transaction_id"]
        record, events = self._state.ledger.requery(ident)
        await self._state.outbox.publish(events)
        return ok("Transaction fetched", record)

    # --- sandbox-only control routes ----------------------------------------------------

    async def issue_jwt(self, request: Request) -> Response:
        """``POST /_sandbox/jwt {user_id, ttl}``: the docs define no login; this stands in."""
        try:
            body = await _json_body(request)
            fields = Fields(body)
            user_id = fields.text("user_id", required=False) or self._state.ledger.user_id
            ttl = _seconds(body, "ttl", DEFAULT_JWT_TTL, fields)
            fields.check()
        except ApiError as error:
            return error.response()
        token = self._state.jwt.issue(user_id, ttl)
        return ok("Sandbox-only test JWT", {"token": token, "user_id": user_id, "ttl": ttl})

    async def set_status(self, request: Request) -> Response:
        """``POST /_sandbox/transactions/{tranxId}/status {status}``: settle an open one."""
        try:
            fields = Fields(await _json_body(request))
            status = _as_status(fields.choice("status", STATUSES))
            fields.check()
            record, events = self._state.ledger.set_status(request.path_params["tranx_id"], status)
        except ApiError as error:
            return error.response()
        await self._state.outbox.publish(events)
        return ok("Transaction status updated", record)

    async def queue_fault(self, request: Request) -> Response:
        """``POST /_sandbox/faults {kind, delay}``: :meth:`DancitySandbox.fail_next` over HTTP."""
        try:
            body = await _json_body(request)
            fields = Fields(body)
            kind = _as_fault_kind(fields.choice("kind", FAULT_KINDS))
            delay = _seconds(body, "delay", DEFAULT_DELAY, fields)
            fields.check()
        except ApiError as error:
            return error.response()
        self._state.faults.push(Fault(kind, delay))
        return ok("Fault queued", {"kind": kind, "delay": delay})

    async def deliveries(self, _request: Request) -> Response:
        """``GET /_sandbox/deliveries``: the webhook outbox, bodies as text."""
        rows = [
            {
                "url": d.url,
                "body": d.body.decode(),
                "signature": d.signature,
                "status": d.status,
            }
            for d in self._state.outbox.deliveries
        ]
        return ok("Webhook deliveries", rows)


def _seconds(body: JsonObject, name: str, default: float, fields: Fields) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        fields.errors.append(f"{name} must be a number")
        return default
    return float(value)


def _as_status(value: str) -> Status:
    # Narrows a validated string to the Literal; an invalid one was already reported.
    return next((status for status in STATUSES if status == value), "PENDING")


def _as_fault_kind(value: str) -> FaultKind:
    return next((kind for kind in FAULT_KINDS if kind == value), "server_error")


def _reads(api: Api) -> list[BaseRoute]:
    """Routes both generations share: wallet, catalogue and transactions."""
    return [
        Route("/wallet", api.vas(api.wallets), methods=["GET"]),
        Route("/wallet/{wallet_id}", api.vas(api.wallet), methods=["GET"]),
        Route("/services", api.vas(api.services), methods=["GET"]),
        Route("/products", api.vas(api.products), methods=["GET"]),
        Route("/plans/data", api.vas(api.data_plans), methods=["GET"]),
        Route("/plans/cable", api.vas(api.cable_plans), methods=["GET"]),
        Route("/plans/internet", api.vas(api.internet_plans), methods=["GET"]),
        Route("/transactions", api.vas(api.transactions), methods=["GET"]),
        Route("/transactions/{transaction_id}", api.vas(api.transaction), methods=["GET"]),
    ]


def _buy(api: Api, path: str, buy: Buyer, gen: Generation) -> Route:
    return Route(path, api.vas(api.buyer(buy, gen), purchase=True), methods=["POST"])


def g1_routes(api: Api) -> list[BaseRoute]:
    """``/api/external/v1``: the authentication guide's generation (PINs, ``billerName``)."""
    return [
        *_reads(api),
        Route("/cable/validate", api.vas(api.cable_validate_query), methods=["GET"]),
        Route("/electricity/validate", api.vas(api.meter_validate("billerName")), methods=["POST"]),
        Route("/validate", api.vas(api.validate_unified), methods=["POST"]),
        _buy(api, "/airtime/buy", buy_airtime, G1),
        _buy(api, "/data/buy", buy_data, G1),
        _buy(api, "/cable/buy", buy_cable, G1),
        _buy(api, "/electricity/buy", buy_electricity, G1),
        _buy(api, "/internet/buy", buy_internet, G1),
        _buy(api, "/education-pin/purchase", buy_education, G1),
        _buy(api, "/betting/funding", buy_betting, G1),
    ]


def g3_routes(api: Api) -> list[BaseRoute]:
    """``/api/v1``: the current docs (no PIN, ``billerCode``, ``exam_name``, ``account_id``)."""
    return [
        *_reads(api),
        Route("/cable/validate", api.vas(api.cable_validate), methods=["POST"]),
        Route("/electricity/validate", api.vas(api.meter_validate("billerCode")), methods=["POST"]),
        _buy(api, "/airtime/buy", buy_airtime, G3),
        _buy(api, "/data/buy", buy_data, G3),
        _buy(api, "/cable/buy", buy_cable, G3),
        _buy(api, "/electricity/buy", buy_electricity, G3),
        _buy(api, "/internet/buy", buy_internet, G3),
        _buy(api, "/education-pin/purchase", buy_education, G3),
        _buy(api, "/betting/funding", buy_betting, G3),
    ]


def app_routes(api: Api) -> list[BaseRoute]:
    """The first-party App API under ``/api`` (JWT)."""
    return [
        Route("/api/wallet/{wallet_id}", api.app(api.wallet), methods=["GET"]),
        Route("/api/transactions", api.app(api.transactions), methods=["GET"]),
        Route("/api/transactions/{transaction_id}", api.app(api.transaction), methods=["GET"]),
    ]


def sandbox_routes(api: Api) -> list[BaseRoute]:
    """Control routes that exist only in the sandbox (no credentials; loopback only)."""
    return [
        Route("/_sandbox/jwt", api.issue_jwt, methods=["POST"]),
        Route("/_sandbox/transactions/{tranx_id}/status", api.set_status, methods=["POST"]),
        Route("/_sandbox/faults", api.queue_fault, methods=["POST"]),
        Route("/_sandbox/deliveries", api.deliveries, methods=["GET"]),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer in the server's NestJS shape, not plain text."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return nest_error(404, f"Cannot {request.method} {request.url.path}").response()
    return nest_error(status, status_phrase(status)).response()


def build_app(state: SandboxState) -> Starlette:
    """The ASGI app for one sandbox instance."""
    api = Api(state)
    routes = [
        Mount(G1.prefix, routes=g1_routes(api)),
        Mount(G3.prefix, routes=g3_routes(api)),
        *app_routes(api),
        *sandbox_routes(api),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
