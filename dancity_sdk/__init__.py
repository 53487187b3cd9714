"""Async Python SDK for Dancity's merchant (VAS) API and first-party App API.

>>> from dancity_sdk import AsyncDancityClient  # doctest: +SKIP
>>> async with AsyncDancityClient(api_key="dcy_live_…") as dc:  # doctest: +SKIP
...     tx = await dc.vas.airtime.buy(product="MTN Airtime", phone="08012345678", amount=200)
...     if not tx.succeeded:  # a 200 can carry status FAILED or PENDING
...         ...

Webhook helpers live in :mod:`dancity_sdk.webhooks`.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from dancity_sdk._client import AsyncDancityClient
from dancity_sdk._errors import ReconcileTimeoutError
from dancity_sdk._models import (
    ExamPin,
    Pagination,
    Plan,
    Product,
    Service,
    Transaction,
    TransactionPage,
    TransactionStatus,
    TranxType,
    Validation,
    Wallet,
)
from shared_auth import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidInputError,
    InvalidInputTypeError,
    MissingCredentialError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimit,
    RateLimitError,
    ResponseValidationError,
    ResultList,
    RetryPolicy,
    SDKError,
    Secret,
    UnprocessableEntityError,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncDancityClient",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "DancityClient",
    "ExamPin",
    "InternalServerError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "MissingCredentialError",
    "NotFoundError",
    "OutcomeUnknownError",
    "Pagination",
    "PermissionDeniedError",
    "Plan",
    "Product",
    "RateLimit",
    "RateLimitError",
    "ReconcileTimeoutError",
    "ResponseValidationError",
    "ResultList",
    "RetryPolicy",
    "SDKError",
    "Secret",
    "Service",
    "Transaction",
    "TransactionPage",
    "TransactionStatus",
    "TranxType",
    "UnprocessableEntityError",
    "Validation",
    "Wallet",
]

if _TYPE_CHECKING:
    from dancity_sdk._sync import DancityClient


def __getattr__(name: str) -> object:
    # The blocking twin pulls in anyio's thread portal: imported on first use only, which
    # keeps ``import dancity_sdk`` cheap for the async majority.
    if name == "DancityClient":
        from dancity_sdk._sync import DancityClient  # noqa: PLC0415

        return DancityClient
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
