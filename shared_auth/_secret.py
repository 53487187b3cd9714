"""A string that keeps its value out of reprs, logs and tracebacks."""

from __future__ import annotations

import hmac
from typing import Final, final

from shared_auth._credentials import credential_formats

__all__ = ["Secret", "reveal"]

#: Below this length even the last four characters say too much (a PIN is four digits).
_MIN_LENGTH_FOR_TAIL: Final = 16
_ELLIPSIS: Final = "…"


@final
class Secret:
    """An API key, token, webhook secret or PIN.

    ``repr()``, ``str()`` and f-strings show a redacted form: a well-known prefix such as
    ``dcy_live_`` and at most the last four characters. Call
    [`get_secret_value`][shared_auth.Secret.get_secret_value] where the real value is needed (the
    SDK does so only when it builds a request).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        checked: object = value  # callers without type checking may pass anything
        if not isinstance(checked, str):
            msg = f"a secret must be a str, not {type(checked).__name__}"
            raise TypeError(msg)
        self._value = checked

    def get_secret_value(self) -> str:
        """Return the real value."""
        return self._value

    @property
    def redacted(self) -> str:
        """What may be shown: a known prefix and, for long values, the last 4 characters."""
        return redact_value(self._value)

    def __repr__(self) -> str:
        return f"Secret('{self.redacted}')"

    def __str__(self) -> str:
        return self.redacted

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(self._value)

    def __len__(self) -> int:
        return len(self._value)


def redact_value(value: str) -> str:
    """Redact one whole credential value (see [`Secret`][shared_auth.Secret])."""
    # A registered prefix is safe to show: it says what kind of credential it is, not which.
    prefix = next((f.prefix for f in credential_formats() if value.startswith(f.prefix)), "")
    if len(value) < _MIN_LENGTH_FOR_TAIL:
        return f"{prefix}{_ELLIPSIS}" if prefix else "****"
    return f"{prefix}{_ELLIPSIS}{value[-4:]}"


def reveal(value: str | Secret) -> str:
    """Return the plain value of a secret given either as ``str`` or as `Secret`."""
    return value.get_secret_value() if isinstance(value, Secret) else value
