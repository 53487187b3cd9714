"""Webhook delivery as providers do it: retries on a schedule, duplicates, disorder, new secrets.

The sandboxes' outboxes use [`WebhookSender`][shared_auth.testing.WebhookSender] to POST
their deliveries when given [`WebhookFaults`][shared_auth.testing.WebhookFaults]; tests
(and the inbox's crash test) use it directly against a receiver on loopback.

The default schedule is a provider's usual one: a delivery answered with anything but 2xx
(or not answered) is retried after 30 s, 5 min, 30 min, 2 h and 8 h, then marked
undeliverable (the schedule providers' webhook guides commonly document); pass another in
``retry_schedule``.
``time_scale`` shrinks that for tests (``0.001``: 30 ms … 28.8 s).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Final

import anyio
import attrs
import httpx

__all__ = [
    "RETRY_SCHEDULE",
    "DeliveryAttempt",
    "OutgoingWebhook",
    "WebhookFaults",
    "WebhookSender",
]


def _ok(status: int | None) -> bool:
    return status is not None and status // 100 == 2  # noqa: PLR2004 - "any 2xx"


#: Seconds before each retry, as providers' webhook guides commonly list them.
RETRY_SCHEDULE: Final = (30.0, 300.0, 1800.0, 7200.0, 28800.0)


@attrs.frozen(kw_only=True)
class WebhookFaults:
    """How a sender misbehaves the way real providers do.

    Attributes:
        duplicate_rate: Share of deliveries sent a second time (an independent delivery of
            the same bytes, as after a provider's own timeout).
        reorder_rate: Share of deliveries held back and sent after the next one.
        rotated_secret_rate: Share of attempts signed with the rotated (new) secret.
        retry_schedule: Seconds before each retry after a non-2xx or no answer.
        time_scale: Multiplies every retry delay (``0.001`` in tests).
        seed: Makes the choices reproducible.
    """

    duplicate_rate: float = 0.0
    reorder_rate: float = 0.0
    rotated_secret_rate: float = 0.0
    retry_schedule: tuple[float, ...] = RETRY_SCHEDULE
    time_scale: float = 1.0
    seed: int | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("duplicate_rate", "reorder_rate", "rotated_secret_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                msg = f"{name} is a share between 0 and 1, not {value!r}"
                raise ValueError(msg)
        if self.time_scale < 0 or any(d < 0 for d in self.retry_schedule):
            msg = "retry delays and time_scale must not be negative"
            raise ValueError(msg)


@attrs.frozen
class DeliveryAttempt:
    """One POST: where, which copy, and the receiver's status (``None``: no answer)."""

    url: str
    status: int | None
    error: str | None = None
    rotated: bool = False


@attrs.define(kw_only=True)
class OutgoingWebhook:
    """One event to deliver, with the headers to send (signed with the current secret).

    Attributes:
        key: What identifies the event (for counting), e.g. its transaction id.
        body: The exact bytes to POST.
        headers: The headers, signed with the current secret.
        rotated_headers: The headers signed with the rotated secret, if the test rotates.
        attempts: Every POST made for it, duplicates included, in order.
    """

    key: str
    body: bytes
    headers: Mapping[str, str]
    rotated_headers: Mapping[str, str] | None = None
    attempts: list[DeliveryAttempt] = attrs.field(factory=list)

    @property
    def delivered(self) -> bool:
        """Whether a receiver answered 2xx at least once."""
        return any(_ok(a.status) for a in self.attempts)


class WebhookSender:
    """POSTs webhooks with the provider's retry schedule and the chosen faults.

    Args:
        transport: How to reach the receiver (``httpx.AsyncHTTPTransport()`` over
            loopback, ``httpx.ASGITransport(app)`` in-process).
        url: The receiver's URL, or a function choosing one per attempt (several
            receivers behind one name).
        faults: What to get wrong (default: nothing; one delivery per event, retried).
        timeout: Seconds a receiver has to answer one POST (the API's documented limit).
    """

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        url: str | Callable[[], str],
        faults: WebhookFaults | None = None,
        *,
        timeout: float = 5.0,
    ) -> None:
        self._transport = transport
        self._url = url if callable(url) else (lambda: url)
        self.faults: WebhookFaults = faults or WebhookFaults()
        self._timeout = timeout
        self._rng = random.Random(self.faults.seed)  # noqa: S311 - test faults, not secrets

    def plan(self, webhooks: Sequence[OutgoingWebhook]) -> list[OutgoingWebhook]:
        """The order deliveries start in: held-back ones after their successor, copies added."""
        order = list(webhooks)
        index = 0
        while index < len(order) - 1:
            if self._rng.random() < self.faults.reorder_rate:
                order[index], order[index + 1] = order[index + 1], order[index]
                index += 1
            index += 1
        copies = [w for w in webhooks if self._rng.random() < self.faults.duplicate_rate]
        for webhook in copies:
            order.insert(self._rng.randint(order.index(webhook) + 1, len(order)), webhook)
        return order

    async def send_all(
        self, webhooks: Sequence[OutgoingWebhook], *, concurrency: int = 8, spacing: float = 0.0
    ) -> None:
        """Deliver every webhook, each on its own retry schedule.

        Returns when each is delivered or out of retries. ``spacing`` seconds separate
        first attempts (a steady stream rather than a burst).
        """
        limiter = anyio.CapacityLimiter(concurrency)
        async with anyio.create_task_group() as tg:
            for webhook in self.plan(webhooks):
                tg.start_soon(self._deliver, webhook, limiter)
                if spacing:
                    await anyio.sleep(spacing)

    async def _deliver(self, webhook: OutgoingWebhook, limiter: anyio.CapacityLimiter) -> None:
        delays = (0.0, *self.faults.retry_schedule)
        for delay in delays:
            if delay:
                await anyio.sleep(delay * self.faults.time_scale)
            async with limiter:
                status = await self._post(webhook)
            if _ok(status):
                return

    async def _post(self, webhook: OutgoingWebhook) -> int | None:
        rotated = (
            webhook.rotated_headers is not None
            and self._rng.random() < self.faults.rotated_secret_rate
        )
        headers = webhook.rotated_headers if rotated else webhook.headers
        url = self._url()
        request = httpx.Request(
            "POST",
            url,
            content=webhook.body,
            headers={"Content-Type": "application/json", **(headers or {})},
            extensions={"timeout": httpx.Timeout(self._timeout).as_dict()},
        )
        status: int | None = None
        error: str | None = None
        with anyio.move_on_after(self._timeout + 1):
            try:
                response = await self._transport.handle_async_request(request)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
                status = response.status_code
            # A receiver's failure is what this sender is for: record it, retry on schedule.
            except Exception as exc:  # noqa: BLE001
                error = f"{type(exc).__name__}: {exc}"
        if status is None and error is None:
            error = "timed out"
        webhook.attempts.append(DeliveryAttempt(url, status, error, rotated))
        return status
