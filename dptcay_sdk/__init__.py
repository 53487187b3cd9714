"""An async-first client for the dptcay crypto-payments API.

::

    from decimal import Decimal
    from dptcay_sdk import AsyncDptcayClient

    async with AsyncDptcayClient.from_env() as dp:
        payment = await dp.payments.create(amount=Decimal("125.50"), currency="USDC")
        payment = await dp.payments.get(payment.id)

A stateful fake of the API for tests and demos lives in
[`dptcay_sdk.testing`][dptcay_sdk.testing] (extra ``sandbox``).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from dptcay_sdk import _credentials  # noqa: F401 - registers the key formats before anything logs
from shared_auth._lazy import exports as _exports
from shared_auth._lazy import lazy_exports as _lazy_exports
from shared_auth._reexports import SOURCES as _SHARED
from shared_auth._version import __version__ as __version__

__all__: list[str]  # the table's names, set by lazy_exports at the end

#: The table of exports: each private module, then the public names it defines; each name
#: is imported on first use (the models,
#: resources and blocking twin load with the first client or call, not here).
_EXPORTS = _exports(
    """
    dptcay_sdk._client     DEFAULT_BASE_URL AsyncDptcayClient DptcayOptions
    dptcay_sdk._spec       RatePlanName
    dptcay_sdk._errors     KeyRotationError
    dptcay_sdk._models     ApiKey Currency Event EventType KeyScope Payment PaymentStatus Refund
                           RefundStatus RevokedKey WebhookEndpoint
    dptcay_sdk._resources  Currencies Keys Payments Refunds Webhooks
    dptcay_sdk._sync       DptcayClient
    dptcay_sdk._webhooks   DptcayWebhookSource parse_event
    """,
    errors="dptcay_sdk._exceptions",
    shared=_SHARED,
)

if _TYPE_CHECKING:  # the same table, for type checkers and IDEs
    from dptcay_sdk._client import DEFAULT_BASE_URL as DEFAULT_BASE_URL
    from dptcay_sdk._client import AsyncDptcayClient as AsyncDptcayClient
    from dptcay_sdk._client import DptcayOptions as DptcayOptions
    from dptcay_sdk._errors import KeyRotationError as KeyRotationError
    from dptcay_sdk._models import ApiKey as ApiKey
    from dptcay_sdk._models import Currency as Currency
    from dptcay_sdk._models import Event as Event
    from dptcay_sdk._models import EventType as EventType
    from dptcay_sdk._models import KeyScope as KeyScope
    from dptcay_sdk._models import Payment as Payment
    from dptcay_sdk._models import PaymentStatus as PaymentStatus
    from dptcay_sdk._models import Refund as Refund
    from dptcay_sdk._models import RefundStatus as RefundStatus
    from dptcay_sdk._models import RevokedKey as RevokedKey
    from dptcay_sdk._models import WebhookEndpoint as WebhookEndpoint
    from dptcay_sdk._resources import Currencies as Currencies
    from dptcay_sdk._resources import Keys as Keys
    from dptcay_sdk._resources import Payments as Payments
    from dptcay_sdk._resources import Refunds as Refunds
    from dptcay_sdk._resources import Webhooks as Webhooks
    from dptcay_sdk._spec import RatePlanName as RatePlanName
    from dptcay_sdk._sync import DptcayClient as DptcayClient
    from dptcay_sdk._webhooks import DptcayWebhookSource as DptcayWebhookSource
    from dptcay_sdk._webhooks import parse_event as parse_event
    from shared_auth._errors import *  # noqa: F403 - dptcay's classes of the tree
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
