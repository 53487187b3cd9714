"""A FastAPI service that uses both SDKs the way a real server should.

What it shows:

* **One client per API per process**, created in the app's lifespan and closed at
  shutdown (connection pools are reused across requests), handed to routes with a
  ``Depends`` that reads it from ``request.app.state``.
* **Money as ``Decimal``**: amounts arrive as JSON *strings* (``"125.50"``) and are never
  parsed as ``float``; a JSON number is refused with 422.
* **Typed SDK errors mapped to HTTP statuses**, and ``OutcomeUnknownError`` (the purchase
  was sent but its result is unknown) answered with 202 and the reference to reconcile
  by, never with a blind retry.
* **Webhooks received exactly once**: ``X-Dancity-Signature`` is checked against
  ``await request.body()`` (never a re-serialised ``request.json()``), the delivery is
  stored in a durable inbox (``WEBHOOK_INBOX``: a SQLite file or a Redis shared by every
  server process) before the 200, a redelivery is answered 200 and not handled again, and
  the handler runs after the answer in a background task.

Run it against the real APIs (credentials from the environment)::

    export DPTCAY_API_KEY=dp_test_sk_...           # optional: DPTCAY_BASE_URL
    export DANCITY_API_KEY=dcy_live_...            # optional: DANCITY_BASE_URL, DANCITY_API_VERSION
    export DANCITY_PIN=...                         # only if that api_version's buys take a PIN
    export DANCITY_WEBHOOK_SECRET=...              # comma-separate two while rotating
    export WEBHOOK_INBOX=sqlite:///var/lib/app/webhooks.db  # or redis://…, shared by workers
    python -m shared_auth.fleet.inbox init "$WEBHOOK_INBOX"  # once
    uvicorn examples.fastapi_app:app

or against the local sandboxes (each in its own shell)::

    python -m dptcay_sdk.testing --port 8765       # prints a write key
    python -m dancity_sdk.testing --port 8766 \\
        --webhook-url http://127.0.0.1:8000/webhooks/dancity   # prints its export lines
    # paste both sets of export lines: DPTCAY_BASE_URL, DPTCAY_API_KEY, DANCITY_BASE_URL,
    # DANCITY_API_VERSION, DANCITY_API_KEY, DANCITY_WEBHOOK_SECRET (and DANCITY_PIN when the
    # generation it serves takes one: add --api-version 2026-04-27 to try that)
    uvicorn examples.fastapi_app:app               # the sandbox now POSTs signed webhooks here

Then, for example::

    curl -X POST localhost:8000/payments -H 'content-type: application/json' \\
        -d '{"amount": "125.50", "currency": "USDC", "order_id": "order-1"}'
    curl localhost:8000/payments/pay_...
    curl -X POST localhost:8000/airtime -H 'content-type: application/json' \\
        -d '{"product": "MTN Airtime", "phone": "08012345678", "amount": "200"}'

Tests build the app with `create_app` and client factories pointing at the
in-process sandboxes (see ``tests/examples/test_fastapi_app.py``).
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from dancity_sdk import AsyncDancityClient, Transaction
from dancity_sdk.webhooks import DancityWebhookSource
from dptcay_sdk import AsyncDptcayClient, Payment, Secret

# The shared names: they catch both SDKs' errors (each SDK's own class subclasses them).
from shared_auth import (
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from shared_auth.fleet import Handler, Inbox, InboxEvent, open_inbox, webhook_endpoint

__all__ = ["app", "create_app", "error_response", "router"]

_log = logging.getLogger("examples.fastapi_app")

DptcayFactory = Callable[[], AsyncDptcayClient]
DancityFactory = Callable[[], AsyncDancityClient]

#: A positive decimal written as a string: ``"125.50"``, ``"200"``.
_DECIMAL_PATTERN = r"^[0-9]+(\.[0-9]+)?$"


# --- request bodies ---------------------------------------------------------------------------


class PaymentIn(BaseModel):
    """``POST /payments``. ``amount`` is a string: JSON numbers are floats in most clients."""

    amount: str = Field(pattern=_DECIMAL_PATTERN, examples=["125.50"])
    currency: str = Field(min_length=1, examples=["USDC"])
    network: str | None = None
    order_id: str | None = None
    description: str | None = None


class AirtimeIn(BaseModel):
    """``POST /airtime``. Send ``customer_ref`` to make a retry of *this endpoint* traceable."""

    product: str = Field(min_length=1, examples=["MTN Airtime"])
    phone: str = Field(examples=["08012345678"])
    amount: str = Field(pattern=_DECIMAL_PATTERN, examples=["200"])
    customer_ref: str | None = None


# --- dependencies: the lifespan's clients, read from app.state --------------------------------


def get_dptcay(request: Request) -> AsyncDptcayClient:
    """The app's one dptcay client (created in the lifespan)."""
    client: AsyncDptcayClient = request.app.state.dptcay
    return client


