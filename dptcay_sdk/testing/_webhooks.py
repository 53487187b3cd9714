"""Webhook endpoints, the delivery outbox, and best-effort sending through a transport."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import anyio
import httpx

from dptcay_sdk.testing._catalog import EVENT_TYPES
from dptcay_sdk.testing._clock import iso
from dptcay_sdk.testing._ids import IdFactory
from dptcay_sdk.testing._models import WebhookDelivery, WebhookEndpoint
from dptcay_sdk.testing._requests import WebhookRequest
from shared_auth._models import JSONValue
from shared_auth._webhook_sender import OutgoingWebhook, WebhookFaults, WebhookSender

_USER_AGENT = "dptcay-sandbox"


class Outbox:
    """Registered endpoints and every event addressed to them, in order.

    Args:
        ids: Source of ``whk_``/``evt_`` ids.
        wall_clock: Unix seconds for ``created_at``.
        queue: Whether new deliveries wait to be sent (a transport is configured).
    """

    def __init__(self, *, ids: IdFactory, wall_clock: Callable[[], float], queue: bool) -> None:
        self._ids = ids
        self._wall_clock = wall_clock
        self._queue = queue
        self._endpoints: list[WebhookEndpoint] = []
        self._deliveries: list[WebhookDelivery] = []
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()

    def register(self, request: WebhookRequest) -> WebhookEndpoint:
        """Add an endpoint; it receives events from now on."""
        endpoint = WebhookEndpoint(
            id=self._ids.new_id("whk"),
            url=request.url,
            events=request.events,
            created=self._wall_clock(),
        )
        with self._lock:
            self._endpoints.append(endpoint)
        return endpoint

    def endpoints(self) -> list[WebhookEndpoint]:
        """A snapshot of the registered endpoints."""
        with self._lock:
            return list(self._endpoints)

    def emit(self, kind: str, obj: dict[str, Any]) -> None:
        """Record the event for ``obj``'s new status, if the contract names one.

        Statuses without an event type (a payment becoming ``refunded``, a refund
        becoming ``pending``) are silent, as the contract lists no event for them.
        """
        event_type = f"{kind}.{obj['status']}"
        if event_type not in EVENT_TYPES:
            return
        event: dict[str, JSONValue] = {
            "id": self._ids.new_id("evt"),
            "type": event_type,
            "created_at": iso(self._wall_clock()),
            "data": obj,
        }
        with self._lock:
            for endpoint in self._endpoints:
                if event_type in endpoint.events:
                    self._deliveries.append(
                        WebhookDelivery(
                            endpoint_id=endpoint.id,
                            url=endpoint.url,
                            event=event,
                            pending=self._queue,
                        )
                    )

    def deliveries(self) -> list[WebhookDelivery]:
        """A snapshot of the outbox, oldest first."""
        with self._lock:
            return list(self._deliveries)

    async def flush(self, transport: httpx.AsyncBaseTransport, *, per_delivery: float) -> None:
        """Send every pending delivery through ``transport``, one after another.

        ``per_delivery`` bounds each delivery in seconds. Each delivery is claimed
        before it is sent, so concurrent flushes (two requests finishing at once) never
        send the same event twice.
        """
        for index, delivery in self._claim():
            sent = await _send(transport, delivery, limit=per_delivery)
            with self._lock:
                self._deliveries[index] = sent
                self._in_flight.discard(index)

    async def deliver(
        self, transport: httpx.AsyncBaseTransport, faults: WebhookFaults, *, per_delivery: float
    ) -> list[OutgoingWebhook]:
        """Send every pending delivery as the real service would, faults and retries included.

        Returns the deliveries with every attempt; each outbox entry records the last status.
        """
        claimed = self._claim()
        by_url: dict[str, list[tuple[int, OutgoingWebhook]]] = {}
        for index, delivery in claimed:
            body = json.dumps(delivery.event).encode()
            outgoing = OutgoingWebhook(
                key=str(delivery.event["id"]), body=body, headers={"User-Agent": _USER_AGENT}
            )
            by_url.setdefault(delivery.url, []).append((index, outgoing))
        for url, items in by_url.items():
            sender = WebhookSender(transport, url, faults, timeout=per_delivery)
            await sender.send_all([outgoing for _, outgoing in items])
        with self._lock:
            for index, delivery in claimed:
                outgoing = next(o for i, o in by_url[delivery.url] if i == index)
                last = outgoing.attempts[-1] if outgoing.attempts else None
                self._deliveries[index] = replace(
                    delivery,
                    pending=False,
                    status=None if last is None else last.status,
                    error=None if last is None else last.error,
                )
                self._in_flight.discard(index)
        return [outgoing for items in by_url.values() for _, outgoing in items]

    def _claim(self) -> list[tuple[int, WebhookDelivery]]:
        with self._lock:
            claimed = [
                (index, delivery)
                for index, delivery in enumerate(self._deliveries)
                if delivery.pending and index not in self._in_flight
            ]
            self._in_flight.update(index for index, _ in claimed)
        return claimed


async def _send(
    transport: httpx.AsyncBaseTransport, delivery: WebhookDelivery, *, limit: float
) -> WebhookDelivery:
    request = httpx.Request(
        "POST",
        delivery.url,
        json=delivery.event,
        headers={"User-Agent": _USER_AGENT},
        extensions={"timeout": httpx.Timeout(limit).as_dict()},
    )
    try:
        with anyio.fail_after(limit):
            response = await transport.handle_async_request(request)
            try:
                await response.aread()
            finally:
                await response.aclose()
    # Delivery is best effort: whatever the receiver or transport does (refuse, time out,
    # raise) is recorded on the delivery and must never fail the API call that caused it.
    # Cancellation is a BaseException and still propagates.
    except Exception as exc:  # noqa: BLE001
        return replace(delivery, pending=False, error=f"{type(exc).__name__}: {exc}")
    return replace(delivery, pending=False, status=response.status_code)
