"""``DptcayClient``: the blocking twin of [AsyncDptcayClient][dptcay_sdk.AsyncDptcayClient]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self, Unpack

from dptcay_sdk._client import AsyncDptcayClient, DptcayOptions
from dptcay_sdk._exceptions import ERRORS
from shared_auth import NOT_GIVEN, NotGiven, Secret, SyncClient
from shared_auth._sync import check_twin_options

__all__ = ["DptcayClient"]


class DptcayClient(SyncClient[AsyncDptcayClient]):
    """The dptcay client for scripts and notebooks: the async client's surface, blocking.

    It runs an [AsyncDptcayClient][dptcay_sdk.AsyncDptcayClient] on a private event-loop
    thread, so it works in Jupyter (where a loop already runs) and in plain scripts. Its
    options are the async client's ([DptcayOptions][dptcay_sdk.DptcayOptions]). Close it
    with ``with`` or ``close()``::

        with DptcayClient(api_key="dp_test_sk_…") as dp:
            payment = dp.payments.get("pay_123")
    """

    _errors = ERRORS

    def __init__(self, api_key: str | Secret, **options: Unpack[DptcayOptions]) -> None:
        check_twin_options(type(self), options, DptcayOptions, method=f"{type(self).__name__}()")
        super().__init__(lambda: AsyncDptcayClient(api_key, **options))

    @classmethod
    def from_env(
        cls,
        *,
        api_key: str | Secret | NotGiven = NOT_GIVEN,
        environ: Mapping[str, str] | None = None,
        **options: Unpack[DptcayOptions],
    ) -> Self:
        """Build from ``DPTCAY_API_KEY`` / ``DPTCAY_BASE_URL`` (see the async client's)."""
        check_twin_options(cls, options, DptcayOptions, method=f"{cls.__name__}.from_env()")
        return cls._driving(
            lambda: AsyncDptcayClient.from_env(api_key=api_key, environ=environ, **options)
        )
