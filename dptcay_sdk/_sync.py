"""``DptcayClient``: the blocking twin of [AsyncDptcayClient][dptcay_sdk.AsyncDptcayClient]."""

from __future__ import annotations

from typing import Unpack

from dptcay_sdk._client import AsyncDptcayClient, DptcayOptions
from dptcay_sdk._exceptions import ERRORS
from shared_auth import Secret
from shared_auth._sync import SyncClient

__all__ = ["DptcayClient"]


class DptcayClient(SyncClient[AsyncDptcayClient]):
    """The dptcay client for scripts and notebooks: the async client's surface, blocking.

    It runs an [AsyncDptcayClient][dptcay_sdk.AsyncDptcayClient] on a private event-loop
    thread, so it works in Jupyter (where a loop already runs) and in plain scripts. Its
    options are the async client's ([DptcayOptions][dptcay_sdk.DptcayOptions]), as are the
    arguments of its ``from_env()``. Close it with ``with`` or ``close()``::

        with DptcayClient(api_key="dp_test_sk_…") as dp:
            payment = dp.payments.get("pay_123")
    """

    _errors = ERRORS
    _async_class = AsyncDptcayClient
    _options = DptcayOptions

    def __init__(self, api_key: str | Secret, **options: Unpack[DptcayOptions]) -> None:
        self._check_options(options, method=f"{type(self).__name__}()")
        super().__init__(lambda: AsyncDptcayClient(api_key, **options))
