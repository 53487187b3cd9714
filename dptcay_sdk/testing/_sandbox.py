"""``DptcaySandbox``: one self-contained fake dptcay account."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import httpx

from dptcay_sdk._spec import BASE_PATH
from dptcay_sdk.testing import _server
from dptcay_sdk.testing._app import build_app
from dptcay_sdk.testing._auth import Gatekeeper
from dptcay_sdk.testing._ids import IdFactory
from dptcay_sdk.testing._models import WebhookDelivery, WebhookEndpoint
from dptcay_sdk.testing._ratelimit import RatePlan, SlidingWindowLimiter, resolve_plan
from dptcay_sdk.testing._requests import KeyRequest, Scope, parse_status
from dptcay_sdk.testing._store import PAYMENT_TARGETS, REFUND_TARGETS, Store
from dptcay_sdk.testing._webhooks import Outbox
from shared_auth._webhook_sender import OutgoingWebhook, WebhookFaults

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from shared_auth._models import JSONValue


class DptcaySandbox:
    """A stateful, in-memory fake of the dptcay API, served as a Starlette app.

    Every instance is an independent account: its own keys, payments, refunds, webhook
    endpoints, rate-limit windows and outbox. Mount it in-process::

        sb = DptcaySandbox()
        transport = httpx.ASGITransport(app=sb.app)
        async with httpx.AsyncClient(transport=transport, base_url=sb.base_url) as http:
            ...

    or serve it on loopback with
    [`serve_in_thread`][dptcay_sdk.testing.DptcaySandbox.serve_in_thread].

    Beyond the documented API it offers sandbox-only control routes, usable with any
    valid key: ``POST /v1/_sandbox/payments/{id}/transition`` and
    ``POST /v1/_sandbox/refunds/{id}/transition`` with ``{"status": ...}``, and
    ``GET /v1/_sandbox/deliveries`` (the outbox, for out-of-process users).

    Behaviours worth knowing:

    - Validation is strict: unknown body fields, JSON numbers for money and amounts
      with more decimals than the currency has are 400s.
    - Creating a payment emits ``payment.pending``; expiry is evaluated on every
      request (and on the Python accessors), so ``payment.expired`` fires on the first
      request after ``expires_at``, whatever it is.
    - A key may revoke itself: that response succeeds and its next request gets 401.
      Revoking an already revoked key answers 200 again, so a retried DELETE is safe.
    - ``dp_live_sk_`` keys are always refused with a message saying so.
    - A plan's ``burst`` is reported but not enforced: the window admits ``limit``.

    Args:
        plan: A documented plan name (``"starter"``, ``"growth"``, ``"scale"``) or a
            [`RatePlan`][dptcay_sdk.testing.RatePlan].
        clock: Monotonic seconds for the rate limiter.
        wall_clock: Unix seconds for timestamps, expiry and ``X-RateLimit-Reset``.
            Pass one [`ManualClock`][dptcay_sdk.testing.ManualClock] as both clocks to control time
            in tests.
        webhook_transport: When given, every webhook delivery is also POSTed through
            it (best effort) after the response of the request that caused it.
        webhook_timeout: Seconds allowed for one webhook delivery.
        webhook_faults: Deliver like a real provider (a ``shared_auth.testing.WebhookFaults``):
            deliveries wait for ``await deliver_webhooks()``, which retries each on any
            non-2xx on the schedule and adds duplicates and disorder (dptcay signs nothing,
            so ``rotated_secret_rate`` does not apply).
        seed: Seeds ids, keys and addresses for reproducible runs.

    Attributes:
        app: The Starlette ASGI app; all routes live under ``/v1``.
        plan: The enforced [`RatePlan`][dptcay_sdk.testing.RatePlan].
        write_key: A seeded key with every scope.
        read_key: A seeded key with ``payments:read`` and ``currencies:read``.
    """

    base_url = "http://localhost" + BASE_PATH
    """The base URL for in-process use with ``httpx.ASGITransport(app=sb.app)``."""

    def __init__(
        self,
        *,
        plan: str | RatePlan = "starter",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        webhook_timeout: float = 5.0,
        webhook_faults: WebhookFaults | None = None,
        seed: int | None = None,
    ) -> None:
        self.plan: RatePlan = resolve_plan(plan)
        self._webhook_transport = webhook_transport
        self._webhook_faults = webhook_faults
        self._webhook_timeout = webhook_timeout
        ids = IdFactory(seed)
        self._outbox = Outbox(ids=ids, wall_clock=wall_clock, queue=webhook_transport is not None)
        self._store = Store(ids=ids, wall_clock=wall_clock, outbox=self._outbox)
        limiter = SlidingWindowLimiter(self.plan, clock=clock, wall_clock=wall_clock)
        self.write_key: str = self.create_key(scope="write", label="seeded write key")
        self.read_key: str = self.create_key(scope="read", label="seeded read key")
        self.app: Starlette = build_app(
            store=self._store,
            gatekeeper=Gatekeeper(self._store, limiter),
            ids=ids,
            after_request=self.flush_webhooks,
        )

    def __repr__(self) -> str:
        return f"DptcaySandbox(plan={self.plan.name!r})"

    def create_key(self, *, scope: Scope = "write", label: str | None = None) -> str:
        """Create a test key, as ``POST /v1/keys`` would.

        Args:
            scope: ``"write"`` (every scope) or ``"read"`` (every ``*:read`` scope).
            label: A free-form label.

        Returns:
            The full key, ``dp_test_sk_`` followed by 24 letters and digits.
        """
        if scope not in ("read", "write"):
            raise ValueError('scope must be "read" or "write"')
        return self._store.add_key(KeyRequest(scope=scope, label=label)).key

    def revoke_key(self, key: str) -> None:
        """Revoke a key, as ``DELETE /v1/keys/{key}`` would; it then gets 401.

        Raises:
            SandboxError: 404 if the key is unknown.
        """
        self._store.revoke_key(key)

    def get_payment(self, payment_id: str) -> dict[str, JSONValue]:
        """Return a payment object exactly as ``GET /v1/payments/{id}`` shows it.

        Raises:
            SandboxError: 404 if the payment is unknown.
        """
        return self._store.get_payment(payment_id)

    def get_refund(self, refund_id: str) -> dict[str, JSONValue]:
        """Return a refund object (the API has no route to read one back).

        Raises:
            SandboxError: 404 if the refund is unknown.
        """
        return self._store.get_refund(refund_id)

    def transition_payment(self, payment_id: str, status: str) -> dict[str, JSONValue]:
        """Move a payment to ``status`` through every legal intermediate state.

        ``"completed"`` on a pending payment passes through ``confirming`` (each step
        emits its webhook) and sets ``amount_received`` to the amount and
        ``confirmations`` to the required count. Targets: ``confirming``,
        ``completed``, ``expired``, ``failed``; refund states follow from refunds.
        Webhooks caused here are recorded at once and, with a ``webhook_transport``,
        sent by the next request the app serves or by
        [`flush_webhooks`][dptcay_sdk.testing.DptcaySandbox.flush_webhooks].

        Returns:
            The payment object after the move.

        Raises:
            SandboxError: 400 for an unknown target, 404 for an unknown payment, 409
                when no legal path leads from the current status to ``status``.
        """
        status = parse_status({"status": status}, PAYMENT_TARGETS)
        return self._store.transition_payment(payment_id, status)

    def transition_refund(self, refund_id: str, status: str) -> dict[str, JSONValue]:
        """Move a refund to ``processing``, ``completed`` or ``failed``.

        A failed refund no longer counts against the payment's refundable remainder.

        Raises:
            SandboxError: 400, 404 or 409, as
                [`transition_payment`][dptcay_sdk.testing.DptcaySandbox.transition_payment].
        """
        status = parse_status({"status": status}, REFUND_TARGETS)
        return self._store.transition_refund(refund_id, status)

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        """Every webhook delivery so far, oldest first (a snapshot)."""
        self._store.expire_due()
        return self._outbox.deliveries()

    @property
    def webhook_endpoints(self) -> list[WebhookEndpoint]:
        """Every registered webhook endpoint (a snapshot)."""
        return self._outbox.endpoints()

    async def deliver_webhooks(self) -> list[OutgoingWebhook]:
        """With ``webhook_faults``: send the queued deliveries as a real provider would."""
        if self._webhook_transport is None or self._webhook_faults is None:
            return []
        return await self._outbox.deliver(
            self._webhook_transport, self._webhook_faults, per_delivery=self._webhook_timeout
        )

    async def flush_webhooks(self) -> None:
        """Send queued deliveries through the ``webhook_transport`` (no-op without one).

        With ``webhook_faults`` this does nothing: ``deliver_webhooks()`` sends them.
        """
        if self._webhook_transport is not None and self._webhook_faults is None:
            await self._outbox.flush(self._webhook_transport, per_delivery=self._webhook_timeout)

    @contextlib.contextmanager
    def serve_in_thread(self, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve the app with uvicorn on loopback from a background thread.

        The thread runs its own event loop, so this works from sync code, from
        notebooks and from async tests on any backend. Access logging is off (paths
        can carry keys) and the host's logging configuration is left untouched.

        Args:
            host: A loopback address; anything else raises ``ValueError``.
            port: The port; 0 picks a free one.

        Yields:
            The base URL, such as ``http://127.0.0.1:54321/v1``.
        """
        with _server.serve_in_thread(self.app, host=host, port=port) as base_url:
            yield base_url