def get_dancity(request: Request) -> AsyncDancityClient:
    """The app's one Dancity client (created in the lifespan)."""
    client: AsyncDancityClient = request.app.state.dancity
    return client


Dptcay = Annotated[AsyncDptcayClient, Depends(get_dptcay)]
Dancity = Annotated[AsyncDancityClient, Depends(get_dancity)]


# --- JSON views (money stays a decimal string on the way out too) ------------------------------


def _payment_json(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "status": str(payment.status),
        "amount": str(payment.amount),
        "currency": payment.currency,
        "network": payment.network,
        "wallet_address": payment.wallet_address,
        "amount_received": None
        if payment.amount_received is None
        else str(payment.amount_received),
        "order_id": payment.order_id,
        "expires_at": None if payment.expires_at is None else payment.expires_at.isoformat(),
    }


def _transaction_json(tx: Transaction) -> dict[str, Any]:
    return {
        "id": tx.id,
        "status": str(tx.status),
        "customer_ref": tx.customer_ref,
        "product": tx.product,
        "amount": None if tx.amount is None else str(tx.amount),
        "amount_paid": None if tx.amount_paid is None else str(tx.amount_paid),
        "message": tx.api_response or tx.remarks,
    }


def _reconcile_advice(ref: str | None) -> str:
    where = f"GET /transactions/{ref}" if ref else "the provider's transaction list"
    return (
        "the request reached the provider but its outcome is unknown: do NOT buy again; "
        f"reconcile by requerying {where} until it settles"
    )


# --- typed SDK errors -> HTTP statuses ---------------------------------------------------------

#: First match wins (subclasses before their bases). The upstream's 401/403 are *this
#: service's* configuration problem, not the caller's: 502.
_STATUS_FOR: Final[tuple[tuple[type[Exception], int], ...]] = (
    (InvalidInputError, 422),
    (OutcomeUnknownError, 202),
    (NotFoundError, 404),
    (RateLimitError, 503),
    (AuthenticationError, 502),
    (PermissionDeniedError, 502),
    (BadRequestError, 422),
    (UnprocessableEntityError, 422),
    (ConflictError, 409),
    (APITimeoutError, 504),
    (APIError, 502),  # connection failures, upstream 5xx, unreadable responses
)


def error_response(exc: Exception) -> JSONResponse:
    """The response this service answers an SDK error with."""
    status = next((code for cls, code in _STATUS_FOR if isinstance(exc, cls)), 500)
    headers: dict[str, str] = {}
    body: dict[str, Any] = {"error": type(exc).__name__, "detail": str(exc)}
    if isinstance(exc, InvalidInputError):
        body["field"] = exc.field
    if isinstance(exc, OutcomeUnknownError):
        body.update(status="unknown", reference=exc.reference, advice=_reconcile_advice(None))
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        body["detail"] = "the upstream API refused this service's credentials; see the logs"
    if isinstance(exc, RateLimitError) and exc.retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    if isinstance(exc, APIStatusError):
        body["upstream_status"] = exc.status_code
        body["request_id"] = exc.request_id
    return JSONResponse(body, status_code=status, headers=headers)


async def _sdk_error_handler(request: Request, exc: Exception) -> Response:
    del request
    return error_response(exc)


