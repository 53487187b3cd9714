"""Checks on request arguments, run before any network I/O.

Each check names the argument and says how to fix it. Request-side enums are strict
(an unknown event type or scope is refused here), unlike response enums, which are open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Context, Decimal
from typing import Any, Final
from urllib.parse import urlsplit

from dptcay_sdk._exceptions import InvalidInputError, InvalidInputTypeError
from dptcay_sdk._models import EventType, KeyScope
from dptcay_sdk._spec import KEY_FORMAT, KEY_PATTERN
from shared_auth import Secret

__all__ = [
    "ASSET_DECIMALS",
    "MAX_DECIMALS",
    "MAX_INTEGER_DIGITS",
    "MAX_LENGTHS",
    "check_amount",
    "check_event_types",
    "check_expires_in",
    "check_key",
    "check_metadata",
    "check_scope",
    "check_text",
    "check_webhook_url",
    "optional_text",
]

_KNOWN_EVENTS: Final = tuple(e.value for e in EventType)
_SCOPES: Final = tuple(s.value for s in KeyScope)
_CURRENCY: Final = re.compile(r"[A-Z0-9]{2,10}")

#: Decimal places of each asset the dptcay docs and catalogue list (BTC counts satoshis,
#: USDC micro-dollars…). An asset missing here is still accepted, up to ``MAX_DECIMALS``.
ASSET_DECIMALS: Final[Mapping[str, int]] = {
    "BTC": 8,
    "ETH": 18,
    "LTC": 8,
    "SOL": 9,
    "USDC": 6,
    "USDT": 6,
}
MAX_DECIMALS: Final = max(ASSET_DECIMALS.values())
#: No payment needs more: 10**15 BTC is far beyond every coin ever minted.
MAX_INTEGER_DIGITS: Final = 15
_LARGEST: Final = 10**MAX_INTEGER_DIGITS
_SLACK: Final = 20  # trailing zeros a caller may write (Decimal("1.500000…"))
#: Longest accepted values: generous for any real use, small enough to stop a mistake
#: (a whole file pasted as an order id) before it is sent.
MAX_LENGTHS: Final[Mapping[str, int]] = {
    "currency": 10,
    "network": 40,
    "order_id": 255,
    "payment_id": 255,
    "label": 255,
    "description": 1000,
    "reason": 1000,
    "url": 2048,
}
_DEFAULT_MAX_LENGTH: Final = 1000
_IDENTIFIERS: Final = frozenset({"currency", "network", "order_id", "payment_id", "url"})
MAX_METADATA_KEYS: Final = 50
MAX_METADATA_KEY_LENGTH: Final = 40
MAX_METADATA_VALUE_LENGTH: Final = 500
MAX_EXPIRES_IN: Final = 30 * 24 * 3600
_ECHO: Final = 40


def check_amount(value: object, *, name: str, currency: str | None = None) -> str:
    """Return a positive, finite amount as the contract's plain decimal string.

    The checks run in an order that keeps their cost constant, whatever the caller sends:
    the magnitude (``adjusted()``) and the number of digits are read before anything
    converts or rounds the value, so ``Decimal("1e1000000")`` or a 100 kB ``Decimal`` is
    refused at once instead of costing seconds of CPU.

    Args:
        value: The caller's amount.
        name: The argument's name, for messages.
        currency: The asset, when known: its number of decimal places is the limit
            (`ASSET_DECIMALS`); otherwise the largest any asset has.

    Raises:
        InvalidInputTypeError: ``value`` is a float, a bool or not a number at all.
        InvalidInputError: ``value`` is not finite, not above zero, too large, or has more
            decimal places than the asset.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        kind = type(value).__name__
        why = " (binary floats cannot hold most cent values exactly)" if kind == "float" else ""
        msg = (
            f"{name} must be a Decimal or an int, not {kind}{why}: pass Decimal('125.50') or an int"
        )
        raise InvalidInputTypeError(msg, field=name)
    if isinstance(value, int):
        _check_whole(value, name=name)  # before Decimal(value): that is quadratic in digits
        return str(value)
    if not value.is_finite():
        msg = f"{name} must be a finite number; got {value}"
        raise InvalidInputError(msg, field=name)
    if value <= 0:
        msg = f"{name} must be greater than 0; got {_short(value)}"
        raise InvalidInputError(msg, field=name)
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        msg = f"{name} is too large: at most {MAX_INTEGER_DIGITS} digits before the point"
        raise InvalidInputError(msg, field=name)
    places = ASSET_DECIMALS.get(currency or "", MAX_DECIMALS)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # noqa: S101 - a finite Decimal has an int exponent
    if -exponent > places and not _zeros_after(value, places):
        owner = currency if currency in ASSET_DECIMALS else "any asset"
        msg = (
            f"{name}={_short(value)} has more than {places} decimal places, the most {owner} "
            f"has; round it first, e.g. {name}.quantize(Decimal('1e-{places}'))"
        )
        raise InvalidInputError(msg, field=name)
    return format(value, "f")


