"""The sandbox's HTTP surface, routed from the operation declarations in ``dancity_sdk._spec``.

For each prefix the sandbox serves, the generation answering there (see ``_generations``)
contributes exactly the operations ``_spec`` declares for it: method, path, family (which
credentials) and throttles (which rate-limit windows) come from there; what each operation
does comes from ``_handlers``. Every ``/api`` response passes through one wrapper that
applies, in order: the sliding-window limits the operation's throttles name (so
``X-RateLimit-*`` is on every answer, 401s included), the family's credential check, the
fields' declared types and bounds (``_declared``), then the handler; errors raised
anywhere become their JSON bodies there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Final

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from dancity_sdk import _spec
from dancity_sdk._credentials import CHANNELS, KEY_PATTERN
from dancity_sdk.testing._access import bearer_token
from dancity_sdk.testing._declared import declared_errors
from dancity_sdk.testing._faults import DEFAULT_DELAY, FAULT_KINDS, Fault, FaultKind
from dancity_sdk.testing._fields import Fields, declared_failures
from dancity_sdk.testing._generations import Generation
from dancity_sdk.testing._handler_kit import Caller, Handler, SandboxState, json_body
from dancity_sdk.testing._handlers import APP_HANDLERS, VAS_HANDLERS, HandlerFactory, Handlers
from dancity_sdk.testing._ledger import STATUSES, Status
from dancity_sdk.testing._wire import (
    ApiError,
    JsonObject,
    bare_error,
    envelope_error,
    nest_error,
    ok,
    status_phrase,
    validation_error,
)

INVALID_KEY: Final = "Invalid API key or IP not allowlisted"
DEFAULT_JWT_TTL: Final = 3600.0

Endpoint = Callable[[Request], Awaitable[Response]]
Authenticator = Callable[[Request], Caller]

__all__ = ["DEFAULT_JWT_TTL", "INVALID_KEY", "SandboxState", "build_app"]


async def _handle(
    operation: _spec.Operation, handler: Handler, request: Request, caller: Caller
) -> Response:
    """Run ``handler`` with the request's declared-constraint failures (see ``_declared``).

    A handler's ``Fields.check`` reports them with its own failures, before it changes
    anything; a read's own 400 gets them appended; any other outcome becomes the 400 they
    make (the server validates before it handles).
    """
    has_body = bool(operation.body_fields) or operation.open_body
    body = await json_body(request) if has_body else None
    errors = declared_errors(operation, body, request.query_params)
    if not errors:
        return await handler(request, caller)
    with declared_failures(errors) as left:
        try:
            await handler(request, caller)
        except ApiError as error:
            if not left:
                raise
            own = error.body.get("errors") if error.status == 400 else None
            if isinstance(own, list):
                mine = [str(e) for e in own]
                left[:] = [*mine, *(e for e in left if e not in mine)]
            raise validation_error(left) from None
    raise validation_error(left or errors)


def _bucket(request: Request) -> str:
    """Rate-limit bucket: the presented credential (hashed), else the client address."""
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        return "credential:" + hashlib.sha256(token.encode()).hexdigest()
    return "ip:" + (request.client.host if request.client else "unknown")


class Api:
    """The credential checks and the per-request wrapper over one `SandboxState`."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.handlers = Handlers(state)

    def endpoint(self, operation: _spec.Operation, handler: Handler) -> Endpoint:
        """Wrap ``handler`` with the operation's throttles and its family's credentials."""
        auth = self._user if operation.family == _spec.APP else self._merchant
        limited = "purchase" in operation.throttles

        async def endpoint(request: Request) -> Response:
            decision = self.state.limiter.hit(_bucket(request), purchase=limited)
            if not decision.allowed:
                response: Response = nest_error(429, "Too Many Requests").response()
            else:
                try:
                    caller = auth(request)
                    response = await _handle(operation, handler, request, caller)
                except ApiError as error:
                    response = error.response()
            response.headers.update(decision.headers())
            return response

        return endpoint

    def _merchant(self, request: Request) -> Caller:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            raise bare_error(401, "Missing API key")
        state = self.state.keys.state(token) if KEY_PATTERN.fullmatch(token) else "unknown"
        if state == "revoked":
            raise bare_error(401, "Your API key is not active")
        if state == "unknown":
            raise bare_error(401, INVALID_KEY)
        channel = request.headers.get("channel", "").strip()
        if not channel:
            raise bare_error(401, "Missing channel header")
        if channel not in CHANNELS:
            raise bare_error(401, "Invalid channel header")
        if not self.state.allowlist.allows(request.client.host if request.client else None):
            raise envelope_error(401, INVALID_KEY)
        return Caller(self.state.ledger.user_id, channel)

    def _user(self, request: Request) -> Caller:
        token = bearer_token(request.headers.get("authorization"))
        subject = self.state.jwt.subject(token) if token else None
        if subject is None:
            raise bare_error(401, "Unauthorized")
        return Caller(subject)

    # --- sandbox-only control routes ----------------------------------------------------

    async def issue_jwt(self, request: Request) -> Response:
        """``POST /_sandbox/jwt {user_id, ttl}``: the docs define no login; this stands in."""
        try:
            body = await json_body(request)
            fields = Fields(body)
            user_id = fields.text("user_id", required=False) or self.state.ledger.user_id
            ttl = _seconds(body, "ttl", DEFAULT_JWT_TTL, fields)
            fields.check()
        except ApiError as error:
            return error.response()
        token = self.state.jwt.issue(user_id, ttl)
        return ok("Sandbox-only test JWT", {"token": token, "user_id": user_id, "ttl": ttl})

    async def set_status(self, request: Request) -> Response:
        """``POST /_sandbox/transactions/{tranxId}/status {status}``: settle an open one."""
        try:
            fields = Fields(await json_body(request))
            status = _as_status(fields.choice("status", STATUSES))
            fields.check()
            record, events = self.state.ledger.set_status(request.path_params["tranx_id"], status)
        except ApiError as error:
            return error.response()
        await self.state.outbox.publish(events)
        return ok("Transaction status updated", record)

    async def queue_fault(self, request: Request) -> Response:
        """``POST /_sandbox/faults {kind, delay}``: `DancitySandbox.fail_next` over HTTP."""
        try:
            body = await json_body(request)
            fields = Fields(body)
            kind = _as_fault_kind(fields.choice("kind", FAULT_KINDS))
            delay = _seconds(body, "delay", DEFAULT_DELAY, fields)
            fields.check()
        except ApiError as error:
            return error.response()
        self.state.faults.push(Fault(kind, delay))
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
            for d in self.state.outbox.deliveries
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


