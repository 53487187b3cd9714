"""Argument checks made before any network I/O: types, formats and sanity bounds.

The bounds each generation's description declares on a field (airtime ₦50-₦1,000, a
5-character PIN for the 2026-04-27 ``internet.buy``, ``limit`` at most 100, every enum) are
not written here: they are attributes of the field's declaration in ``dancity_sdk._spec``
and ``dancity_sdk._bodies`` checks every one of them, so the client and the sandbox read
the same facts. What stays here holds in every generation (phone format, money types,
digits-only PINs, no stray whitespace).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Final

from dancity_sdk._exceptions import InvalidInputError, InvalidInputTypeError
from dancity_sdk._wire import amount_to_wire
from shared_auth import Secret
from shared_auth._reference import new_reference

__all__ = [
    "CHOICES",
    "KOBO",
    "MAXIMUM_AMOUNT",
    "MAX_LENGTHS",
    "MAX_TEXT_LENGTH",
    "METER_TYPES",
    "amount",
    "customer_ref",
    "meter_type",
    "optional_text",
    "phone",
    "pin",
    "positive_int",
    "seconds",
    "text",
    "timestamp",
    "without_none",
]

_PHONE: Final = re.compile(r"0[0-9]{10}")
#: Fields whose values the docs enumerate: the guides name the ``main`` and ``bonus``
#: wallets; the OpenAPI files type ``wallettype`` as a string defaulting to ``main``.
CHOICES: Final = {"wallettype": ("main", "bonus")}
#: Longest accepted strings; past these a value is a mistake, not a reference.
MAX_TEXT_LENGTH: Final = 256
MAX_LENGTHS: Final = {"customer_ref": 100, "address": 500, "query": 256}
MAX_PIN_LENGTH: Final = 12
MAX_COUNT: Final = 10_000
#: Anything from here up is a mistake (the largest purchase the docs mention is ₦50,000).
MAXIMUM_AMOUNT: Final = Decimal(10) ** 12
KOBO: Final = Decimal("0.01")
_LONGEST_WAIT: Final = 10**9
_ECHO: Final = 40
_DIGITS: Final = re.compile(r"[0-9]+")
METER_TYPES: Final = ("prepaid", "postpaid")


def _type_error(field: str, expected: str, value: object) -> InvalidInputTypeError:
    msg = f"{field} must be {expected}, not {type(value).__name__}"
    return InvalidInputTypeError(msg, field=field)


def text(value: object, *, field: str) -> str:
    """A required, non-blank string of a sensible length, sent exactly as given.

    Leading or trailing whitespace is refused, not stripped: ``'08012345678 '`` or
    ``' MTN '`` usually comes from input that was read carelessly, and quietly sending a
    different value than the caller passed hides that. Fields with documented values
    (``wallettype``) accept only those.
    """
    if not isinstance(value, str):
        raise _type_error(field, "a str", value)
    if not value.strip():
        raise InvalidInputError(f"{field} must not be empty", field=field)
    limit = MAX_LENGTHS.get(field, MAX_TEXT_LENGTH)
    if len(value) > limit:
        msg = f"{field} is {len(value)} characters long; at most {limit} are accepted"
        raise InvalidInputError(msg, field=field)
    if value != value.strip():
        msg = (
            f"{field} has leading or trailing whitespace ({value[:40]!r}); it is refused rather "
            f"than changed: pass {value.strip()[:40]!r} if that is what you mean"
        )
        raise InvalidInputError(msg, field=field)
    allowed = CHOICES.get(field)
    if allowed is not None and value not in allowed:
        msg = f"{field} must be one of {', '.join(map(repr, allowed))}; got {value[:40]!r}"
        raise InvalidInputError(msg, field=field)
    return value


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
    """A money amount (``Decimal`` or ``int``), at least ``minimum``, as its JSON number.

    Naira have two decimal places (kobo); more is refused, as is anything from
    `MAXIMUM_AMOUNT` up. The size is checked first, in constant time
    (``adjusted()``, an int comparison), so ``Decimal("1e1000000")`` or a 5,000-digit int
    is refused at once instead of being converted.
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        amount_to_wire(value, field=field)  # raises its InvalidInputTypeError
    assert isinstance(value, int | Decimal)  # noqa: S101 - checked just above
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidInputError(f"{field} must be a finite amount; got {value}", field=field)
    floor = Decimal(0) if minimum is None else minimum
    if value <= 0 or value < floor:
        bound = f"at least ₦{minimum}" if minimum is not None else "positive"
        raise InvalidInputError(f"{field} must be {bound}; got {_shown(value)}", field=field)
    if value >= MAXIMUM_AMOUNT:
        msg = f"{field} is too large: amounts below ₦{MAXIMUM_AMOUNT:,} are accepted"
        raise InvalidInputError(msg, field=field)
    if isinstance(value, Decimal) and value != value.quantize(KOBO):
        msg = (
            f"{field}={_shown(value)} has more than 2 decimal places (kobo); round it first, e.g. "
            f"{field}.quantize(Decimal('0.01'))"
        )
        raise InvalidInputError(msg, field=field)
    return amount_to_wire(value, field=field)


