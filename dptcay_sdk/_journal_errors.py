"""dptcay's journal error classes, loaded with the journal (``shared_auth.fleet``)."""

from __future__ import annotations

from dptcay_sdk._exceptions import ERRORS, SDKError
from shared_auth import fleet as _fleet

__all__ = [
    "JournalError",
    "JournalLostError",
    "JournalMissingError",
    "JournalUnavailableError",
    "JournalVolatileError",
]


class JournalError(_fleet.JournalError, SDKError):
    """dptcay's `shared_auth.fleet.JournalError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class JournalLostError(_fleet.JournalLostError, JournalError):
    """dptcay's `shared_auth.fleet.JournalLostError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class JournalMissingError(_fleet.JournalMissingError, JournalError):
    """dptcay's `shared_auth.fleet.JournalMissingError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class JournalUnavailableError(_fleet.JournalUnavailableError, JournalError):
    """dptcay's `shared_auth.fleet.JournalUnavailableError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class JournalVolatileError(_fleet.JournalVolatileError, JournalError):
    """dptcay's `shared_auth.fleet.JournalVolatileError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


ERRORS.add(
    JournalError,
    JournalLostError,
    JournalMissingError,
    JournalUnavailableError,
    JournalVolatileError,
)