def _literal_first(operation: _spec.Operation) -> tuple[int, str]:
    # /cards/exchange-rate must be tried before /cards/{cardId}.
    return (operation.path.count("{"), operation.path)


def _routes(
    api: Api,
    operations: Mapping[str, _spec.Operation],
    handlers: Mapping[str, HandlerFactory],
    gen: Generation,
) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for operation in sorted(operations.values(), key=_literal_first):
        handler = handlers[operation.name](api.handlers, gen)
        endpoint = api.endpoint(operation, handler)
        routes.append(Route(operation.path, endpoint, methods=[operation.method]))
    return routes


def vas_routes(api: Api, gen: Generation) -> list[BaseRoute]:
    """Every operation ``_spec`` declares for ``gen``, and nothing else."""
    return _routes(api, gen.spec.operations, VAS_HANDLERS, gen)


def app_routes(api: Api, gen: Generation) -> list[BaseRoute]:
    """The first-party App API under ``/api`` (JWT)."""
    return _routes(api, _spec.APP_OPERATIONS, APP_HANDLERS, gen)


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
    response = nest_error(status, status_phrase(status)).response()
    if isinstance(exc, HTTPException) and exc.headers:
        # A 405 names the methods the path does take (``Allow``), as RFC 9110 requires.
        response.headers.update(exc.headers)
    return response


def build_app(state: SandboxState, generations: Mapping[str, Generation]) -> Starlette:
    """The ASGI app for one sandbox instance speaking ``generations`` (prefix → generation)."""
    api = Api(state)
    # The longest prefix first: /api/external/v1 and /api/v1 must win over the App's /api.
    mounts: list[BaseRoute] = [
        Mount(prefix, routes=vas_routes(api, gen))
        for prefix, gen in sorted(generations.items(), key=lambda item: -len(item[0]))
    ]
    any_generation = next(iter(generations.values()))
    app = Mount(_spec.APP_PREFIX, routes=app_routes(api, any_generation))
    routes = [*mounts, app, *sandbox_routes(api)]
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