def _shown(value: int | Decimal) -> str:
    """The value for a message, cut short: a 5,000-digit int cannot even be printed."""
    # copy_abs() is exact; abs() rounds to the context and overflows on 1e1000000.
    magnitude = value.copy_abs() if isinstance(value, Decimal) else abs(value)
    if magnitude >= MAXIMUM_AMOUNT:
        return "a number far out of range"
    text = str(value)
    return text if len(text) <= _ECHO else f"{text[:_ECHO]}…"


def meter_type(value: object, *, field: str = "meter_type") -> str:
    """``prepaid`` or ``postpaid``."""
    kind = text(value, field=field)
    if kind not in METER_TYPES:
        raise InvalidInputError(
            f"{field} must be 'prepaid' or 'postpaid'; got {kind!r}", field=field
        )
    return kind


def pin(value: object, *, field: str = "pin") -> str | None:
    """A transaction PIN (``str`` or `Secret`), digits only; never shown in errors."""
    if value is None:
        return None
    plain = value.get_secret_value() if isinstance(value, Secret) else value
    if not isinstance(plain, str):
        raise _type_error(field, "a str or Secret of digits", value)
    # Lengths are per generation and operation (the 2026-04-27 internet.buy declares exactly
    # 5 characters): _bodies checks the declared ones.
    if not plain.isascii() or _DIGITS.fullmatch(plain) is None:
        raise InvalidInputError(f"{field} must contain digits only", field=field)
    if len(plain) > MAX_PIN_LENGTH:
        raise InvalidInputError(f"{field} has more than {MAX_PIN_LENGTH} digits", field=field)
    return plain


def positive_int(value: object, *, field: str) -> int:
    """A whole number of at least 1 (never ``bool``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field, "an int", value)
    if value < 1:
        shown = value if value > -MAX_COUNT else "a large negative number"
        raise InvalidInputError(f"{field} must be at least 1; got {shown}", field=field)
    if value > MAX_COUNT:
        raise InvalidInputError(f"{field} must be at most {MAX_COUNT}", field=field)
    return value


def seconds(value: object, *, field: str, positive: bool = True) -> float:
    """A finite number of seconds, above 0 (or at least 0 when ``positive`` is false)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _type_error(field, "a number of seconds", value)
    # float() of a 5,000-digit int overflows; anything that large is refused anyway.
    number = math.inf if isinstance(value, int) and abs(value) > _LONGEST_WAIT else float(value)
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        bound = "above 0" if positive else "at least 0"
        msg = f"{field} must be a finite number of seconds {bound}; got {value!r}"
        raise InvalidInputError(msg, field=field)
    return number


def customer_ref(value: object) -> str:
    """The caller's ``customer_ref``, or a fresh ``sdk-<32 hex>`` one to reconcile by."""
    if value is None:
        return new_reference()
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


def optional_bool(value: object, *, field: str) -> bool | None:
    """A flag that is sent only when given (``True``/``False``, never a truthy stand-in)."""
    if value is None or isinstance(value, bool):
        return value
    raise _type_error(field, "a bool", value)


def optional_positive_int(value: object, *, field: str) -> int | None:
    """A whole number of at least 1, sent only when given."""
    return None if value is None else positive_int(value, field=field)


def optional_timestamp(value: object, *, field: str) -> str | None:
    """An aware ``datetime`` or ISO-8601 string, sent only when given."""
    return None if value is None else timestamp(value, field=field)
