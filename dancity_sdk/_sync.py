"""``DancityClient``: the blocking twin of [AsyncDancityClient][dancity_sdk.AsyncDancityClient]."""

from __future__ import annotations

from typing import Unpack

from dancity_sdk._client import AsyncDancityClient, DancityOptions
from dancity_sdk._exceptions import ERRORS
from shared_auth import Secret
from shared_auth._sync import SyncClient

__all__ = ["DancityClient"]


class DancityClient(SyncClient[AsyncDancityClient]):
    """The Dancity client for scripts and notebooks: the async client's surface, blocking.

    It runs an [AsyncDancityClient][dancity_sdk.AsyncDancityClient] on a private event-loop
    thread, so it works in Jupyter (where a loop already runs) and in plain scripts; a JWT
    provider stays an async callable and runs on that thread. Its options are the async
    client's ([DancityOptions][dancity_sdk.DancityOptions]), as are the arguments of its
    ``from_env()``. Close it with ``with`` or ``close()``::

        with DancityClient(api_key="dcy_live_…") as dc:
            balances = dc.vas.wallet.balances()
    """

    _errors = ERRORS
    _async_class = AsyncDancityClient
    _options = DancityOptions

    def __init__(
        self, api_key: str | Secret | None = None, **options: Unpack[DancityOptions]
    ) -> None:
        self._check_options(options, method=f"{type(self).__name__}()")
        super().__init__(lambda: AsyncDancityClient(api_key, **options))
