"""Signed webhook deliveries (docs §6): one body, serialised once, signed, recorded, POSTed.

``X-Dancity-Signature`` is the lowercase hex ``HMAC-SHA256(webhook_secret, raw_body)``. The
sandbox records every event in an outbox and, when a URL and an httpx transport are given,
POSTs the exact bytes there once. With ``webhook_faults`` it delivers like the real service
instead: deliveries queue up until ``await sandbox.deliver_webhooks()``, which retries each
on the documented schedule (30 s, 5 min, 30 min, 2 h, 8 h, scaled by ``time_scale``) on any
non-2xx, and sends duplicates, out-of-order deliveries and rotated-secret signatures as
the faults ask.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, NamedTuple

import anyio
import httpx

from dancity_sdk import webhooks
from dancity_sdk.testing._access import Clock
from dancity_sdk.testing._ledger import Event
from dancity_sdk.testing._wire import JsonObject, dumps, iso
from shared_auth._webhook_sender import OutgoingWebhook, WebhookFaults, WebhookSender

if TYPE_CHECKING:
    from shared_auth._models import JSONValue

SIGNATURE_HEADER: Final = "X-Dancity-Signature"
DELIVERY_TIMEOUT: Final = 5.0  # the docs ask receivers to answer "ideally within 5 seconds"


class WebhookDelivery(NamedTuple):
    """One signed webhook: where it went, the exact bytes, their signature and the answer.

    ``url`` is ``None`` when no webhook URL is configured; ``status`` is the receiver's
    HTTP status, or ``None`` when nothing was sent or the receiver could not be reached.
    """

    url: str | None
    body: bytes
    signature: str
    status: int | None

    @property
    def payload(self) -> dict[str, JSONValue]:
        """The parsed body."""
        parsed: dict[str, JSONValue] = json.loads(self.body)
        return parsed

    @property
    def event(self) -> str:
        """The event name, e.g. ``transaction.success``."""
        return str(self.payload["event"])


def sign(secret: str, body: bytes) -> str:
    """The ``X-Dancity-Signature`` value for ``body`` (the SDK's one signer, ``webhooks.sign``)."""
    return webhooks.sign(body, secret)


def _data(event: str, record: JsonObject) -> JsonObject:
    # wallet.debited reports what left the wallet; transaction events the face value.
    amount = record["amountPaid"] if event == "wallet.debited" else record["amount"]
    return {
        "transactionId": record["tranxId"],
        "type": record["service"],
        "status": str(record["status"]).lower(),
        "amount": amount,
        "currency": record["currency"],
        "phone": record["number"],
        "reference": record["customerRef"] or record["tranxId"],
        "createdAt": record["createdAt"],
    }


class Outbox:
    """Builds, signs, records and (optionally) sends webhook deliveries."""

    def __init__(
        self,
        *,
        secret: str,
        url: str | None,
        transport: httpx.AsyncBaseTransport | None,
        clock: Clock,
        faults: WebhookFaults | None = None,
    ) -> None:
        self.secret = secret
        # Derived, not drawn from the seeded generator: drawing would shift every id after it.
        self.rotated_secret = "dcy_whsec_" + hashlib.sha256(secret.encode()).hexdigest()[:40]
        self._faults = faults
        self._queued: list[OutgoingWebhook] = []
        self.sent: list[OutgoingWebhook] = []
        self._url = url
        self._transport = transport
        self._clock = clock
        self._lock = threading.Lock()
        self._deliveries: list[WebhookDelivery] = []

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        """Every delivery so far, oldest first."""
        with self._lock:
            return list(self._deliveries)

    async def publish(self, events: Iterable[Event]) -> None:
        """Deliver each event in order; a receiver's failure never reaches the caller."""
        for name, record in events:
            body = dumps(
                {"event": name, "timestamp": iso(self._clock()), "data": _data(name, record)}
            )
            signature = sign(self.secret, body)
            if self._faults is not None:
                self._queue(name, record, body, signature)
                status = None
            else:
                status = await self._post(body, signature)
            with self._lock:
                self._deliveries.append(WebhookDelivery(self._url, body, signature, status))

    def _queue(self, name: str, record: JsonObject, body: bytes, signature: str) -> None:
        rotated = {SIGNATURE_HEADER: sign(self.rotated_secret, body)}
        webhook = OutgoingWebhook(
            key=f"{name}:{record['tranxId']}",
            body=body,
            headers={SIGNATURE_HEADER: signature},
            rotated_headers=rotated,
        )
        with self._lock:
            self._queued.append(webhook)

    async def deliver(self) -> list[OutgoingWebhook]:
        """Send every queued delivery with the faults and the retry schedule; return them."""
        with self._lock:
            batch, self._queued = self._queued, []
        if self._url is None or self._transport is None or self._faults is None:
            return batch
        sender = WebhookSender(self._transport, self._url, self._faults, timeout=DELIVERY_TIMEOUT)
        await sender.send_all(batch)
        with self._lock:
            self.sent.extend(batch)
        return batch

    async def _post(self, body: bytes, signature: str) -> int | None:
        if self._url is None or self._transport is None:
            return None
        request = httpx.Request(
            "POST",
            self._url,
            content=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
        )
        with anyio.move_on_after(DELIVERY_TIMEOUT):
            try:
                # Straight to the transport: a client would close a transport it doesn't own.
                response = await self._transport.handle_async_request(request)
                await response.aread()
                await response.aclose()
            except Exception:  # noqa: BLE001 - best effort: a broken receiver must not fail a purchase
                return None
            return response.status_code
        return None
