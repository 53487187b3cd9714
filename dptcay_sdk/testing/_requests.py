"""Parsing and validating request bodies into typed requests (400 on anything off-contract).

The sandbox is deliberately strict: unknown fields, numbers where the contract wants
decimal strings and wrong types are refused, so an SDK that drifts from the contract
fails loudly against its fake instead of silently in production.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlsplit

from dptcay_sdk._spec import OPERATIONS, SANDBOX_OPERATIONS
from dptcay_sdk.testing._catalog import EVENT_TYPES
from dptcay_sdk.testing._errors import SandboxError, invalid_request

_DECIMAL = re.compile(r"[0-9]{1,30}(?:\.[0-9]{1,30})?")
_MAX_METADATA_KEYS = 50
_MAX_EXPIRES_IN = 86_400
DEFAULT_EXPIRES_IN = 900

Scope = Literal["read", "write"]


@dataclass(frozen=True, kw_only=True)
class PaymentRequest:
    """A validated ``POST /payments/create`` body."""

    amount: Decimal
    currency: str
    network: str | None
    description: str | None
    order_id: str | None
    metadata: dict[str, str]
    expires_in: int


@dataclass(frozen=True, kw_only=True)
class RefundRequest:
    """A validated ``POST /refunds`` body; ``amount`` None means the whole remainder."""

    payment_id: str
    amount: Decimal | None
    reason: str | None


@dataclass(frozen=True, kw_only=True)
class WebhookRequest:
    """A validated ``POST /webhooks/register`` body."""

    url: str
    events: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class KeyRequest:
    """A validated ``POST /keys`` body."""

    scope: Scope
    label: str | None


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """Decode a request body that must be a JSON object (an empty body counts as ``{}``)."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise invalid_request("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid_request("The request body must be a JSON object")
    return body


def parse_payment(body: Mapping[str, Any]) -> PaymentRequest:
    """Validate a payment-creation body."""
    _reject_unknown(body, "payments.create")
    amount = _decimal(body, "amount")
    if amount is None:
        raise invalid_request("amount is required")
    currency = _string(body, "currency", max_length=16)
    if currency is None:
        raise invalid_request("currency is required")
    return PaymentRequest(
        amount=amount,
        currency=currency,
        network=_string(body, "network", max_length=32),
        description=_string(body, "description", max_length=500),
        order_id=_string(body, "order_id", max_length=255),
        metadata=_metadata(body),
        expires_in=_expires_in(body),
    )


def parse_refund(body: Mapping[str, Any]) -> RefundRequest:
    """Validate a refund body."""
    _reject_unknown(body, "refunds.create")
    payment_id = _string(body, "payment_id", max_length=64)
    if payment_id is None:
        raise invalid_request("payment_id is required")
    return RefundRequest(
        payment_id=payment_id,
        amount=_decimal(body, "amount"),
        reason=_string(body, "reason", max_length=500),
    )


def parse_webhook(body: Mapping[str, Any]) -> WebhookRequest:
    """Validate a webhook registration body."""
    _reject_unknown(body, "webhooks.register")
    url = _string(body, "url", max_length=2048)
    if url is None:
        raise invalid_request("url is required")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise invalid_request("url must be an absolute https:// URL")
    return WebhookRequest(url=url, events=_events(body))


def parse_key(body: Mapping[str, Any]) -> KeyRequest:
    """Validate a key-creation body."""
    _reject_unknown(body, "keys.create")
    scope = body.get("scope")
    if scope not in ("read", "write"):
        raise invalid_request('scope is required and must be "read" or "write"')
    return KeyRequest(scope=scope, label=_string(body, "label", max_length=100))


def parse_status(body: Mapping[str, Any], allowed: Collection[str]) -> str:
    """Validate a sandbox transition body ``{"status": ...}`` against ``allowed``."""
    _reject_unknown(body, "sandbox.move_payment")  # both transitions: one body
    status = body.get("status")
    if status not in allowed:
        raise invalid_request(f"status must be one of: {', '.join(allowed)}")
    return str(status)


def format_decimal(value: Decimal) -> str:
    """Render money as a plain decimal string (never scientific notation)."""
    return f"{value:f}"


def _reject_unknown(body: Mapping[str, Any], operation: str) -> None:
    """Refuse the fields the declaration of ``operation`` does not name."""
    declared = OPERATIONS.get(operation) or SANDBOX_OPERATIONS[operation]
    unknown = sorted(set(body) - declared.body_field_names)
    if unknown:
        raise invalid_request(f"Unknown field(s): {', '.join(unknown)}")


def _type_error(name: str, expected: str) -> SandboxError:
    return invalid_request(f"{name} must be {expected}")


def _string(body: Mapping[str, Any], name: str, *, max_length: int) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _type_error(name, "a non-empty string")
    if len(value) > max_length:
        raise invalid_request(f"{name} must be at most {max_length} characters")
    return value


def _decimal(body: Mapping[str, Any], name: str) -> Decimal | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        raise _type_error(name, 'a decimal string such as "125.50"')
    amount = Decimal(value)
    if amount <= 0:
        raise invalid_request(f"{name} must be greater than 0")
    return amount


def _metadata(body: Mapping[str, Any]) -> dict[str, str]:
    value = body.get("metadata")
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _type_error("metadata", "an object of string keys to string values")
    if len(value) > _MAX_METADATA_KEYS:
        raise invalid_request(f"metadata may hold at most {_MAX_METADATA_KEYS} keys")
    return dict(value)


def _expires_in(body: Mapping[str, Any]) -> int:
    value = body.get("expires_in")
    if value is None:
        return DEFAULT_EXPIRES_IN
    # bool is an int subclass; true/false is never a duration.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error("expires_in", "an integer number of seconds")
    if not 1 <= value <= _MAX_EXPIRES_IN:
        raise invalid_request(f"expires_in must be between 1 and {_MAX_EXPIRES_IN} seconds")
    return value


def _events(body: Mapping[str, Any]) -> tuple[str, ...]:
    value = body.get("events")
    if value is None:
        return EVENT_TYPES
    if not isinstance(value, list) or not value or not all(isinstance(e, str) for e in value):
        raise _type_error("events", "a non-empty list of event types (omit it for all)")
    unknown = [event for event in value if event not in EVENT_TYPES]
    if unknown:
        raise invalid_request(
            f"Unknown event type(s): {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}"
        )
    return tuple(dict.fromkeys(value))
