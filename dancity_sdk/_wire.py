"""Money on the wire: ``Decimal``/``int`` in Python, exact JSON numbers in request bodies.

Every generation of the Dancity docs types amounts as JSON *numbers* (``"amount": 200``,
``"amountPaid": 98.5``), so the SDK cannot send decimal strings. httpx serialises bodies
with `json.dumps`, which writes a ``float`` as its shortest round-tripping ``repr``.
A ``Decimal`` with a fractional part is therefore sent as a ``float`` only when that
``repr`` is numerically the same decimal (``Decimal("98.5")`` → ``98.5``); anything that
would be rounded on the way is refused instead of silently changed.

Responses are decoded with `loads` (``parse_float=Decimal``), so no amount the API
sends ever passes through binary floating point.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from dancity_sdk._exceptions import InvalidInputError, InvalidInputTypeError

__all__ = ["amount_to_wire", "loads"]


def loads(raw: bytes) -> Any:
    """Decode a response body, keeping every non-integral number an exact ``Decimal``."""
    return json.loads(raw, parse_float=Decimal)


def amount_to_wire(value: object, *, field: str) -> int | float:
    """Turn an amount argument into the JSON number whose text is exactly its value.

    Args:
        value: The caller's amount: a ``Decimal`` or an ``int`` (never ``float``/``bool``).
        field: The argument's name, for error messages.

    Raises:
        InvalidInputTypeError: ``value`` is not a ``Decimal`` or an ``int``.
        InvalidInputError: ``value`` is not finite, or cannot be written as a JSON
            number without rounding.
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        msg = (
            f"{field} must be a Decimal or an int, not {type(value).__name__}: binary floats "
            f'cannot hold most money amounts exactly. Pass Decimal("...") built from a string.'
        )
        raise InvalidInputTypeError(msg, field=field)
    if isinstance(value, int):
        return value
    if not value.is_finite():
        raise InvalidInputError(f"{field} must be a finite amount; got {value}", field=field)
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    # json.dumps writes repr(as_float); it is exact iff it reads back as the same decimal.
    if Decimal(repr(as_float)) != value:
        msg = (
            f"{field}={value} has more digits than a JSON number carries exactly; round it "
            f"(e.g. to kobo: {field}.quantize(Decimal('0.01'))) before sending"
        )
        raise InvalidInputError(msg, field=field)
    return as_float