def _check_whole(value: int, *, name: str) -> None:
    if value <= 0:
        msg = f"{name} must be greater than 0; got {value if value > -(10**20) else 'a negative'}"
        raise InvalidInputError(msg, field=name)
    if value >= _LARGEST:  # an int comparison costs no more than its size: cheap
        msg = f"{name} is too large: at most {MAX_INTEGER_DIGITS} digits before the point"
        raise InvalidInputError(msg, field=name)


def _zeros_after(value: Decimal, places: int) -> bool:
    """Whether only zeros follow decimal place ``places`` (``1.500`` has 1 real place)."""
    digits = value.as_tuple().digits
    if len(digits) > MAX_INTEGER_DIGITS + MAX_DECIMALS + _SLACK:  # not worth looking at
        return False
    exact = Context(prec=len(digits) + 1)  # the default 28 digits would round (or raise)
    return value == value.quantize(Decimal(1).scaleb(-places), context=exact)


def _short(value: Decimal) -> str:
    text = str(value)
    return text if len(text) <= _ECHO else f"{text[:_ECHO]}…"


def check_text(value: object, *, name: str, example: str) -> str:
    """Return a required, non-blank string argument of a sensible length.

    Identifiers (``currency``, ``network``, ``order_id``, ``payment_id``…) with leading or
    trailing whitespace are refused rather than stripped: ``' USDC '`` or ``'A-1 '``
    usually means the value was read from somewhere that left it there, and sending a
    silently different value is worse than saying so.
    """
    return _text(
        value, name=name, kind=f"a str such as {example!r}", instead=f"pass e.g. {example!r}"
    )


def _text(value: object, *, name: str, kind: str, instead: str) -> str:
    """``value`` if it is a non-blank string of an accepted shape; else say what to pass."""
    if not isinstance(value, str):
        msg = f"{name} must be {kind}, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field=name)
    if not value.strip():
        msg = f"{name} must not be empty or blank; {instead}"
        raise InvalidInputError(msg, field=name)
    _check_shape(value, name=name)
    return value


def _check_shape(value: str, *, name: str) -> None:
    limit = MAX_LENGTHS.get(name, _DEFAULT_MAX_LENGTH)
    if len(value) > limit:
        msg = f"{name} is {len(value)} characters long; at most {limit} are accepted"
        raise InvalidInputError(msg, field=name)
    if name in _IDENTIFIERS and value != value.strip():
        msg = (
            f"{name} has leading or trailing whitespace ({value[:40]!r}); it is refused rather "
            f"than changed: pass {value.strip()[:40]!r} if that is what you mean"
        )
        raise InvalidInputError(msg, field=name)
    if name == "currency" and _CURRENCY.fullmatch(value) is None:
        msg = (
            f"currency must be an asset code of 2 to 10 upper-case letters or digits such as "
            f"'USDC' or 'BTC'; got {value[:40]!r}"
        )
        raise InvalidInputError(msg, field=name)


