"""A closed client raises `ClientClosedError`: an SDK error (and a ``RuntimeError``).

``except <SDK>Error`` catches it, its message names the client class the caller used, and
nothing is sent. The second-event-loop message is unchanged (tests/test_error_names.py).
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable

import httpx
import pytest

import dancity_sdk
import dptcay_sdk
import shared_auth
from dancity_sdk import AsyncDancityClient, DancityClient
from dptcay_sdk import AsyncDptcayClient, DptcayClient

DPTCAY_KEY = "dp_test_sk_" + "0" * 24
DANCITY_KEY = "dcy_live_" + "ab" * 20


class Counting:
    """A transport that answers 200 and counts what reached it."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, _: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(200, json={"success": True, "data": {"status": "SUCCESS"}})


def _shown(exc: BaseException) -> str:
    return traceback.format_exception_only(exc)[-1].split(":", 1)[0]


def test_the_error_is_public_in_every_package_and_hangs_off_the_tree() -> None:
    for sdk in (dptcay_sdk, dancity_sdk):
        assert issubclass(sdk.ClientClosedError, shared_auth.ClientClosedError)
        assert issubclass(sdk.ClientClosedError, sdk.SDKError)
    assert issubclass(shared_auth.ClientClosedError, shared_auth.SDKError)
    assert issubclass(shared_auth.ClientClosedError, RuntimeError)


@pytest.mark.anyio
async def test_a_closed_async_dancity_client_raises_an_sdk_error() -> None:
    async with AsyncDancityClient(DANCITY_KEY) as dc:
        pass
    with pytest.raises(dancity_sdk.SDKError) as info:
        await dc.vas.transactions.get("tx_1")
    error = info.value
    assert isinstance(error, dancity_sdk.ClientClosedError)
    assert "this AsyncDancityClient is closed" in str(error)
    assert "create a new AsyncDancityClient" in str(error)
    assert _shown(error) == "dancity_sdk.ClientClosedError"


@pytest.mark.anyio
async def test_a_closed_async_dptcay_client_with_its_own_http_client_sends_nothing() -> None:
    counting = Counting()
    async with httpx.AsyncClient(transport=httpx.MockTransport(counting)) as http:
        dp = AsyncDptcayClient(DPTCAY_KEY, http_client=http)
        copy = dp.with_options(max_retries=0)
        await dp.aclose()
        for client in (dp, copy):  # a with_options() copy shares the closed pool
            with pytest.raises(dptcay_sdk.ClientClosedError, match="AsyncDptcayClient") as info:
                await client.currencies.list()
            assert _shown(info.value) == "dptcay_sdk.ClientClosedError"
    assert counting.requests == 0


@pytest.mark.anyio
async def test_a_closed_client_is_refused_before_a_purchase_is_prepared() -> None:
    counting = Counting()
    http = httpx.AsyncClient(transport=httpx.MockTransport(counting))
    dc = AsyncDancityClient(DANCITY_KEY, http_client=http, throttle=False)
    await dc.aclose()
    with pytest.raises(dancity_sdk.ClientClosedError):
        await dc.vas.airtime.buy(product="MTN Airtime", phone="08012345678", amount=200)
    assert counting.requests == 0
    await http.aclose()


@pytest.mark.parametrize("twin", ["DancityClient", "DptcayClient"])
def test_a_closed_blocking_twin_raises_an_sdk_error_naming_it(twin: str) -> None:
    call: Callable[[], object]
    if twin == "DancityClient":
        dancity = DancityClient(DANCITY_KEY)
        dancity.close()
        call, package = functools.partial(dancity.vas.transactions.get, "tx_1"), "dancity_sdk"
    else:
        dptcay = DptcayClient(DPTCAY_KEY)
        dptcay.close()
        call, package = dptcay.currencies.list, "dptcay_sdk"
    with pytest.raises(shared_auth.SDKError) as info:
        call()
    assert isinstance(info.value, shared_auth.ClientClosedError)
    assert f"this {twin} is closed" in str(info.value)
    assert f"create a new {twin}" in str(info.value)
    assert _shown(info.value) == f"{package}.ClientClosedError"
