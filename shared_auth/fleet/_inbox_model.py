"""What the webhook inbox stores, what its backends do, and the errors it raises.

Shared by `shared_auth.fleet._inbox` (the facade) and its two stores, so neither store
imports the facade.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Literal, Protocol

import attrs

from shared_auth._errors import (
    JournalError,
    JournalLostError,
    JournalMissingError,
    JournalUnavailableError,
    JournalVolatileError,
)

if TYPE_CHECKING:
    from shared_auth._models import JSONValue

__all__ = [
    "Accepted",
    "InboxError",
    "InboxEvent",
    "InboxLostError",
    "InboxMissingError",
    "InboxStore",
    "InboxUnavailableError",
    "InboxVolatileError",
    "Receipt",
    "WebhookSource",
    "keep_headers",
]

EventState = Literal["pending", "leased", "done", "parked"]
#: Request headers never stored with a delivery (credentials of *your* edge, not the sender's).
_DROPPED_HEADERS: Final = frozenset({"authorization", "cookie", "proxy-authorization"})


class InboxError(JournalError):
    """The inbox's backend failed; nothing was lost, but this call did not complete.

    A receiver answers such a delivery with a 5xx, so the provider delivers it again. The
    inbox lives on the journal's backends and follows its rules, so each error is also the
    matching journal error (`except JournalError` catches both).

    Attributes:
        backend: ``"sqlite"`` or ``"redis"``.
        journal: Where the inbox is (a path or URL, credentials masked).
        key: The deduplication key of the delivery or event involved, when there is one
            (also ``reference``).
    """

    def __init__(
        self, message: str, *, backend: str, journal: str = "", key: str | None = None
    ) -> None:
        super().__init__(message, backend=backend, journal=journal or "?", reference=key)
        self.key = key


class InboxUnavailableError(InboxError, JournalUnavailableError):
    """The backend could not be reached or did not answer within the call's deadline."""


class InboxMissingError(InboxError, JournalMissingError):
    """The inbox does not exist yet: create it once (``create=True`` or the CLI ``init``)."""


class InboxLostError(InboxError, JournalLostError):
    """The inbox's store was replaced or emptied under a running process.

    A deleted file, a flushed Redis or one restarted without persistence: its
    deduplication memory is gone, so nothing is accepted until a person decides. Create a
    new inbox (``python -m shared_auth.fleet.inbox init``), re-check recent events by hand,
    and restart the receivers and consumers.
    """


class InboxVolatileError(InboxError, JournalVolatileError):
    """A Redis without persistence: a restart would empty the inbox silently.

    Turn persistence on (``appendonly yes``) or pass ``allow_volatile=True``.
    """


@attrs.frozen(kw_only=True)
class Accepted:
    """A delivery a source verified and understood.

    Attributes:
        key: The deduplication key: one per provider event, the same on every redelivery.
        group: Events of one group (one transaction, one payment) are handed over in the
            order they were received.
        event: The event's name, such as ``transaction.success`` or ``payment.completed``.
    """

    key: str
    group: str
    event: str


class WebhookSource(Protocol):
    """How one API's deliveries are verified and keyed (each SDK ships one).

    ``accept`` checks the raw bytes (a signature where the API defines one) and raises an
    [`SDKError`][shared_auth.SDKError] for a delivery to refuse: one of
    ``signature_errors`` answers 401, any other 400.
    """

    @property
    def api(self) -> str:
        """The API's name, stored with each event (its SDK's name for it)."""

    @property
    def signature_errors(self) -> tuple[type[Exception], ...]:
        """The errors ``accept`` raises for a bad signature (answered 401)."""

    def accept(self, raw_body: bytes, headers: Mapping[str, str]) -> Accepted: ...


@attrs.frozen(kw_only=True)
class Receipt:
    """What [`Inbox.receive`][shared_auth.fleet.Inbox.receive] did with a delivery.

    Attributes:
        key: The delivery's deduplication key.
        event: The event's name.
        duplicate: ``True`` when the event was already stored (a redelivery): it is not
            stored or handed over again.
    """

    key: str
    event: str
    duplicate: bool


@attrs.frozen(kw_only=True)
class InboxEvent:
    """A stored delivery, as a consumer's handler (or a person) sees it.

    Attributes:
        key: Deduplication key; use it as the idempotency key of the handler's effect.
        api: The API's name (its SDK's name for it).
        group: The transaction (or payment) it belongs to.
        event: The event's name.
        body: The raw request body exactly as received.
        headers: The request's headers (lower-case names; credentials dropped).
        seq: Receive order within the inbox.
        received_at: Unix time it was first stored.
        state: ``pending``, ``leased``, ``done`` or ``parked``.
        attempts: Handler runs started so far (a consumer that died counts).
        last_error: The last handler failure (``"ExcType: message"``), if any.
    """

    key: str
    api: str
    group: str
    event: str
    body: bytes = attrs.field(repr=False)
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    seq: int = 0
    received_at: float = 0.0
    state: EventState = "pending"
    attempts: int = 0
    last_error: str | None = None
    owner: str = ""
    lease_until: float = 0.0

    def json(self) -> JSONValue:
        """The body, decoded as JSON.

        Narrow it before you index it: ``body = event.json()``, then
        ``if isinstance(body, Mapping): body["data"]`` (see
        [`JSONValue`][shared_auth.JSONValue]).
        """
        body: JSONValue = json.loads(self.body)
        return body


def keep_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers worth keeping with a delivery (names lower-cased, credentials dropped)."""
    return {
        str(name).lower(): str(value)
        for name, value in headers.items()
        if str(name).lower() not in _DROPPED_HEADERS
    }


class InboxStore(Protocol):
    """What an inbox backend does; every method blocks briefly and is thread-safe.

    Methods that change an event take its ``owner`` and do nothing (return ``False``)
    unless that owner still holds its lease: a consumer whose lease ran out is fenced off.
    """

    @property
    def backend(self) -> str: ...
    @property
    def where(self) -> str: ...
    def ensure(self, *, create: bool) -> None: ...
    def insert(
        self, accepted: Accepted, api: str, body: bytes, headers: str, now: float
    ) -> bool: ...
    def claim(self, owner: str, now: float, lease_until: float) -> InboxEvent | None: ...
    def renew(self, event: InboxEvent, owner: str, lease_until: float) -> bool: ...
    def complete(self, event: InboxEvent, owner: str, now: float, expires_at: float) -> bool: ...
    def retry(self, event: InboxEvent, owner: str, next_at: float, error: str | None) -> bool: ...
    def park(self, event: InboxEvent, owner: str, error: str, now: float) -> bool: ...
    def requeue(self, key: str, now: float) -> bool: ...
    def get(self, key: str) -> InboxEvent | None: ...
    def parked(self) -> list[InboxEvent]: ...
    def counts(self) -> dict[str, int]: ...
    def purge(self, now: float) -> int: ...
    def close(self) -> None: ...


# Tracebacks and pickles name the public module users import these from, not this file.
for _cls in (
    InboxError,
    InboxUnavailableError,
    InboxMissingError,
    InboxLostError,
    InboxVolatileError,
):
    _cls.__module__ = "shared_auth.fleet"
