"""The Starlette application: admission middleware, routes and error rendering.

The routes are the operations ``dptcay_sdk._spec`` declares (method, path, scope, body
fields); what each one does is this package's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from dptcay_sdk.testing._extra import MISSING_EXTRA

try:
    from starlette.applications import Starlette
    from starlette.datastructures import Headers, MutableHeaders
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(MISSING_EXTRA) from exc

from dptcay_sdk._spec import BASE_PATH, OPERATIONS, SANDBOX_OPERATIONS, Operation
from dptcay_sdk.testing._auth import Gatekeeper
from dptcay_sdk.testing._errors import SandboxError, forbidden, route_error
from dptcay_sdk.testing._ids import IdFactory
from dptcay_sdk.testing._models import ApiKey
from dptcay_sdk.testing._requests import (
    parse_json_object,
    parse_key,
    parse_payment,
    parse_refund,
    parse_status,
    parse_webhook,
)
from dptcay_sdk.testing._store import PAYMENT_TARGETS, REFUND_TARGETS, Store

# Where the admission middleware leaves the authenticated key for the endpoints.
_KEY_SCOPE = "dptcay.api_key"

Handler = Callable[[Request], Awaitable[dict[str, Any]]]


def build_app(
    *,
    store: Store,
    gatekeeper: Gatekeeper,
    ids: IdFactory,
    after_request: Callable[[], Awaitable[None]],
) -> Starlette:
    """Assemble the sandbox's ASGI app, one route per declared operation, under ``/v1``.

    Args:
        store: The sandbox state.
        gatekeeper: Authentication and rate limiting.
        ids: Source of request ids.
        after_request: Awaited after each response (sends queued webhooks).
    """
    api = _Api(store)
    # What each declared operation does; the method, path and scope come from _spec. A
    # declared operation without behaviour here fails at build time.
    handlers: dict[str, Handler] = {
        "payments.create": api.create_payment,
        "payments.get": api.get_payment,
        "refunds.create": api.create_refund,
        "currencies.list": api.currencies,
        "webhooks.register": api.register_webhook,
        "keys.create": api.create_key,
        "keys.revoke": api.revoke_key,
        # Sandbox-only control routes: any valid key may drive the simulation.
        "sandbox.move_payment": api.move_payment,
        "sandbox.move_refund": api.move_refund,
        "sandbox.deliveries": api.deliveries,
    }
    declared = (*OPERATIONS.values(), *SANDBOX_OPERATIONS.values())
    routes = [_route(op, handlers[op.name]) for op in declared]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(
                _AdmissionMiddleware,
                store=store,
                gatekeeper=gatekeeper,
                ids=ids,
                after_request=after_request,
            )
        ],
        exception_handlers={HTTPException: _routing_error},
    )


class _Api:
    """The route handlers; each returns the JSON body of a 200."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def create_payment(self, request: Request) -> dict[str, Any]:
        return self._store.create_payment(parse_payment(await _body(request)))

    async def get_payment(self, request: Request) -> dict[str, Any]:
        return self._store.get_payment(request.path_params["payment_id"])

    async def create_refund(self, request: Request) -> dict[str, Any]:
        return self._store.create_refund(parse_refund(await _body(request)))

    async def currencies(self, _request: Request) -> dict[str, Any]:
        return self._store.currencies()

    async def register_webhook(self, request: Request) -> dict[str, Any]:
        endpoint = self._store.outbox.register(parse_webhook(await _body(request)))
        return endpoint.to_json()

    async def create_key(self, request: Request) -> dict[str, Any]:
        return self._store.add_key(parse_key(await _body(request))).created_json()

    async def revoke_key(self, request: Request) -> dict[str, Any]:
        # Revoking the very key that authenticated this request is allowed: the response
        # still goes out, and the key's next request gets 401.
        return self._store.revoke_key(request.path_params["key"]).revoked_json()

    async def move_payment(self, request: Request) -> dict[str, Any]:
        status = parse_status(await _body(request), PAYMENT_TARGETS)
        return self._store.transition_payment(request.path_params["payment_id"], status)

    async def move_refund(self, request: Request) -> dict[str, Any]:
        status = parse_status(await _body(request), REFUND_TARGETS)
        return self._store.transition_refund(request.path_params["refund_id"], status)

    async def deliveries(self, _request: Request) -> dict[str, Any]:
        data = [delivery.to_json() for delivery in self._store.outbox.deliveries()]
        return {"object": "list", "data": data}


def _route(op: Operation, handler: Handler) -> Route:
    scope = op.scope

    async def endpoint(request: Request) -> Response:
        key: ApiKey = request.scope[_KEY_SCOPE]
        try:
            if scope is not None and scope not in key.scopes:
                raise forbidden(scope)
            return JSONResponse(await handler(request))
        except SandboxError as error:
            return error_response(error)

    return Route(BASE_PATH + op.path, endpoint, methods=[op.method])


async def _body(request: Request) -> dict[str, Any]:
    return parse_json_object(await request.body())


def error_response(error: SandboxError, headers: dict[str, str] | None = None) -> JSONResponse:
    """Render a [`SandboxError`][dptcay_sdk.testing.SandboxError] as its JSON response."""
    return JSONResponse(error.body, status_code=error.status, headers=headers)


def _routing_error(_request: Request, exc: Exception) -> Response:
    # Starlette raises HTTPException for unknown paths (404) and methods (405).
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = exc.headers if isinstance(exc, HTTPException) else None
    return error_response(route_error(status), dict(headers or {}))


class _AdmissionMiddleware:
    """Admits each request (401/429 before routing) and stamps every response.

    Every response, whatever produced it, carries the ``X-RateLimit-*`` headers and an
    ``X-Request-Id``; after it is sent, queued webhooks go out.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: Store,
        gatekeeper: Gatekeeper,
        ids: IdFactory,
        after_request: Callable[[], Awaitable[None]],
    ) -> None:
        self._app = app
        self._store = store
        self._gatekeeper = gatekeeper
        self._ids = ids
        self._after_request = after_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        # Expiry is evaluated lazily; sweeping here makes payment.expired fire on the
        # next request of any kind, not only on a read of that payment.
        self._store.expire_due()
        admission = self._gatekeeper.admit(Headers(scope=scope).get("authorization"))
        stamp = {**admission.decision.headers(), "X-Request-Id": self._ids.new_id("req")}
        if admission.error is not None:
            await error_response(admission.error, stamp)(scope, receive, send)
        else:
            scope[_KEY_SCOPE] = admission.key
            await self._app(scope, receive, _stamped(send, stamp))
        await self._after_request()


def _stamped(send: Send, stamp: dict[str, str]) -> Send:
    async def send_stamped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in stamp.items():
                headers[name] = value
        await send(message)

    return send_stamped
