"""Dancity's journal error classes, loaded with the journal (``shared_auth.fleet``)."""

from __future__ import annotations

from dancity_sdk._exceptions import ERRORS, SDKError
from shared_auth import fleet as _fleet

__all__ = [
    "JournalError",
    "JournalLostError",
    "JournalMissingError",
    "JournalUnavailableError",
    "JournalVolatileError",
]


class JournalError(_fleet.JournalError, SDKError):
    """Dancity's `shared_auth.fleet.JournalError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class JournalLostError(_fleet.JournalLostError, JournalError):
    """Dancity's `shared_auth.fleet.JournalLostError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class JournalMissingError(_fleet.JournalMissingError, JournalError):
    """Dancity's `shared_auth.fleet.JournalMissingError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class JournalUnavailableError(_fleet.JournalUnavailableError, JournalError):
    """Dancity's `shared_auth.fleet.JournalUnavailableError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class JournalVolatileError(_fleet.JournalVolatileError, JournalError):
    """Dancity's `shared_auth.fleet.JournalVolatileError` (``except`` either name)."""

    __module__ = "dancity_sdk"


ERRORS.add(
    JournalError,
    JournalLostError,
    JournalMissingError,
    JournalUnavailableError,
    JournalVolatileError,
)
