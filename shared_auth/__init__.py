"""Credentials, secrets, rate limits, errors and the request pipeline shared by both SDKs.

Users import the SDKs, which re-export what they need from here; this package never imports
an SDK.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from shared_auth._auth import JWTAuth, KeyAuth, TokenProvider
from shared_auth._client import (
    NOT_GIVEN,
    BaseAsyncClient,
    NotGiven,
    TimeoutArgument,
    resolve_policy,
    resolve_timeout,
    validate_base_url,
)
from shared_auth._decode import BODY, Decoder, Many, One, Raw
from shared_auth._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidInputError,
    InvalidInputTypeError,
    MissingCredentialError,
    NotFoundError,
    OutcomeUnknownError,
    PaginationError,
    PermissionDeniedError,
    RateBudgetUnavailableError,
    RateLimitError,
    ResponseValidationError,
    SDKError,
    UnprocessableEntityError,
    status_error_class,
)
from shared_auth._fast import aiohttp_http_client
from shared_auth._lazy import lazy_exports as _lazy_exports
from shared_auth._outcomes import (
    OUTCOMES,
    Action,
    Envelope,
    ErrorDetails,
    ErrorParser,
    Failure,
    RetryPolicy,
    Unreadable,
)
from shared_auth._pipeline import Pipeline
from shared_auth._ratelimit import RateLimit, parse_retry_after
from shared_auth._redact import SecretsFilter, install_log_redaction, redact
from shared_auth._reference import new_reference
from shared_auth._reply import Reply
from shared_auth._routes import CallFunction, Route, format_path
from shared_auth._secret import Secret, reveal
from shared_auth._throttle import Throttle
from shared_auth._tracing import disable_tracing, enable_tracing
from shared_auth._version import __version__ as __version__

__all__ = [
    "BODY",
    "NOT_GIVEN",
    "OUTCOMES",
    "APIConnectionError",
    "APIError",
    "APIObject",
    "APIStatusError",
    "APITimeoutError",
    "Action",
    "AuthenticationError",
    "BadRequestError",
    "BaseAsyncClient",
    "CallFunction",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "Decoder",
    "Envelope",
    "ErrorDetails",
    "ErrorParser",
    "Failure",
    "InternalServerError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "JWTAuth",
    "Journal",
    "JournalError",
    "JournalLostError",
    "JournalMissingError",
    "JournalUnavailableError",
    "JournalVolatileError",
    "KeyAuth",
    "Many",
    "MissingCredentialError",
    "NotFoundError",
    "NotGiven",
    "One",
    "OpenEnum",
    "OutcomeUnknownError",
    "PaginationError",
    "PermissionDeniedError",
    "Pipeline",
    "RateBudgetUnavailableError",
    "RateLimit",
    "RateLimitError",
    "Raw",
    "RecoveryReport",
    "Reply",
    "ResponseValidationError",
    "ResultList",
    "RetryPolicy",
    "Route",
    "SDKError",
    "Secret",
    "SecretsFilter",
    "SyncClient",
    "Throttle",
    "TimeoutArgument",
    "TokenProvider",
    "UnprocessableEntityError",
    "Unreadable",
    "aiohttp_http_client",
    "disable_tracing",
    "enable_tracing",
    "format_path",
    "install_log_redaction",
    "make_converter",
    "new_reference",
    "parse_retry_after",
    "redact",
    "resolve_policy",
    "resolve_timeout",
    "reveal",
    "status_error_class",
    "to_decimal",
    "unknown_outcome",
    "validate_base_url",
]

if _TYPE_CHECKING:
    from shared_auth._models import (
        APIObject,
        OpenEnum,
        ResultList,
        make_converter,
        to_decimal,
    )
    from shared_auth._sync import SyncClient, unknown_outcome
    from shared_auth.fleet import (
        Journal,
        JournalError,
        JournalLostError,
        JournalMissingError,
        JournalUnavailableError,
        JournalVolatileError,
        RecoveryReport,
    )

#: Names imported on first access (PEP 562), by the private module that defines them: what
#: only responses (the models) or the blocking twin (anyio's thread portal) need stays out of
#: an SDK's import.
_LAZY: dict[str, str] = {
    "APIObject": "shared_auth._models",
    "Journal": "shared_auth.fleet",
    "JournalError": "shared_auth.fleet",
    "JournalLostError": "shared_auth.fleet",
    "JournalMissingError": "shared_auth.fleet",
    "JournalUnavailableError": "shared_auth.fleet",
    "JournalVolatileError": "shared_auth.fleet",
    "OpenEnum": "shared_auth._models",
    "RecoveryReport": "shared_auth.fleet",
    "ResultList": "shared_auth._models",
    "SyncClient": "shared_auth._sync",
    "unknown_outcome": "shared_auth._sync",
    "make_converter": "shared_auth._models",
    "to_decimal": "shared_auth._models",
}


__getattr__, __dir__ = _lazy_exports(globals(), _LAZY, __all__)
