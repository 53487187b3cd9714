"""Dancity's error classes: a real subclass of each shared error it exports.

``dancity_sdk.NotFoundError`` subclasses `shared_auth.NotFoundError` and
``dancity_sdk.APIStatusError``, so ``except`` works with either name and a traceback shows
``dancity_sdk.NotFoundError``. The client hands ``ERRORS`` to its pipeline, which raises these
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
    """Dancity's `shared_auth.SDKError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class APIError(_shared.APIError, SDKError):
    """Dancity's `shared_auth.APIError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class APIConnectionError(_shared.APIConnectionError, APIError):
    """Dancity's `shared_auth.APIConnectionError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class APIStatusError(_shared.APIStatusError, APIError):
    """Dancity's `shared_auth.APIStatusError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class ClientClosedError(_shared.ClientClosedError, SDKError):
    """Dancity's `shared_auth.ClientClosedError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class ConfigurationError(_shared.ConfigurationError, SDKError):
    """Dancity's `shared_auth.ConfigurationError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class InvalidInputError(_shared.InvalidInputError, SDKError):
    """Dancity's `shared_auth.InvalidInputError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class OutcomeUnknownError(_shared.OutcomeUnknownError, APIError):
    """Dancity's `shared_auth.OutcomeUnknownError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class PaginationError(_shared.PaginationError, APIError):
    """Dancity's `shared_auth.PaginationError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class ResponseValidationError(_shared.ResponseValidationError, APIError):
    """Dancity's `shared_auth.ResponseValidationError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class APITimeoutError(_shared.APITimeoutError, APIConnectionError):
    """Dancity's `shared_auth.APITimeoutError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class AuthenticationError(_shared.AuthenticationError, APIStatusError):
    """Dancity's `shared_auth.AuthenticationError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class BadRequestError(_shared.BadRequestError, APIStatusError):
    """Dancity's `shared_auth.BadRequestError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class ConflictError(_shared.ConflictError, APIStatusError):
    """Dancity's `shared_auth.ConflictError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class InternalServerError(_shared.InternalServerError, APIStatusError):
    """Dancity's `shared_auth.InternalServerError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class MissingCredentialError(_shared.MissingCredentialError, ConfigurationError):
    """Dancity's `shared_auth.MissingCredentialError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class NotFoundError(_shared.NotFoundError, APIStatusError):
    """Dancity's `shared_auth.NotFoundError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class PermissionDeniedError(_shared.PermissionDeniedError, APIStatusError):
    """Dancity's `shared_auth.PermissionDeniedError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class RateLimitError(_shared.RateLimitError, APIStatusError):
    """Dancity's `shared_auth.RateLimitError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class UnprocessableEntityError(_shared.UnprocessableEntityError, APIStatusError):
    """Dancity's `shared_auth.UnprocessableEntityError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class InvalidInputTypeError(_shared.InvalidInputTypeError, InvalidInputError):
    """Dancity's `shared_auth.InvalidInputTypeError` (``except`` either name)."""

    __module__ = "dancity_sdk"


class RateBudgetUnavailableError(_shared.RateBudgetUnavailableError, SDKError):
    """Dancity's `shared_auth.RateBudgetUnavailableError` (``except`` either name)."""

    __module__ = "dancity_sdk"


#: Shared class -> this SDK's class (its journal errors: ``dancity_sdk._journal_errors``).
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
    later=("dancity_sdk._journal_errors",),
)
