"""``DptcayClient``: the blocking twin of [`AsyncDptcayClient`][dptcay_sdk.AsyncDptcayClient]."""

from __future__ import annotations

from typing import Any, Self

from dptcay_sdk._client import AsyncDptcayClient
from dptcay_sdk._exceptions import ERRORS
from shared_auth import Secret, SyncClient
from shared_auth._sync import refuse_sync_http_client

__all__ = ["DptcayClient"]


class DptcayClient(SyncClient[AsyncDptcayClient]):
    """The dptcay client for scripts and notebooks: the async client's surface, blocking.

    It runs an [`AsyncDptcayClient`][dptcay_sdk.AsyncDptcayClient] on a private event-loop thread,
    so it works in Jupyter (where a loop already runs) and in plain scripts. Arguments are those of
    [`AsyncDptcayClient`][dptcay_sdk.AsyncDptcayClient]. Close it with ``with`` or
    [`close`][shared_auth.SyncClient.close]::

        with DptcayClient(api_key="dp_test_sk_…") as dp:
            payment = dp.payments.get("pay_123")
    """

    _errors = ERRORS

    def __init__(self, api_key: str | Secret, **options: Any) -> None:
        refuse_sync_http_client("DptcayClient", options)
        super().__init__(lambda: AsyncDptcayClient(api_key, **options))

    @classmethod
    def from_env(cls, **options: Any) -> Self:
        """Build from ``DPTCAY_API_KEY`` / ``DPTCAY_BASE_URL`` (see the async client)."""
        refuse_sync_http_client("DptcayClient", options)
        self = cls.__new__(cls)
        SyncClient.__init__(self, lambda: AsyncDptcayClient.from_env(**options))
        return self
