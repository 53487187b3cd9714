"""Verify and parse Dancity's outbound webhooks (``X-Dancity-Signature``).

Dancity POSTs ``{"event", "timestamp", "data"}`` to your webhook URL and signs the **raw
request body**: ``X-Dancity-Signature`` is the lowercase hex HMAC-SHA256 of those exact
bytes, keyed with the webhook secret shown when the API key was generated. Verify the
bytes you received *before* parsing them. Re-serialising a parsed body (``json.dumps``
of what a framework decoded) changes spacing, key order or number formatting, and the
signature no longer matches: that is the classic mistake.

The docs define no timestamp header or replay window, and say deliveries are retried (up
to 5 times): deduplicate on ``data.transactionId`` / ``data.reference``.

A Starlette/FastAPI receiver::

    from starlette.requests import Request
    from starlette.responses import Response
    from dancity_sdk import webhooks

    async def dancity_webhook(request: Request) -> Response:
        raw = await request.body()  # the RAW bytes, never a re-serialised request.json()
        try:
            event = webhooks.parse_event(
                raw, request.headers.get("X-Dancity-Signature"), secrets=[current, previous]
            )
        except webhooks.WebhookSignatureError:
            return Response(status_code=401)
        if isinstance(event, webhooks.TransactionEvent) and event.details.failed:
            ...  # hand off to a queue; answer within 5 seconds
        return Response(status_code=200)
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

import attrs
import cattrs

from dancity_sdk._exceptions import ConfigurationError, SDKError
from dancity_sdk._models import TransactionStatus, make_dancity_converter
from shared_auth import Secret
from shared_auth._models import APIObject, JSONValue
from shared_auth.fleet._inbox_model import Accepted

__all__ = [  # noqa: RUF022 - plainly sorted, as tests/dancity/test_families.py checks
    "DancityWebhookSource",
    "SIGNATURE_HEADER",
    "TransactionEvent",
    "TransactionFailed",
    "TransactionPending",
    "TransactionSucceeded",
    "WalletDebited",
    "WalletEvent",
    "WalletFunded",
    "WebhookData",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "parse_event",
    "sign",
    "verify",
]


@functools.cache
def _converter() -> cattrs.Converter:
    # Webhook helpers run without a client, so they keep one converter of their own
    # (building one per delivery would cost milliseconds); clients never share it.
    return make_dancity_converter()


#: The header carrying the body's HMAC-SHA256 signature (hex).
SIGNATURE_HEADER: Final = "X-Dancity-Signature"
_SIGNATURE: Final = re.compile(r"[0-9a-f]{64}")

#: A webhook secret: as text or wrapped in [`Secret`][shared_auth.Secret].
SecretLike = str | Secret
#: The request body exactly as received, before any decoding (the signature covers these
#: bytes).
RawBody = bytes | bytearray | memoryview


class WebhookSignatureError(SDKError):
    """The ``X-Dancity-Signature`` header is missing, malformed or does not match.

    Answer 401 and do not process the body. The message never contains a secret.

    Attributes:
        reason: ``"missing"``, ``"malformed"`` or ``"mismatch"``.
    """

    def __init__(
        self, message: str, *, reason: Literal["missing", "malformed", "mismatch"]
    ) -> None:
        super().__init__(message)
        self.reason = reason


class WebhookPayloadError(SDKError, ValueError):
    """A correctly signed body that is not a Dancity webhook envelope."""


def _secret_bytes(secret: object) -> bytes:
    value = secret.get_secret_value() if isinstance(secret, Secret) else secret
    if not isinstance(value, str) or not value:
        msg = "each webhook secret must be a non-empty str or Secret"
        raise ConfigurationError(msg)
    return value.encode()


def _secret_list(secrets: SecretLike | Sequence[SecretLike]) -> list[bytes]:
    items = [secrets] if isinstance(secrets, str | Secret) else list(secrets)
    if not items:
        msg = "give at least one webhook secret (DANCITY_WEBHOOK_SECRET)"
        raise ConfigurationError(msg)
    return [_secret_bytes(item) for item in items]


def _raw(raw_body: object) -> bytes:
    if isinstance(raw_body, bytes | bytearray | memoryview):
        return bytes(raw_body)
    msg = (
        f"raw_body must be the request's raw bytes (await request.body()), not "
        f"{type(raw_body).__name__}: a decoded or re-serialised body does not verify"
    )
    raise TypeError(msg)


def sign(raw_body: RawBody, secret: SecretLike) -> str:
    """The ``X-Dancity-Signature`` value for ``raw_body`` (for tests and local tools)."""
    return hmac.new(_secret_bytes(secret), _raw(raw_body), hashlib.sha256).hexdigest()


def verify(
    raw_body: RawBody, signature: str | None, secrets: SecretLike | Sequence[SecretLike]
) -> None:
    """Check ``X-Dancity-Signature`` against the raw body; return only when it matches.

    Args:
        raw_body: The request body exactly as received.
        signature: The header's value (``None`` when absent).
        secrets: The webhook secret, or several while rotating (any one may match).

    Raises:
        WebhookSignatureError: missing, malformed (not 64 lowercase hex) or wrong signature.
        ConfigurationError: no usable secret was given.
        TypeError: ``raw_body`` is not bytes.
    """
    body = _raw(raw_body)
    keys = _secret_list(secrets)
    if not signature:
        msg = f"the {SIGNATURE_HEADER} header is missing: this request was not signed by Dancity"
        raise WebhookSignatureError(msg, reason="missing")
    candidate = signature.strip()
    if _SIGNATURE.fullmatch(candidate) is None:
        msg = (
            f"the {SIGNATURE_HEADER} header is malformed: expected 64 lowercase hex characters "
            f"(no 'sha256=' prefix), got {len(candidate)} characters"
        )
        raise WebhookSignatureError(msg, reason="malformed")
    given = candidate.encode()
    # Every secret is tried (no early exit), each with a constant-time comparison.
    matched = False
    for key in keys:
        expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        matched |= hmac.compare_digest(expected, given)
    if not matched:
        msg = (
            f"the {SIGNATURE_HEADER} header does not match the body under any of the "
            f"{len(keys)} configured secret(s). Verify the raw request bytes: a re-serialised "
            "body never matches"
        )
        raise WebhookSignatureError(msg, reason="mismatch")


@attrs.frozen(kw_only=True, repr=False)
class WebhookData(APIObject):
    """The ``data`` of a transaction or wallet event, as documented (fields may be absent).

    ``status`` arrives lower case (``"success"``) and is read case-insensitively into
    [`TransactionStatus`][dancity_sdk.TransactionStatus].
    """

    status: TransactionStatus | str = ""
    transaction_id: str | None = None
    reference: str | None = None
    type: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    phone: str | None = None
    created_at: datetime | None = None

    @property
    def succeeded(self) -> bool:
        """``True`` when the transaction was delivered."""
        return self.status == TransactionStatus.SUCCESS

    @property
    def failed(self) -> bool:
        """``True`` when it failed or was cancelled."""
        return self.status in {TransactionStatus.FAILED, TransactionStatus.CANCELLED}

    @property
    def pending(self) -> bool:
        """``True`` while awaiting confirmation."""
        return self.status in {TransactionStatus.PENDING, TransactionStatus.PROCESSING}

    def __repr__(self) -> str:
        status = self.status.value if isinstance(self.status, TransactionStatus) else self.status
        return (
            f"WebhookData(status={status or '<none>'!r}, transaction_id={self.transaction_id!r}, "
            f"reference={self.reference!r}, amount={self.amount!r})"
        )


@attrs.frozen(kw_only=True)
class WebhookEvent:
    """A verified webhook. Events this SDK does not know arrive as this base class.

    Attributes:
        event: The event name, e.g. ``transaction.success``.
        timestamp: When Dancity sent it (from the body; no header carries it).
        data: The ``data`` object as sent (numbers as ``Decimal``).
    """

    event: str
    timestamp: datetime | None = None
    data: Mapping[str, JSONValue] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TransactionEvent(WebhookEvent):
    """A ``transaction.*`` event; ``details`` is the typed ``data``."""

    details: WebhookData


class TransactionSucceeded(TransactionEvent):
    """``transaction.success``: a purchase or transfer completed."""


class TransactionFailed(TransactionEvent):
    """``transaction.failed``."""


class TransactionPending(TransactionEvent):
    """``transaction.pending``: awaiting confirmation."""


@attrs.frozen(kw_only=True)
class WalletEvent(WebhookEvent):
    """A ``wallet.*`` event (its payload is undocumented: ``details`` reads what it can)."""

    details: WebhookData


class WalletFunded(WalletEvent):
    """``wallet.funded``."""


class WalletDebited(WalletEvent):
    """``wallet.debited``."""


_EVENT_TYPES: Final[Mapping[str, type[TransactionEvent | WalletEvent]]] = {
    "transaction.success": TransactionSucceeded,
    "transaction.failed": TransactionFailed,
    "transaction.pending": TransactionPending,
    "wallet.funded": WalletFunded,
    "wallet.debited": WalletDebited,
}


def _timestamp(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        parsed: datetime = _converter().structure(value, datetime)
    except (TypeError, ValueError) as exc:
        raise WebhookPayloadError(f"the webhook timestamp is not ISO 8601: {value!r}") from exc
    return parsed


def _envelope(body: bytes) -> Mapping[str, Any]:
    try:
        payload = json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise WebhookPayloadError("the webhook body is not JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        raise WebhookPayloadError("the webhook body has no 'event' name")
    data = payload.get("data", {})
    if not isinstance(data, dict):
        raise WebhookPayloadError("the webhook body's 'data' is not an object")
    return payload


def parse_event(
    raw_body: RawBody, signature: str | None, secrets: SecretLike | Sequence[SecretLike]
) -> WebhookEvent:
    """Verify the signature, then parse the body into a typed event.

    Returns:
        A [`TransactionSucceeded`][dancity_sdk.webhooks.TransactionSucceeded],
        [`TransactionFailed`][dancity_sdk.webhooks.TransactionFailed],
        [`TransactionPending`][dancity_sdk.webhooks.TransactionPending],
        [`WalletFunded`][dancity_sdk.webhooks.WalletFunded] or
        [`WalletDebited`][dancity_sdk.webhooks.WalletDebited]; any other event as a plain
        [`WebhookEvent`][dancity_sdk.webhooks.WebhookEvent] with its raw ``data``.

    Raises:
        WebhookSignatureError: the signature is missing, malformed or wrong.
        WebhookPayloadError: the (correctly signed) body is not a webhook envelope.
    """
    verify(raw_body, signature, secrets)
    payload = _envelope(_raw(raw_body))
    name: str = payload["event"]
    data: dict[str, Any] = payload.get("data", {})
    timestamp = _timestamp(payload.get("timestamp"))
    cls = _EVENT_TYPES.get(name)
    if cls is None:
        return WebhookEvent(event=name, timestamp=timestamp, data=data)
    try:
        details = _converter().structure(data, WebhookData)
    except (cattrs.BaseValidationError, TypeError, ValueError) as exc:
        raise WebhookPayloadError(f"the {name} event's data is not readable: {exc}") from exc
    return cls(event=name, timestamp=timestamp, data=data, details=details)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if str(k).lower() == wanted), None)


class DancityWebhookSource:
    """How the webhook inbox verifies and keys Dancity deliveries.

    Give it to ``shared_auth.fleet.open_inbox``. Each delivery's ``X-Dancity-Signature``
    is checked against the raw bytes (any of ``secrets`` may match, for rotation), then the
    body must be a webhook envelope.

    Deduplication key: ``dancity:<event>:<data.transactionId>``, falling back to
    ``data.reference`` (the guide's advice), and to a hash of the body for an event that
    carries neither (a ``wallet.*`` event whose payload is undocumented). Events with the
    same ``transactionId`` (or ``reference``) form one group, handed over in receive order:
    a ``transaction.pending`` before the ``transaction.success`` that follows it.

    Args:
        secrets: The webhook secret, or several while rotating.

    Raises:
        ConfigurationError: no usable secret.
    """

    api: Final = "dancity"
    signature_errors: Final[tuple[type[Exception], ...]] = (WebhookSignatureError,)

    def __init__(self, secrets: SecretLike | Sequence[SecretLike]) -> None:
        _secret_list(secrets)  # refuse an empty or non-string secret now, not per delivery
        self._secrets = [secrets] if isinstance(secrets, str | Secret) else list(secrets)

    def __repr__(self) -> str:
        return f"DancityWebhookSource(<{len(self._secrets)} secret(s)>)"

    def accept(self, raw_body: bytes, headers: Mapping[str, str]) -> Accepted:
        """Verify and key one delivery.

        Raises:
            WebhookSignatureError: missing, malformed or wrong signature (answer 401).
            WebhookPayloadError: a signed body that is not a webhook envelope (answer 400).
        """
        verify(raw_body, _header(headers, SIGNATURE_HEADER), self._secrets)
        payload = _envelope(_raw(raw_body))
        name: str = payload["event"]
        data: Mapping[str, Any] = payload.get("data") or {}
        ident = next(
            (str(data[f]) for f in ("transactionId", "reference") if data.get(f) not in (None, "")),
            None,
        )
        if ident is None:
            digest = hashlib.sha256(_raw(raw_body)).hexdigest()[:32]
            key, group = f"dancity:{name}:body:{digest}", f"dancity:body:{digest}"
            return Accepted(key=key, group=group, event=name)
        return Accepted(key=f"dancity:{name}:{ident}", group=f"dancity:tx:{ident}", event=name)
