"""JSON rendering, timestamps and the error bodies the Dancity server answers with.

Every error body has the OpenAPI examples' envelope ``{"success": false, "message",
"statusCode"}`` plus NestJS's ``error`` reason phrase (the errors guide's shape), so it reads
the same through either description. Validation failures keep ``message`` a string, as the
OpenAPI examples show (the errors guide shows an array there; the OpenAPI file wins): every
failed constraint, joined by ``"; "``, and listed one by one in ``errors``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from starlette.responses import JSONResponse

JsonObject = dict[str, Any]

_STATUS_NAMES: Final = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def plain(value: object) -> object:
    """Return ``value`` with every ``Decimal`` turned into a JSON number (int when integral)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def dumps(value: object) -> bytes:
    """Serialise ``value`` to compact UTF-8 JSON bytes, money as JSON numbers."""
    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False).encode()


def loads(raw: bytes) -> object:
    """Parse JSON keeping non-integral numbers exact (``Decimal``)."""
    return json.loads(raw, parse_float=Decimal)


def iso(timestamp: float) -> str:
    """Format a Unix timestamp the way the API does: ``2026-05-31T10:30:00.000Z``."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> float | None:
    """Parse an ISO-8601 date or date-time (``Z`` allowed) to a Unix timestamp, or ``None``."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class WireResponse(JSONResponse):
    """A JSON response whose money values are exact numbers, not strings."""

    def render(self, content: object) -> bytes:
        """Serialise ``content`` with `dumps`."""
        return dumps(content)


class ApiError(Exception):
    """An error answer: raised anywhere in a handler, rendered once by the endpoint wrapper."""

    def __init__(self, status: int, body: JsonObject) -> None:
        super().__init__(status, body.get("message"))
        self.status = status
        self.body = body

    def response(self) -> WireResponse:
        """Render this error as the HTTP response the server would send."""
        return WireResponse(self.body, status_code=self.status)


def status_phrase(status: int) -> str:
    """The reason phrase NestJS puts in ``error``."""
    return _STATUS_NAMES.get(status, "Error")


def _error(status: int, message: str) -> ApiError:
    body = {
        "success": False,
        "statusCode": status,
        "message": message,
        "error": status_phrase(status),
    }
    return ApiError(status, body)


def nest_error(status: int, message: str | list[str]) -> ApiError:
    """A business-rule or validation error (a list of messages becomes a validation error)."""
    if isinstance(message, list):
        return validation_error(message)
    return _error(status, message)


def envelope_error(status: int, message: str) -> ApiError:
    """An error in the OpenAPI examples' envelope (not found, allowlist, 500)."""
    return _error(status, message)


def bare_error(status: int, message: str) -> ApiError:
    """An authentication error (401)."""
    return _error(status, message)


def validation_error(messages: list[str]) -> ApiError:
    """A 400 naming every failed constraint: joined in ``message``, one by one in ``errors``."""
    error = _error(400, "; ".join(messages))
    error.body["errors"] = list(messages)
    return error


def ok(message: str, data: object) -> WireResponse:
    """The success envelope ``{"success": true, "message", "data"}``."""
    return WireResponse({"success": True, "message": message, "data": data})
