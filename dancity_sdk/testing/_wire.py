"""JSON rendering, timestamps and the error bodies the Dancity server answers with.

The docs show three error shapes and the sandbox reproduces each where the docs put it:

* NestJS style ``{"statusCode", "message", "error"}`` (validation, business rules, 429);
  ``message`` is a list of strings for validation failures.
* Envelope style ``{"success": false, "message", "statusCode"}`` (OpenAPI examples: not found,
  IP not allowlisted, smartcard/meter not found, 500).
* Bare ``{"statusCode", "message"}`` (the authentication guide's 401).
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
        """Serialise ``content`` with :func:`dumps`."""
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


def nest_error(status: int, message: str | list[str]) -> ApiError:
    """``{"statusCode", "message", "error"}`` — the errors guide's shape."""
    body = {"statusCode": status, "message": message, "error": status_phrase(status)}
    return ApiError(status, body)


def envelope_error(status: int, message: str) -> ApiError:
    """``{"success": false, "message", "statusCode"}`` — the OpenAPI examples' shape."""
    return ApiError(status, {"success": False, "message": message, "statusCode": status})


def bare_error(status: int, message: str) -> ApiError:
    """``{"statusCode", "message"}`` — the authentication guide's 401 shape."""
    return ApiError(status, {"statusCode": status, "message": message})


def validation_error(messages: list[str]) -> ApiError:
    """A 400 whose ``message`` is the list of every failed constraint."""
    return nest_error(400, messages)


def ok(message: str, data: object) -> WireResponse:
    """The success envelope ``{"success": true, "message", "data"}``."""
    return WireResponse({"success": True, "message": message, "data": data})
