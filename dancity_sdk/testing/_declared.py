"""The sandbox's first check of a request: what the generation's description declares.

Before an operation's handler runs, every body and query field the request carries is held
to its declaration in ``dancity_sdk._spec`` (the same attributes the client checks before
sending): its JSON type (``null`` is no string), its ``enum``, ``minimum``, ``maximum``,
``minLength``, ``maxLength`` and ``pattern``, and a ``date-time`` being a date. Whatever
breaks one is refused with the server's validation 400, every failure listed (with the
handler's own, see ``_fields.declared_failures``), in the class-validator wording the
errors guide quotes. Nothing here is per operation.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

from starlette.datastructures import QueryParams

from dancity_sdk._spec import Field, Operation
from dancity_sdk.testing._wire import JsonObject, parse_iso

__all__ = ["declared_errors"]

_INTEGER: Final = re.compile(r"-?[0-9]+")
_TYPE_MESSAGES: Final = {
    "string": "must be a string",
    "datetime": "must be a valid ISO 8601 date string",
    "integer": "must be an integer number",
    "number": "must be a number conforming to the specified constraints",
    "money": "must be a number conforming to the specified constraints",
    "boolean": "must be a boolean value",
}


def declared_errors(operation: Operation, body: JsonObject | None, query: QueryParams) -> list[str]:
    """Every way the request's fields break their declarations (empty: none).

    Args:
        operation: The generation's declaration of the operation called.
        body: The decoded JSON body (``None`` for operations without one).
        query: The query parameters.
    """
    errors: list[str] = []
    if body is not None:
        for field in operation.body_fields:
            if field.name in body:
                errors.extend(_body_errors(field, body[field.name]))
    for field in operation.query_fields:
        raw = query.get(field.name)
        if raw is not None:
            errors.extend(_query_errors(field, raw))
    return errors


def _body_errors(field: Field, value: object) -> list[str]:
    if not _has_type(field, value):
        return [f"{field.name} {_TYPE_MESSAGES[field.kind]}"]
    if field.kind == "datetime" and parse_iso(str(value)) is None:
        return [f"{field.name} {_TYPE_MESSAGES['datetime']}"]
    return _bound_errors(field, value)


def _has_type(field: Field, value: object) -> bool:
    if field.kind in ("string", "datetime"):
        return isinstance(value, str)
    if field.kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if field.kind == "integer":
        whole = isinstance(value, Decimal) and value == value.to_integral()
        return isinstance(value, int) or whole
    return isinstance(value, int | Decimal)


def _query_errors(field: Field, raw: str) -> list[str]:
    value: object = raw
    if field.kind == "datetime":
        ok = bool(raw) and parse_iso(raw) is not None
        return [] if ok else [f"{field.name} {_TYPE_MESSAGES['datetime']}"]
    if field.kind == "boolean":
        ok = raw in ("true", "false")
        return [] if ok else [f"{field.name} {_TYPE_MESSAGES['boolean']}"]
    if field.kind == "integer" or (field.kind != "string" and field.enum):
        if _INTEGER.fullmatch(raw) is None:
            return [f"{field.name} {_TYPE_MESSAGES['integer']}"]
        value = int(raw)
    elif field.kind in ("number", "money"):
        try:
            value = Decimal(raw)
        except InvalidOperation:
            return [f"{field.name} {_TYPE_MESSAGES[field.kind]}"]
        if not value.is_finite():
            return [f"{field.name} {_TYPE_MESSAGES[field.kind]}"]
    return _bound_errors(field, value)


def _bound_errors(field: Field, value: object) -> list[str]:
    errors: list[str] = []
    if field.enum and value not in field.enum:
        allowed = ", ".join(str(choice) for choice in field.enum)
        errors.append(f"{field.name} must be one of the following values: {allowed}")
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        if field.minimum is not None and value < field.minimum:
            errors.append(f"{field.name} must not be less than {field.minimum}")
        if field.maximum is not None and value > field.maximum:
            errors.append(f"{field.name} must not be greater than {field.maximum}")
    if isinstance(value, str):
        if field.min_length is not None and len(value) < field.min_length:
            errors.append(
                f"{field.name} must be longer than or equal to {field.min_length} characters"
            )
        if field.max_length is not None and len(value) > field.max_length:
            errors.append(
                f"{field.name} must be shorter than or equal to {field.max_length} characters"
            )
        if field.pattern is not None and re.fullmatch(field.pattern, value) is None:
            errors.append(f"{field.name} must match /{field.pattern}/ regular expression")
    return errors
