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
from shared_auth._lazy import exports as _exports
from shared_auth._lazy import lazy_exports as _lazy_exports
from shared_auth._reexports import SOURCES as _SHARED
from shared_auth._version import __version__ as __version__

__all__: list[str]  # the table's names, set by lazy_exports at the end

#: The table of exports: each private module, then the public names it defines; each name
#: is imported on first use (the models and
#: the blocking twin load with the first client or response, not here).
_EXPORTS = _exports(
    """
    dancity_sdk._client            AsyncDancityClient DancityOptions JWTArgument
    dancity_sdk._resources._purchase  BettingExtras EducationExtras PurchaseExtras
    dancity_sdk._resources.transactions  MerchantTransactionFilters TransactionFilters
    dancity_sdk._credentials       DancityChannel
    dancity_sdk._errors            ReconcileTimeoutError UnsupportedOperationError
    dancity_sdk._models            ExamPin Pagination Plan Product ProductQuote ProductRef
                                   Service ServiceRef Transaction TransactionPage
                                   TransactionStatus TranxType Validation Wallet
    dancity_sdk._esim_card_models  Card CardTransaction CardTransactionPage Esim EsimCoverage
                                   EsimDetails EsimOperator EsimPackage EsimPackageDetails
                                   EsimPackages EsimPage EsimRegion EsimRegions ExchangeRate
    dancity_sdk._sync              DancityClient
    """,
    errors="dancity_sdk._exceptions",
    shared=_SHARED,
)

if _TYPE_CHECKING:  # the same table, for type checkers and IDEs
    from dancity_sdk._client import AsyncDancityClient as AsyncDancityClient
    from dancity_sdk._client import DancityOptions as DancityOptions
    from dancity_sdk._client import JWTArgument as JWTArgument
    from dancity_sdk._credentials import DancityChannel as DancityChannel
    from dancity_sdk._errors import ReconcileTimeoutError as ReconcileTimeoutError
    from dancity_sdk._errors import UnsupportedOperationError as UnsupportedOperationError
    from dancity_sdk._esim_card_models import Card as Card
    from dancity_sdk._esim_card_models import CardTransaction as CardTransaction
    from dancity_sdk._esim_card_models import CardTransactionPage as CardTransactionPage
    from dancity_sdk._esim_card_models import Esim as Esim
    from dancity_sdk._esim_card_models import EsimCoverage as EsimCoverage
    from dancity_sdk._esim_card_models import EsimDetails as EsimDetails
    from dancity_sdk._esim_card_models import EsimOperator as EsimOperator
    from dancity_sdk._esim_card_models import EsimPackage as EsimPackage
    from dancity_sdk._esim_card_models import EsimPackageDetails as EsimPackageDetails
    from dancity_sdk._esim_card_models import EsimPackages as EsimPackages
    from dancity_sdk._esim_card_models import EsimPage as EsimPage
    from dancity_sdk._esim_card_models import EsimRegion as EsimRegion
    from dancity_sdk._esim_card_models import EsimRegions as EsimRegions
    from dancity_sdk._esim_card_models import ExchangeRate as ExchangeRate
    from dancity_sdk._models import ExamPin as ExamPin
    from dancity_sdk._models import Pagination as Pagination
    from dancity_sdk._models import Plan as Plan
    from dancity_sdk._models import Product as Product
    from dancity_sdk._models import ProductQuote as ProductQuote
    from dancity_sdk._models import ProductRef as ProductRef
    from dancity_sdk._models import Service as Service
    from dancity_sdk._models import ServiceRef as ServiceRef
    from dancity_sdk._models import Transaction as Transaction
    from dancity_sdk._models import TransactionPage as TransactionPage
    from dancity_sdk._models import TransactionStatus as TransactionStatus
    from dancity_sdk._models import TranxType as TranxType
    from dancity_sdk._models import Validation as Validation
    from dancity_sdk._models import Wallet as Wallet
    from dancity_sdk._resources._purchase import BettingExtras as BettingExtras
    from dancity_sdk._resources._purchase import EducationExtras as EducationExtras
    from dancity_sdk._resources._purchase import PurchaseExtras as PurchaseExtras
    from dancity_sdk._resources.transactions import (
        MerchantTransactionFilters as MerchantTransactionFilters,
    )
    from dancity_sdk._resources.transactions import TransactionFilters as TransactionFilters
    from dancity_sdk._sync import DancityClient as DancityClient
    from shared_auth._errors import *  # noqa: F403 - Dancity's classes of the tree
    from shared_auth._fast import AiohttpClientOptions as AiohttpClientOptions
    from shared_auth._fast import aiohttp_http_client as aiohttp_http_client
    from shared_auth._models import ResultList as ResultList
    from shared_auth._outcomes import RetryPolicy as RetryPolicy
    from shared_auth._ratelimit import RateLimit as RateLimit
    from shared_auth._reference import new_reference as new_reference
    from shared_auth._secret import Secret as Secret
    from shared_auth._sync import unknown_outcome as unknown_outcome
    from shared_auth._tracing import disable_tracing as disable_tracing
    from shared_auth._tracing import enable_tracing as enable_tracing

# ``__all__`` (the table's names), ``__getattr__`` and ``__dir__``:
_lazy_exports(globals(), _EXPORTS)