# --- routes ------------------------------------------------------------------------------------

router = APIRouter()


@router.post("/payments", status_code=201)
async def create_payment(body: PaymentIn, dp: Dptcay) -> JSONResponse:
    """Create a crypto payment request; the amount goes to the SDK as a ``Decimal``."""
    try:
        payment = await dp.payments.create(
            amount=Decimal(body.amount),
            currency=body.currency,
            network=body.network,
            order_id=body.order_id,
            description=body.description,
        )
    except OutcomeUnknownError as exc:
        advice = "the payment may exist: look it up by order_id before creating it again"
        return JSONResponse(
            {"status": "unknown", "order_id": exc.reference, "advice": advice}, status_code=202
        )
    return JSONResponse(_payment_json(payment), status_code=201)


@router.get("/payments/{payment_id}")
async def get_payment(payment_id: str, dp: Dptcay) -> dict[str, Any]:
    """Read a payment back (404 when dptcay knows no such payment)."""
    return _payment_json(await dp.payments.get(payment_id))


@router.post("/airtime")
async def buy_airtime(body: AirtimeIn, dc: Dancity, request: Request) -> JSONResponse:
    """Buy airtime. 200 delivered, 202 pending or unknown (reconcile), 422 vend failed."""
    try:
        tx = await dc.vas.airtime.buy(
            product=body.product,
            phone=body.phone,
            amount=Decimal(body.amount),
            pin=request.app.state.dancity_pin,  # None where the generation takes no PIN
            customer_ref=body.customer_ref,
        )
    except OutcomeUnknownError as exc:
        # Sent, then the connection broke or Dancity answered 5xx: it may have been charged.
        return JSONResponse(
            {
                "status": "unknown",
                "customer_ref": exc.reference,
                "advice": _reconcile_advice(exc.reference),
            },
            status_code=202,
        )
    view = _transaction_json(tx)
    if tx.pending:
        view["advice"] = _reconcile_advice(tx.customer_ref)
        return JSONResponse(view, status_code=202)
    # Dancity answers HTTP 200 even when the vend failed: the status decides.
    return JSONResponse(view, status_code=200 if tx.succeeded else 422)


@router.get("/transactions/{id_or_ref}")
async def requery_transaction(id_or_ref: str, dc: Dancity) -> dict[str, Any]:
    """Requery a Dancity transaction by id or ``customer_ref`` (reconciliation)."""
    return _transaction_json(await dc.vas.transactions.get(id_or_ref))


@router.post("/webhooks/dancity")
async def dancity_webhook(request: Request, background: BackgroundTasks) -> Response:
    """Verify ``X-Dancity-Signature`` on the raw bytes, store the delivery once, answer.

    200 once the delivery is stored (``"duplicate": true`` for a redelivery), 401 for a bad
    signature, 400 for a body that is not an event, 503 when the inbox is unavailable (the
    provider then delivers it again). The event is handled after the answer, by a
    background task draining the inbox; anything left over (a crash, a retry's backoff) is
    picked up by the next drain or by a worker running ``inbox.run(handler)``.
    """
    inbox: Inbox | None = request.app.state.webhook_inbox
    if inbox is None:
        return JSONResponse({"error": "DANCITY_WEBHOOK_SECRET is not set"}, status_code=503)
    response: Response = await request.app.state.webhook_receiver(request)
    if response.status_code == 200:
        background.add_task(inbox.drain, request.app.state.webhook_handler, limit=100)
    return response


async def log_dancity_event(event: InboxEvent) -> None:
    """The default webhook handler: log it. Make yours idempotent by ``event.key``."""
    _log.info("dancity webhook %s (%s), attempt %d", event.event, event.key, event.attempts)


# --- the app factory ---------------------------------------------------------------------------


def _secrets_from_env() -> tuple[Secret, ...]:
    raw = os.environ.get("DANCITY_WEBHOOK_SECRET", "")
    return tuple(Secret(part.strip()) for part in raw.split(",") if part.strip())


