"""Async Python SDK for Dancity's merchant (VAS) API and first-party App API.

```python
from dancity_sdk import AsyncDancityClient

async with AsyncDancityClient(api_key="dcy_live_…") as dc:
    tx = await dc.vas.airtime.buy(product="MTN Airtime", phone="08012345678", amount=200)
    if not tx.succeeded:  # a 200 can carry status FAILED or PENDING
        ...
```

Webhook helpers live in [`dancity_sdk.webhooks`][dancity_sdk.webhooks].
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from dancity_sdk import _credentials  # noqa: F401 - registers the key formats before anything logs
from dancity_sdk._client import AsyncDancityClient
from dancity_sdk._errors import ReconcileTimeoutError, UnsupportedOperationError
from dancity_sdk._exceptions import (
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
from shared_auth._version import __version__ as __version__

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncDancityClient",
    "AuthenticationError",
    "BadRequestError",
    "Card",
    "CardTransaction",
    "CardTransactionPage",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DancityClient",
    "Esim",
    "EsimCoverage",
    "EsimDetails",
    "EsimOperator",
    "EsimPackage",
    "EsimPackageDetails",
    "EsimPackages",
    "EsimPage",
    "EsimRegion",
    "EsimRegions",
    "ExamPin",
    "ExchangeRate",
    "InternalServerError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "JournalError",
    "JournalLostError",
    "JournalMissingError",
    "JournalUnavailableError",
    "JournalVolatileError",
    "MissingCredentialError",
    "NotFoundError",
    "OutcomeUnknownError",
    "Pagination",
    "PaginationError",
    "PermissionDeniedError",
    "Plan",
    "Product",
    "ProductQuote",
    "ProductRef",
    "RateBudgetUnavailableError",
    "RateLimit",
    "RateLimitError",
    "ReconcileTimeoutError",
    "ResponseValidationError",
    "ResultList",
    "RetryPolicy",
    "SDKError",
    "Secret",
    "Service",
    "ServiceRef",
    "Transaction",
    "TransactionPage",
    "TransactionStatus",
    "TranxType",
    "UnprocessableEntityError",
    "UnsupportedOperationError",
    "Validation",
    "Wallet",
    "aiohttp_http_client",
    "disable_tracing",
    "enable_tracing",
    "new_reference",
    "unknown_outcome",
]

if _TYPE_CHECKING:
    from dancity_sdk._esim_card_models import (
        Card,
        CardTransaction,
        CardTransactionPage,
        Esim,
        EsimCoverage,
        EsimDetails,
        EsimOperator,
        EsimPackage,
        EsimPackageDetails,
        EsimPackages,
        EsimPage,
        EsimRegion,
        EsimRegions,
        ExchangeRate,
    )
    from dancity_sdk._journal_errors import (
        JournalError,
        JournalLostError,
        JournalMissingError,
        JournalUnavailableError,
        JournalVolatileError,
    )
    from dancity_sdk._models import (
        ExamPin,
        Pagination,
        Plan,
        Product,
        ProductQuote,
        ProductRef,
        Service,
        ServiceRef,
        Transaction,
        TransactionPage,
        TransactionStatus,
        TranxType,
        Validation,
        Wallet,
    )
    from dancity_sdk._sync import DancityClient
    from shared_auth import ResultList
    from shared_auth._sync import unknown_outcome

#: Names imported on first access (PEP 562), by the module that defines them. The models
#: and ``ResultList`` load with the first client or response anyway, and the blocking twin
#: pulls in anyio's thread portal: ``import dancity_sdk`` needs none of them.
_LAZY: dict[str, str] = {
    "JournalError": "dancity_sdk._journal_errors",
    "JournalLostError": "dancity_sdk._journal_errors",
    "JournalMissingError": "dancity_sdk._journal_errors",
    "JournalUnavailableError": "dancity_sdk._journal_errors",
    "JournalVolatileError": "dancity_sdk._journal_errors",
    "Card": "dancity_sdk._esim_card_models",
    "CardTransaction": "dancity_sdk._esim_card_models",
    "CardTransactionPage": "dancity_sdk._esim_card_models",
    "DancityClient": "dancity_sdk._sync",
    "Esim": "dancity_sdk._esim_card_models",
    "EsimCoverage": "dancity_sdk._esim_card_models",
    "EsimDetails": "dancity_sdk._esim_card_models",
    "EsimOperator": "dancity_sdk._esim_card_models",
    "EsimPackage": "dancity_sdk._esim_card_models",
    "EsimPackageDetails": "dancity_sdk._esim_card_models",
    "EsimPackages": "dancity_sdk._esim_card_models",
    "EsimPage": "dancity_sdk._esim_card_models",
    "EsimRegion": "dancity_sdk._esim_card_models",
    "EsimRegions": "dancity_sdk._esim_card_models",
    "unknown_outcome": "shared_auth._sync",
    "ExamPin": "dancity_sdk._models",
    "ExchangeRate": "dancity_sdk._esim_card_models",
    "Pagination": "dancity_sdk._models",
    "Plan": "dancity_sdk._models",
    "Product": "dancity_sdk._models",
    "ProductQuote": "dancity_sdk._models",
    "ProductRef": "dancity_sdk._models",
    "ResultList": "shared_auth",
    "Service": "dancity_sdk._models",
    "ServiceRef": "dancity_sdk._models",
    "Transaction": "dancity_sdk._models",
    "TransactionPage": "dancity_sdk._models",
    "TransactionStatus": "dancity_sdk._models",
    "TranxType": "dancity_sdk._models",
    "Validation": "dancity_sdk._models",
    "Wallet": "dancity_sdk._models",
}


__getattr__, __dir__ = _lazy_exports(globals(), _LAZY, __all__)
