"""``DancityClient``: the blocking twin of [AsyncDancityClient][dancity_sdk.AsyncDancityClient]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self, Unpack

from dancity_sdk._client import AsyncDancityClient, DancityOptions
from dancity_sdk._exceptions import ERRORS
from shared_auth import NOT_GIVEN, NotGiven, Secret, SyncClient
from shared_auth._sync import check_twin_options

__all__ = ["DancityClient"]


class DancityClient(SyncClient[AsyncDancityClient]):
    """The Dancity client for scripts and notebooks: the async client's surface, blocking.

    It runs an [AsyncDancityClient][dancity_sdk.AsyncDancityClient] on a private event-loop
    thread, so it works in Jupyter (where a loop already runs) and in plain scripts; a JWT
    provider stays an async callable and runs on that thread. Its options are the async
    client's ([DancityOptions][dancity_sdk.DancityOptions]). Close it with ``with`` or
    ``close()``::

        with DancityClient(api_key="dcy_live_…") as dc:
            balances = dc.vas.wallet.balances()
    """

    _errors = ERRORS

    def __init__(
        self, api_key: str | Secret | None = None, **options: Unpack[DancityOptions]
    ) -> None:
        check_twin_options(type(self), options, DancityOptions, method=f"{type(self).__name__}()")
        super().__init__(lambda: AsyncDancityClient(api_key, **options))

    @classmethod
    def from_env(
        cls,
        *,
        api_key: str | Secret | NotGiven | None = NOT_GIVEN,
        environ: Mapping[str, str] | None = None,
        **options: Unpack[DancityOptions],
    ) -> Self:
        """Build from ``DANCITY_API_KEY`` / ``DANCITY_JWT`` / ``DANCITY_BASE_URL`` (see async)."""
        check_twin_options(cls, options, DancityOptions, method=f"{cls.__name__}.from_env()")
        return cls._driving(
            lambda: AsyncDancityClient.from_env(api_key=api_key, environ=environ, **options)
        )
