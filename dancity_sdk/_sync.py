"""``DancityClient``: the blocking twin of `AsyncDancityClient`."""

from __future__ import annotations

from typing import Any, Self

from dancity_sdk._client import AsyncDancityClient
from dancity_sdk._exceptions import ERRORS
from shared_auth import Secret, SyncClient
from shared_auth._sync import refuse_sync_http_client

__all__ = ["DancityClient"]


class DancityClient(SyncClient[AsyncDancityClient]):
    """The Dancity client for scripts and notebooks: the async client's surface, blocking.

    It runs an [`AsyncDancityClient`][dancity_sdk.AsyncDancityClient] on a private event-loop
    thread, so it works in Jupyter (where a loop already runs) and in plain scripts; a JWT provider
    stays an async callable and runs on that thread. Arguments are those of
    [`AsyncDancityClient`][dancity_sdk.AsyncDancityClient]. Close it with ``with`` or
    [`close`][shared_auth.SyncClient.close]::

        with DancityClient(api_key="dcy_live_…") as dc:
            balances = dc.vas.wallet.balances()
    """

    _errors = ERRORS

    def __init__(self, api_key: str | Secret | None = None, **options: Any) -> None:
        refuse_sync_http_client("DancityClient", options)
        super().__init__(lambda: AsyncDancityClient(api_key, **options))

    @classmethod
    def from_env(cls, **options: Any) -> Self:
        """Build from ``DANCITY_API_KEY`` / ``DANCITY_JWT`` / ``DANCITY_BASE_URL``."""
        refuse_sync_http_client("DancityClient", options)
        self = cls.__new__(cls)
        SyncClient.__init__(self, lambda: AsyncDancityClient.from_env(**options))
        return self
