"""The credential formats each SDK registers, for `Secret`'s redacted form and log masking.

The floor knows one format of its own (JWTs); every SDK registers its keys' formats when it
is imported, so the floor names no SDK and still masks every key an SDK can send.
"""

from __future__ import annotations

import threading
from typing import Final

import attrs

__all__ = [
    "CredentialFormat",
    "credential_formats",
    "credential_loggers",
    "describe_credential",
    "register_credentials",
]


@attrs.frozen
class CredentialFormat:
    """One kind of credential: the prefix that may be shown, and the text that is secret.

    Attributes:
        prefix: What every such credential starts with; safe to show (it says what kind of
            credential it is, not which one).
        pattern: A regular expression matching the whole credential, prefix included (match
            malformed ones too: a wrong key is still secret).
        label: What such a credential is, for a message that refuses one where another kind
            belongs (``"a JWT"``); empty: messages only give its length.
    """

    prefix: str
    pattern: str
    label: str = ""


#: Compact JWTs: three base64url parts, the header always starting ``eyJ`` (``{"``).
JWT: Final = CredentialFormat(
    "eyJ", r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*", label="a JWT"
)

_LOCK: Final = threading.Lock()
_FORMATS: tuple[CredentialFormat, ...] = (JWT,)
_LOGGERS: tuple[str, ...] = ()


def register_credentials(*formats: CredentialFormat, logger: str | None = None) -> None:
    """Mask ``formats`` in text and logs from now on, and protect ``logger``'s records too."""
    global _FORMATS, _LOGGERS  # noqa: PLW0603 - replaced whole, so readers need no lock
    with _LOCK:
        _FORMATS = (*_FORMATS, *(f for f in formats if f not in _FORMATS))
        if logger is not None and logger not in _LOGGERS:
            _LOGGERS = (*_LOGGERS, logger)


def credential_formats() -> tuple[CredentialFormat, ...]:
    """Every format registered so far (the same tuple until the next registration)."""
    return _FORMATS


def credential_loggers() -> tuple[str, ...]:
    """The loggers the registering packages asked to protect."""
    return _LOGGERS


def describe_credential(value: object) -> str:
    """Say what a wrong credential looks like without showing it.

    A value that starts like a registered credential is named by its format's label and
    prefix (``"a JWT (eyJ…)"``); anything else by its type or length only.
    """
    if not isinstance(value, str):
        return f"a {type(value).__name__}"
    if value != value.strip():
        return "a value with leading or trailing whitespace"
    for form in _FORMATS:
        if form.label and value.startswith(form.prefix):
            return f"{form.label} ({form.prefix}…)"
    return f"a {len(value)}-character value"