def _open_webhook_inbox(
    target: str | os.PathLike[str] | None, secrets: Sequence[str | Secret]
) -> Inbox:
    source = DancityWebhookSource(list(secrets))
    target = target if target is not None else os.environ.get("WEBHOOK_INBOX")
    if target is not None:
        return open_inbox(target, source)  # created once, beforehand: a lost one is an error
    folder = tempfile.mkdtemp(prefix="webhook-inbox-")
    _log.warning(
        "WEBHOOK_INBOX is not set: webhooks are deduplicated in %s, which does not outlive "
        "this process or serve a second one",
        folder,
    )
    return open_inbox(Path(folder) / "inbox.db", source, create=True)


def _airtime_pin(dc: AsyncDancityClient, pin: str | Secret | None) -> Secret | None:
    """``pin`` if the client's generation declares a PIN on airtime buys, else ``None``.

    Asked of the client (its generation's declarations), not from the version's date: a
    generation that takes no PIN refuses ``pin=`` before sending.
    """
    if not dc.takes("airtime.buy", "pin"):
        if pin:
            _log.warning(
                "DANCITY_PIN is set but api_version %s takes no PIN on airtime buys: not sent",
                dc.api_version,
            )
        return None
    return Secret(pin) if isinstance(pin, str) else pin


def create_app(
    *,
    dptcay_client_factory: DptcayFactory | None = None,
    dancity_client_factory: DancityFactory | None = None,
    webhook_secrets: Sequence[str | Secret] | None = None,
    dancity_pin: str | Secret | None = None,
    webhook_inbox: str | os.PathLike[str] | None = None,
    webhook_handler: Handler = log_dancity_event,
) -> FastAPI:
    """Build the service.

    Args:
        dptcay_client_factory: Makes the one dptcay client, at startup (default:
            ``AsyncDptcayClient.from_env()``).
        dancity_client_factory: Makes the one Dancity client, at startup (default:
            ``AsyncDancityClient.from_env()``).
        webhook_secrets: Dancity webhook secrets, newest first while rotating (default:
            ``DANCITY_WEBHOOK_SECRET``, comma-separated, read at startup).
        dancity_pin: The transaction PIN airtime buys send (default: ``DANCITY_PIN``). It is
            sent only where the Dancity client's generation declares a PIN on airtime buys
            (read from the SDK's declarations); elsewhere it is ignored, with a warning.
        webhook_inbox: Where webhook deliveries are stored (a SQLite path or a ``redis://``
            URL shared by every server process; default: ``WEBHOOK_INBOX``, created once
            with ``python -m shared_auth.fleet.inbox init``). Without either, a temporary
            file is used and a warning says it does not outlive the process.
        webhook_handler: What to do with each stored event (idempotent by ``event.key``).
    """
    make_dptcay = dptcay_client_factory or AsyncDptcayClient.from_env
    make_dancity = dancity_client_factory or AsyncDancityClient.from_env

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            # One client per API for the whole process; closed (in reverse) at shutdown.
            app.state.dptcay = await stack.enter_async_context(make_dptcay())
            app.state.dancity = await stack.enter_async_context(make_dancity())
            app.state.webhook_secrets = (
                tuple(webhook_secrets) if webhook_secrets is not None else _secrets_from_env()
            )
            pin = dancity_pin if dancity_pin is not None else os.environ.get("DANCITY_PIN")
            app.state.dancity_pin = _airtime_pin(app.state.dancity, pin)
            app.state.webhook_inbox = None
            app.state.webhook_handler = webhook_handler
            if app.state.webhook_secrets:
                inbox = _open_webhook_inbox(webhook_inbox, app.state.webhook_secrets)
                stack.push_async_callback(inbox.aclose)
                app.state.webhook_inbox = inbox
                app.state.webhook_receiver = webhook_endpoint(inbox)
            yield

    app = FastAPI(title="dptcay + Dancity example", lifespan=lifespan)
    app.add_exception_handler(APIError, _sdk_error_handler)
    app.add_exception_handler(InvalidInputError, _sdk_error_handler)
    app.include_router(router)
    return app


#: The app ``uvicorn examples.fastapi_app:app`` serves (clients come from the environment).
app = create_app()
