"""Argument checks made before any network I/O.

Only rules that every generation of the Dancity docs agrees on are enforced here (phone
format, airtime minimum ₦50, electricity minimum ₦500, betting minimum ₦100, meter type,
money types). Where the docs disagree (the airtime maximum is ₦1,000, ₦10,000 or ₦50,000
depending on the page; PIN lengths; education quantities) the server decides.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from dancity_sdk._wire import amount_to_wire
from shared_auth import InvalidInputError as _InvalidInputError
from shared_auth import InvalidInputTypeError as _InvalidInputTypeError
from shared_auth import Secret
from shared_auth._brand import branded

# The shared classes (``except dancity_sdk.InvalidInputError`` catches them), shown in
# tracebacks as ``dancity_sdk.InvalidInputError``: see shared_auth._brand.
if TYPE_CHECKING:
    InvalidInputError = _InvalidInputError
    InvalidInputTypeError = _InvalidInputTypeError
else:
    InvalidInputError = branded(_InvalidInputError, "dancity_sdk")
    InvalidInputTypeError = branded(_InvalidInputTypeError, "dancity_sdk")

__all__ = [
    "AIRTIME_MINIMUM",
    "BETTING_MINIMUM",
    "ELECTRICITY_MINIMUM",
    "METER_TYPES",
    "amount",
    "customer_ref",
    "meter_type",
    "optional_text",
    "phone",
    "pin",
    "positive_int",
    "text",
    "timestamp",
    "without_none",
]

_PHONE: Final = re.compile(r"0[0-9]{10}")
_DIGITS: Final = re.compile(r"[0-9]+")
METER_TYPES: Final = ("prepaid", "postpaid")
AIRTIME_MINIMUM: Final = Decimal(50)
ELECTRICITY_MINIMUM: Final = Decimal(500)
BETTING_MINIMUM: Final = Decimal(100)


def _type_error(field: str, expected: str, value: object) -> InvalidInputTypeError:
    msg = f"{field} must be {expected}, not {type(value).__name__}"
    return InvalidInputTypeError(msg, field=field)


def text(value: object, *, field: str) -> str:
    """A required, non-blank string, stripped."""
    if not isinstance(value, str):
        raise _type_error(field, "a str", value)
    stripped = value.strip()
    if not stripped:
        raise InvalidInputError(f"{field} must not be empty", field=field)
    return stripped


def optional_text(value: object, *, field: str) -> str | None:
    """A string that is sent only when given."""
    return None if value is None else text(value, field=field)


def phone(value: object, *, field: str = "phone") -> str:
    """An 11-digit Nigerian number starting with 0, e.g. ``08012345678``."""
    number = text(value, field=field)
    if not number.isascii() or _PHONE.fullmatch(number) is None:
        msg = (
            f"{field} must be an 11-digit Nigerian number starting with 0 (e.g. 08012345678), "
            f"without spaces or +234; got {len(number)} characters"
        )
        raise InvalidInputError(msg, field=field)
    return number


def amount(value: object, *, field: str = "amount", minimum: Decimal | None = None) -> int | float:
    """A money amount (``Decimal`` or ``int``), at least ``minimum``, as its JSON number."""
    wire = amount_to_wire(value, field=field)
    assert isinstance(value, int | Decimal)  # noqa: S101 - amount_to_wire checked it
    floor = Decimal(0) if minimum is None else minimum
    if value <= 0 or value < floor:
        bound = f"at least ₦{minimum}" if minimum is not None else "positive"
        raise InvalidInputError(f"{field} must be {bound}; got {value}", field=field)
    return wire


def meter_type(value: object, *, field: str = "meter_type") -> str:
    """``prepaid`` or ``postpaid``."""
    kind = text(value, field=field)
    if kind not in METER_TYPES:
        raise InvalidInputError(
            f"{field} must be 'prepaid' or 'postpaid'; got {kind!r}", field=field
        )
    return kind


def pin(value: object, *, field: str = "pin") -> str | None:
    """A transaction PIN (``str`` or :class:`Secret`), digits only; never shown in errors."""
    if value is None:
        return None
    plain = value.get_secret_value() if isinstance(value, Secret) else value
    if not isinstance(plain, str):
        raise _type_error(field, "a str or Secret of digits", value)
    # The docs disagree on the length (4 digits, 5 for internet), so only the charset is checked.
    if not plain.isascii() or _DIGITS.fullmatch(plain) is None:
        raise InvalidInputError(f"{field} must contain digits only", field=field)
    return plain


def positive_int(value: object, *, field: str) -> int:
    """A whole number of at least 1 (never ``bool``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field, "an int", value)
    if value < 1:
        raise InvalidInputError(f"{field} must be at least 1; got {value}", field=field)
    return value


def customer_ref(value: object) -> str:
    """The caller's ``customer_ref``, or a fresh ``sdk-<32 hex>`` one to reconcile by."""
    if value is None:
        return "sdk-" + uuid.uuid4().hex
    return text(value, field="customer_ref")


def timestamp(value: object, *, field: str) -> str:
    """An aware ``datetime`` (or an ISO-8601 string, sent as is) for a date filter."""
    if isinstance(value, str):
        return text(value, field=field)
    if not isinstance(value, datetime):
        raise _type_error(field, "an aware datetime or an ISO-8601 str", value)
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"{field} must be timezone-aware (e.g. datetime(..., tzinfo=UTC))"
        raise InvalidInputError(msg, field=field)
    return value.isoformat().replace("+00:00", "Z")


def without_none(values: Mapping[str, object]) -> dict[str, object]:
    """Drop the optional fields the caller did not give (they are never sent)."""
    return {key: value for key, value in values.items() if value is not None}
