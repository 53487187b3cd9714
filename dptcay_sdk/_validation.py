"""Checks on request arguments, run before any network I/O.

Each check names the argument and says how to fix it. Request-side enums are strict
(an unknown event type or scope is refused here), unlike response enums, which are open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from dptcay_sdk._models import EventType, KeyScope
from shared_auth import InvalidInputError as _InvalidInputError
from shared_auth import InvalidInputTypeError as _InvalidInputTypeError
from shared_auth import Secret
from shared_auth._brand import branded

# The shared classes (``except dptcay_sdk.InvalidInputError`` catches them), shown in
# tracebacks as ``dptcay_sdk.InvalidInputError``: see shared_auth._brand.
if TYPE_CHECKING:
    InvalidInputError = _InvalidInputError
    InvalidInputTypeError = _InvalidInputTypeError
else:
    InvalidInputError = branded(_InvalidInputError, "dptcay_sdk")
    InvalidInputTypeError = branded(_InvalidInputTypeError, "dptcay_sdk")

__all__ = [
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
_KEY: Final = re.compile(r"dp_(?:live|test)_sk_[A-Za-z0-9]{16,}")


def check_amount(value: object, *, name: str) -> str:
    """Return a positive, finite amount as the contract's plain decimal string.

    Raises:
        InvalidInputTypeError: ``value`` is a float, a bool or not a number at all.
        InvalidInputError: ``value`` is not finite or not above zero.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        kind = type(value).__name__
        why = " (binary floats cannot hold most cent values exactly)" if kind == "float" else ""
        msg = (
            f"{name} must be a Decimal or an int, not {kind}{why}: pass Decimal('125.50') or an int"
        )
        raise InvalidInputTypeError(msg, field=name)
    amount = Decimal(value)
    if not amount.is_finite():
        msg = f"{name} must be a finite number; got {value}"
        raise InvalidInputError(msg, field=name)
    if amount <= 0:
        msg = f"{name} must be greater than 0; got {value}"
        raise InvalidInputError(msg, field=name)
    return format(amount, "f")


def check_text(value: object, *, name: str, example: str) -> str:
    """Return a required, non-blank string argument."""
    if not isinstance(value, str):
        msg = f"{name} must be a str such as {example!r}, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field=name)
    if not value.strip():
        msg = f"{name} must not be empty or blank; pass e.g. {example!r}"
        raise InvalidInputError(msg, field=name)
    return value


def optional_text(body: dict[str, Any], name: str, value: object) -> None:
    """Add an optional string argument to ``body`` only when it was given."""
    if value is None:
        return
    if not isinstance(value, str):
        msg = f"{name} must be a str or None, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field=name)
    if not value.strip():
        msg = f"{name} must not be empty or blank; leave it out (None) instead"
        raise InvalidInputError(msg, field=name)
    body[name] = value


def check_metadata(value: object) -> dict[str, str]:
    """Return ``metadata`` as a plain ``str → str`` dict."""
    if not isinstance(value, Mapping):
        msg = f"metadata must be a mapping of str to str, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field="metadata")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            msg = (
                f"metadata must map str to str; the entry {key!r} is "
                f"{type(key).__name__} → {type(item).__name__}: convert values with str()"
            )
            raise InvalidInputTypeError(msg, field="metadata")
    return dict(value)


def check_expires_in(value: object) -> int:
    """Return ``expires_in`` as a positive whole number of seconds."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expires_in must be an int number of seconds, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field="expires_in")
    if value <= 0:
        msg = f"expires_in must be a positive number of seconds; got {value}"
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
    """Return the plain value of a dptcay key given as ``str`` or :class:`Secret`.

    The value is never echoed: a malformed key may still be a secret.
    """
    plain = value.get_secret_value() if isinstance(value, Secret) else value
    if not isinstance(plain, str):
        msg = f"key must be a str or Secret, not {type(value).__name__}"
        raise InvalidInputTypeError(msg, field="key")
    if _KEY.fullmatch(plain) is None:
        msg = (
            "key must be a dptcay API key ('dp_live_sk_…' or 'dp_test_sk_…' followed by at "
            "least 16 letters or digits); the value given is not one"
        )
        raise InvalidInputError(msg, field="key")
    return plain
