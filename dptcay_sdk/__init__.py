"""An async-first client for the dptcay crypto-payments API.

::

    from decimal import Decimal
    from dptcay_sdk import AsyncDptcayClient

    async with AsyncDptcayClient.from_env() as dp:
        payment = await dp.payments.create(amount=Decimal("125.50"), currency="USDC")
        payment = await dp.payments.get(payment.id)

A stateful fake of the API for tests and demos lives in [`dptcay_sdk.testing`][dptcay_sdk.testing]
(extra ``sandbox``).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from dptcay_sdk import _credentials  # noqa: F401 - registers the key formats before anything logs
from dptcay_sdk._client import DEFAULT_BASE_URL, VERSION, AsyncDptcayClient, RatePlanName
from dptcay_sdk._errors import KeyRotationError
from dptcay_sdk._exceptions import (
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
)
from shared_auth import (
    RateLimit,
    RetryPolicy,
    Secret,
    new_reference,
)
from shared_auth._fast import aiohttp_http_client
from shared_auth._lazy import lazy_exports as _lazy_exports
from shared_auth._tracing import disable_tracing, enable_tracing

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
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "Currencies",
    "Currency",
    "DptcayClient",
    "DptcayWebhookSource",
    "Event",
    "EventType",
    "InternalServerError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "JournalError",
    "JournalLostError",
    "JournalMissingError",
    "JournalUnavailableError",
    "JournalVolatileError",
    "KeyRotationError",
    "KeyScope",
    "Keys",
    "MissingCredentialError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PaginationError",
    "Payment",
    "PaymentStatus",
    "Payments",
    "PermissionDeniedError",
    "RateBudgetUnavailableError",
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
    "aiohttp_http_client",
    "disable_tracing",
    "enable_tracing",
    "new_reference",
    "parse_event",
    "unknown_outcome",
]

if _TYPE_CHECKING:
    from dptcay_sdk._journal_errors import (
        JournalError,
        JournalLostError,
        JournalMissingError,
        JournalUnavailableError,
        JournalVolatileError,
    )
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
    from dptcay_sdk._sync import DptcayClient
    from dptcay_sdk._webhooks import DptcayWebhookSource, parse_event
    from shared_auth import ResultList
    from shared_auth._sync import unknown_outcome

#: Names imported on first access (PEP 562), by the module that defines them. The models,
#: resources and ``ResultList`` load with the first client or response anyway, and the
#: blocking twin pulls in anyio's thread portal: ``import dptcay_sdk`` needs none of them.
_LAZY: dict[str, str] = {
    "JournalError": "dptcay_sdk._journal_errors",
    "JournalLostError": "dptcay_sdk._journal_errors",
    "JournalMissingError": "dptcay_sdk._journal_errors",
    "JournalUnavailableError": "dptcay_sdk._journal_errors",
    "JournalVolatileError": "dptcay_sdk._journal_errors",
    "ApiKey": "dptcay_sdk._models",
    "Currencies": "dptcay_sdk._resources",
    "Currency": "dptcay_sdk._models",
    "DptcayClient": "dptcay_sdk._sync",
    "DptcayWebhookSource": "dptcay_sdk._webhooks",
    "Event": "dptcay_sdk._models",
    "EventType": "dptcay_sdk._models",
    "KeyScope": "dptcay_sdk._models",
    "Keys": "dptcay_sdk._resources",
    "Payment": "dptcay_sdk._models",
    "PaymentStatus": "dptcay_sdk._models",
    "Payments": "dptcay_sdk._resources",
    "Refund": "dptcay_sdk._models",
    "RefundStatus": "dptcay_sdk._models",
    "Refunds": "dptcay_sdk._resources",
    "ResultList": "shared_auth",
    "RevokedKey": "dptcay_sdk._models",
    "WebhookEndpoint": "dptcay_sdk._models",
    "Webhooks": "dptcay_sdk._resources",
    "parse_event": "dptcay_sdk._webhooks",
    "unknown_outcome": "shared_auth._sync",
}


__getattr__, __dir__ = _lazy_exports(globals(), _LAZY, __all__)
