"""dptcay's error classes: a real subclass of each shared error it exports.

``dptcay_sdk.NotFoundError`` subclasses `shared_auth.NotFoundError` and
``dptcay_sdk.APIStatusError``, so ``except`` works with either name and a traceback shows
``dptcay_sdk.NotFoundError``. The client hands ``ERRORS`` to its pipeline, which raises these
classes directly (see `shared_auth._errortable`).
"""

from __future__ import annotations

from typing import Final

import shared_auth as _shared
from shared_auth._errortable import ErrorTable

__all__ = [
    "ERRORS",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "MissingCredentialError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PaginationError",
    "PermissionDeniedError",
    "RateBudgetUnavailableError",
    "RateLimitError",
    "ResponseValidationError",
    "SDKError",
    "UnprocessableEntityError",
]


class SDKError(_shared.SDKError):
    """dptcay's `shared_auth.SDKError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class APIError(_shared.APIError, SDKError):
    """dptcay's `shared_auth.APIError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class APIConnectionError(_shared.APIConnectionError, APIError):
    """dptcay's `shared_auth.APIConnectionError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class APIStatusError(_shared.APIStatusError, APIError):
    """dptcay's `shared_auth.APIStatusError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class ClientClosedError(_shared.ClientClosedError, SDKError):
    """dptcay's `shared_auth.ClientClosedError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class ConfigurationError(_shared.ConfigurationError, SDKError):
    """dptcay's `shared_auth.ConfigurationError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class InvalidInputError(_shared.InvalidInputError, SDKError):
    """dptcay's `shared_auth.InvalidInputError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class OutcomeUnknownError(_shared.OutcomeUnknownError, APIError):
    """dptcay's `shared_auth.OutcomeUnknownError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class PaginationError(_shared.PaginationError, APIError):
    """dptcay's `shared_auth.PaginationError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class ResponseValidationError(_shared.ResponseValidationError, APIError):
    """dptcay's `shared_auth.ResponseValidationError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class APITimeoutError(_shared.APITimeoutError, APIConnectionError):
    """dptcay's `shared_auth.APITimeoutError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class AuthenticationError(_shared.AuthenticationError, APIStatusError):
    """dptcay's `shared_auth.AuthenticationError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class BadRequestError(_shared.BadRequestError, APIStatusError):
    """dptcay's `shared_auth.BadRequestError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class ConflictError(_shared.ConflictError, APIStatusError):
    """dptcay's `shared_auth.ConflictError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class InternalServerError(_shared.InternalServerError, APIStatusError):
    """dptcay's `shared_auth.InternalServerError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class MissingCredentialError(_shared.MissingCredentialError, ConfigurationError):
    """dptcay's `shared_auth.MissingCredentialError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class NotFoundError(_shared.NotFoundError, APIStatusError):
    """dptcay's `shared_auth.NotFoundError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class PermissionDeniedError(_shared.PermissionDeniedError, APIStatusError):
    """dptcay's `shared_auth.PermissionDeniedError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class RateLimitError(_shared.RateLimitError, APIStatusError):
    """dptcay's `shared_auth.RateLimitError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class UnprocessableEntityError(_shared.UnprocessableEntityError, APIStatusError):
    """dptcay's `shared_auth.UnprocessableEntityError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class InvalidInputTypeError(_shared.InvalidInputTypeError, InvalidInputError):
    """dptcay's `shared_auth.InvalidInputTypeError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


class RateBudgetUnavailableError(_shared.RateBudgetUnavailableError, SDKError):
    """dptcay's `shared_auth.RateBudgetUnavailableError` (``except`` either name)."""

    __module__ = "dptcay_sdk"


#: Shared class -> this SDK's class (its journal errors: ``dptcay_sdk._journal_errors``).
ERRORS: Final = ErrorTable(
    SDKError,
    APIError,
    APIConnectionError,
    APIStatusError,
    ClientClosedError,
    ConfigurationError,
    InvalidInputError,
    OutcomeUnknownError,
    PaginationError,
    RateBudgetUnavailableError,
    ResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    MissingCredentialError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    InvalidInputTypeError,
    later=("dptcay_sdk._journal_errors",),
)