def optional_text(body: dict[str, Any], name: str, value: object) -> None:
    """Add an optional string argument to ``body`` only when it was given."""
    if value is not None:
        body[name] = _text(
            value, name=name, kind="a str or None", instead="leave it out (None) instead"
        )


def check_metadata(value: object) -> dict[str, str]:
    """Return ``metadata`` as a plain ``str → str`` dict of bounded size."""
    if not isinstance(value, Mapping):
        msg = f"metadata must be a mapping of str to str, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field="metadata")
    if len(value) > MAX_METADATA_KEYS:
        msg = f"metadata has {len(value)} entries; at most {MAX_METADATA_KEYS} are accepted"
        raise InvalidInputError(msg, field="metadata")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            msg = (
                f"metadata must map str to str; the entry {_echo(key)} is "
                f"{type(key).__name__} → {type(item).__name__}: convert values with str()"
            )
            raise InvalidInputTypeError(msg, field="metadata")
        if len(key) > MAX_METADATA_KEY_LENGTH or len(item) > MAX_METADATA_VALUE_LENGTH:
            msg = (
                f"metadata entry {_echo(key)} is too long: keys take at most "
                f"{MAX_METADATA_KEY_LENGTH} characters, values {MAX_METADATA_VALUE_LENGTH}"
            )
            raise InvalidInputError(msg, field="metadata")
    return dict(value)


def _echo(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _ECHO else f"{text[:_ECHO]}…"


def check_expires_in(value: object) -> int:
    """Return ``expires_in`` as a positive whole number of seconds."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expires_in must be an int number of seconds, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field="expires_in")
    if not 0 < value <= MAX_EXPIRES_IN:
        msg = (
            f"expires_in must be a positive number of seconds, at most {MAX_EXPIRES_IN} "
            f"(30 days); got {value if abs(value) < 10**20 else 'a huge number'}"
        )
        raise InvalidInputError(msg, field="expires_in")
    return value


def check_webhook_url(value: object) -> str:
    """Return an absolute ``https://`` URL (the API delivers events only over TLS)."""
    url = check_text(value, name="url", example="https://example.com/hooks/dptcay")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme != "https" or not host:
        msg = (
            f"url must be an absolute https:// URL such as 'https://example.com/hook'; got {url!r}"
        )
        raise InvalidInputError(msg, field="url")
    return url


def check_event_types(value: object) -> list[str]:
    """Return the event types as strings, refusing any this SDK does not know."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = (
            f"events must be a list of event types such as ['payment.completed'], not "
            f"{type(value).__name__}"
        )
        raise InvalidInputTypeError(msg, field="events")
    events = list(dict.fromkeys(value))
    if not events:
        msg = "events must not be empty; leave it out (None) to receive every event type"
        raise InvalidInputError(msg, field="events")
    unknown = [e for e in events if not isinstance(e, str) or e not in _KNOWN_EVENTS]
    if unknown:
        msg = f"events has unknown event type(s) {unknown!r}; known: {', '.join(_KNOWN_EVENTS)}"
        raise InvalidInputError(msg, field="events")
    return [str(e) for e in events]


def check_scope(value: object) -> str:
    """Return a key scope: ``"read"`` or ``"write"``."""
    if value not in _SCOPES:
        msg = f"scope must be one of {', '.join(map(repr, _SCOPES))}; got {value!r}"
        raise InvalidInputError(msg, field="scope")
    return str(value)


def check_key(value: object) -> str:
    """Return the plain value of a dptcay key given as ``str`` or [`Secret`][dptcay_sdk.Secret].

    The value is never echoed: a malformed key may still be a secret.
    """
    plain = value.get_secret_value() if isinstance(value, Secret) else value
    if not isinstance(plain, str):
        msg = f"key must be a str or Secret, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field="key")
    if KEY_PATTERN.fullmatch(plain) is None:
        msg = f"key must be a dptcay API key ({KEY_FORMAT}); the value given is not one"
        raise InvalidInputError(msg, field="key")
    return plain
