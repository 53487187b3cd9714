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

from collections.abc import Callable as _Callable
from typing import TYPE_CHECKING as _TYPE_CHECKING

from dptcay_sdk import _credentials  # noqa: F401 - registers the key formats before anything logs
from shared_auth._lazy import errors_from as _errors_from
from shared_auth._lazy import lazy_exports as _lazy_exports
from shared_auth._reexports import SOURCES as _SHARED
from shared_auth._version import __version__ as __version__

#: Every public name and the private module that defines it, imported on first use: the
#: models, resources and blocking twin load with the first client or call, not here.
_EXPORTS = {
    **_errors_from("dptcay_sdk._exceptions"),
    **_SHARED,
    "DEFAULT_BASE_URL": "dptcay_sdk._client",
    "AsyncDptcayClient": "dptcay_sdk._client",
    "RatePlanName": "dptcay_sdk._client",
    "KeyRotationError": "dptcay_sdk._errors",
    "ApiKey": "dptcay_sdk._models",
    "Currency": "dptcay_sdk._models",
    "Event": "dptcay_sdk._models",
    "EventType": "dptcay_sdk._models",
    "KeyScope": "dptcay_sdk._models",
    "Payment": "dptcay_sdk._models",
    "PaymentStatus": "dptcay_sdk._models",
    "Refund": "dptcay_sdk._models",
    "RefundStatus": "dptcay_sdk._models",
    "RevokedKey": "dptcay_sdk._models",
    "WebhookEndpoint": "dptcay_sdk._models",
    "Currencies": "dptcay_sdk._resources",
    "Keys": "dptcay_sdk._resources",
    "Payments": "dptcay_sdk._resources",
    "Refunds": "dptcay_sdk._resources",
    "Webhooks": "dptcay_sdk._resources",
    "DptcayClient": "dptcay_sdk._sync",
    "DptcayWebhookSource": "dptcay_sdk._webhooks",
    "parse_event": "dptcay_sdk._webhooks",
}
__all__ = sorted(_EXPORTS)  # noqa: PLE0605  # pyright: ignore[reportUnsupportedDunderAll]

if _TYPE_CHECKING:  # the same table, for type checkers and IDEs
    from dptcay_sdk._client import DEFAULT_BASE_URL as DEFAULT_BASE_URL
    from dptcay_sdk._client import AsyncDptcayClient as AsyncDptcayClient
    from dptcay_sdk._client import RatePlanName as RatePlanName
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
    from dptcay_sdk._sync import DptcayClient as DptcayClient
    from dptcay_sdk._webhooks import DptcayWebhookSource as DptcayWebhookSource
    from dptcay_sdk._webhooks import parse_event as parse_event
    from shared_auth._errors import *  # noqa: F403 - dptcay's classes of the tree
    from shared_auth._reexports import *  # noqa: F403

__getattr__: _Callable[[str], object]
__dir__: _Callable[[], list[str]]
__getattr__, __dir__ = _lazy_exports(globals(), _EXPORTS)
