"""Request-body validation that reports every failure at once, like the server's validator.

Messages follow the class-validator wording the errors guide quotes
(``"phone must be 11 digits"``, ``"amount must not be less than 50"``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Final

from dancity_sdk.testing._wire import validation_error

_PHONE: Final = re.compile(r"0[0-9]{10}")
_DIGITS: Final = re.compile(r"[0-9]+")
WALLET_TYPES: Final = ("main", "bonus")
#: Failures of the declared constraints (``_declared``) of the request being handled, which
#: the handler's own ``Fields.check`` reports together with its own, in one 400.
_DECLARED: ContextVar[list[str] | None] = ContextVar("dancity_sandbox_declared", default=None)


@contextmanager
def declared_failures(errors: list[str]) -> Iterator[list[str]]:
    """Hand ``errors`` to the next ``Fields.check`` of this request; yields what is left.

    Whatever no ``check`` took (a handler that reads no body) is left in the yielded list,
    for the caller to answer with the 400 itself.
    """
    pending = list(errors)
    token = _DECLARED.set(pending)
    try:
        yield pending
    finally:
        _DECLARED.reset(token)


class Fields:
    """Reads typed fields from a JSON object, collecting a message for each bad one."""

    def __init__(self, source: Mapping[str, object]) -> None:
        self._source = source
        self.errors: list[str] = []

    def text(self, name: str, *, required: bool = True, exact: bool = False) -> str:
        """A string field; ``""`` when absent or invalid (the error is recorded).

        Surrounding whitespace is dropped unless ``exact`` (a reference is kept as sent).
        """
        value = self._source.get(name)
        if value is None or value == "":
            if required:
                self.errors.append(f"{name} should not be empty")
            return ""
        if not isinstance(value, str):
            self.errors.append(f"{name} must be a string")
            return ""
        return value if exact else value.strip()

    def phone(self, name: str = "phone") -> str:
        """An 11-digit Nigerian number starting with 0."""
        value = self.text(name)
        if value and not _PHONE.fullmatch(value):
            self.errors.append(f"{name} must be 11 digits")
        return value

    def digits(self, name: str, *, required: bool = True) -> str:
        """A string of digits (account, meter and exam numbers)."""
        value = self.text(name, required=required)
        if value and not _DIGITS.fullmatch(value):
            self.errors.append(f"{name} must contain only digits")
        return value

    def number(self, name: str, *, minimum: Decimal, maximum: Decimal | None = None) -> Decimal:
        """A JSON number within bounds; ``0`` when absent or invalid."""
        value = self._source.get(name)
        if value is None:
            self.errors.append(f"{name} should not be empty")
            return Decimal(0)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.errors.append(f"{name} must be a number conforming to the specified constraints")
            return Decimal(0)
        amount = Decimal(value)
        if amount < minimum:
            self.errors.append(f"{name} must not be less than {minimum}")
        if maximum is not None and amount > maximum:
            self.errors.append(f"{name} must not be greater than {maximum}")
        return amount

    def integer(self, name: str, *, minimum: int, maximum: int) -> int:
        """A whole number within bounds; ``0`` when absent or invalid."""
        value = self._source.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors.append(f"{name} must be an integer number")
            return 0
        if value < minimum:
            self.errors.append(f"{name} must not be less than {minimum}")
        if value > maximum:
            self.errors.append(f"{name} must not be greater than {maximum}")
        return value

    def choice(self, name: str, options: Collection[str], *, default: str | None = None) -> str:
        """One of ``options``; ``default`` when absent (required when there is none)."""
        value = self.text(name, required=default is None) or default or ""
        if value and value not in options:
            allowed = ", ".join(options)
            self.errors.append(f"{name} must be one of the following values: {allowed}")
        return value

    def pin(self, name: str, *, length: int) -> str:
        """A transaction PIN of exactly ``length`` digits."""
        value = self.text(name)
        if value and not (len(value) == length and _DIGITS.fullmatch(value)):
            self.errors.append(f"{name} must be exactly {length} digits")
        return value

    def check(self) -> None:
        """Raise the 400 listing every failure, if there was one.

        The failures of the request's declared constraints (see ``declared_failures``) are
        listed after the handler's own, each once.

        Raises:
            ApiError: at least one field was invalid.
        """
        pending = _DECLARED.get()
        if pending:
            self.errors.extend(e for e in pending if e not in self.errors)
            pending.clear()
        if self.errors:
            raise validation_error(list(self.errors))
