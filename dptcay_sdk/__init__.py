"""An async-first client for the dptcay crypto-payments API.

::

    from decimal import Decimal
    from dptcay_sdk import AsyncDptcayClient

    async with AsyncDptcayClient.from_env() as dp:
        payment = await dp.payments.create(amount=Decimal("125.50"), currency="USDC")
        payment = await dp.payments.get(payment.id)

A stateful fake of the API for tests and demos lives in :mod:`dptcay_sdk.testing`
(extra ``sandbox``).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from dptcay_sdk._client import DEFAULT_BASE_URL, VERSION, AsyncDptcayClient, RatePlanName
from dptcay_sdk._errors import KeyRotationError
from dptcay_sdk._models import (
    ApiKey,
    Currency,
    Event,
    EventType,
    KeyScope,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    RevokedKey,
    WebhookEndpoint,
)
from dptcay_sdk._resources import Currencies, Keys, Payments, Refunds, Webhooks
from dptcay_sdk._webhooks import parse_event
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

__version__ = VERSION

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ApiKey",
    "AsyncDptcayClient",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "Currencies",
    "Currency",
    "DptcayClient",
    "Event",
    "EventType",
    "InternalServerError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "KeyRotationError",
    "KeyScope",
    "Keys",
    "MissingCredentialError",
    "NotFoundError",
    "OutcomeUnknownError",
    "Payment",
    "PaymentStatus",
    "Payments",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitError",
    "RatePlanName",
    "Refund",
    "RefundStatus",
    "Refunds",
    "ResponseValidationError",
    "ResultList",
    "RetryPolicy",
    "RevokedKey",
    "SDKError",
    "Secret",
    "UnprocessableEntityError",
    "WebhookEndpoint",
    "Webhooks",
    "parse_event",
]

if _TYPE_CHECKING:
    from dptcay_sdk._sync import DptcayClient


def __getattr__(name: str) -> object:
    # The blocking twin pulls in anyio's thread portal: imported on first use only, which
    # keeps ``import dptcay_sdk`` cheap for the async majority.
    if name == "DptcayClient":
        from dptcay_sdk._sync import DptcayClient  # noqa: PLC0415

        return DptcayClient
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
