"""Tracebacks name the SDK (``dptcay_sdk.NotFoundError``); ``except`` works with any name."""

from __future__ import annotations

import pickle
import subprocess
import sys
import traceback
from pathlib import Path

import httpx
import pytest

import dancity_sdk
import dptcay_sdk
import shared_auth
from dancity_sdk import AsyncDancityClient
from dptcay_sdk import AsyncDptcayClient, DptcayClient

ROOT = Path(__file__).resolve().parents[1]
DPTCAY_KEY = "dp_test_sk_" + "0" * 24
DANCITY_KEY = "dcy_live_" + "ab" * 20


def _shown(exc: BaseException) -> str:
    return traceback.format_exception_only(exc)[-1].split(":", 1)[0]


def _not_found(_: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"error": "Not Found", "code": 404, "message": "no such"})


@pytest.mark.anyio
async def test_api_errors_show_the_sdk_that_raised_them() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_not_found)) as http:
        dp = AsyncDptcayClient(DPTCAY_KEY, http_client=http)
        dc = AsyncDancityClient(DANCITY_KEY, http_client=http, throttle=False)
        with pytest.raises(shared_auth.NotFoundError) as dptcay_error:
            await dp.payments.get("pay_1")
        with pytest.raises(dptcay_sdk.NotFoundError) as dancity_error:  # one tree
            await dc.vas.transactions.get("tx_1")
    assert _shown(dptcay_error.value) == "dptcay_sdk.NotFoundError"
    assert _shown(dancity_error.value) == "dancity_sdk.NotFoundError"
    for error in (dptcay_error.value, dancity_error.value):
        assert isinstance(error, dancity_sdk.APIStatusError)
        assert isinstance(error, dptcay_sdk.SDKError)
        assert error.status_code == 404


@pytest.mark.anyio
async def test_bad_input_shows_the_sdk_and_is_caught_by_every_name() -> None:
    dp = AsyncDptcayClient(DPTCAY_KEY)
    for caught_as in (dptcay_sdk.InvalidInputTypeError, shared_auth.InvalidInputTypeError):
        with pytest.raises(caught_as) as error:
            await dp.payments.create(amount=1.5, currency="USDC")  # type: ignore[arg-type]
        assert _shown(error.value) == "dptcay_sdk.InvalidInputTypeError"
        assert isinstance(error.value, TypeError)


def test_blocking_clients_show_the_sdk_too() -> None:
    with DptcayClient(DPTCAY_KEY) as dp, pytest.raises(dptcay_sdk.InvalidInputError) as error:
        dp.payments.get("")
    assert _shown(error.value).startswith("dptcay_sdk.")


def test_sdk_specific_errors_show_their_package() -> None:
    assert dptcay_sdk.KeyRotationError.__module__ == "dptcay_sdk"
    assert dancity_sdk.ReconcileTimeoutError.__module__ == "dancity_sdk"


def test_a_renamed_error_pickles_as_the_shared_class() -> None:
    error = dptcay_sdk.InvalidInputError("bad amount", field="amount")
    shared_auth._brand.rebrand(error, "dptcay_sdk")
    assert _shown(error) == "dptcay_sdk.InvalidInputError"
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(restored) is shared_auth.InvalidInputError
    assert restored.field == "amount"
    assert str(restored) == "bad amount"


@pytest.mark.anyio
async def test_a_connection_error_names_the_host_and_the_timeouts() -> None:
    import socket  # noqa: PLC0415

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dp = AsyncDptcayClient(
        DPTCAY_KEY, base_url=f"http://127.0.0.1:{port}/v1", timeout=7.5, max_retries=0
    )
    with pytest.raises(dptcay_sdk.APIConnectionError) as error:
        await dp.currencies.list()
    message = str(error.value)
    assert "GET /currencies to 127.0.0.1 failed to connect" in message
    assert "timeouts in force were connect 7.5s" in message
    assert "timeout=" in message
    assert _shown(error.value) == "dptcay_sdk.APIConnectionError"
    await dp.aclose()


_SECOND_LOOP = """
import anyio
from dptcay_sdk import AsyncDptcayClient
from dptcay_sdk.testing import DptcaySandbox

sandbox = DptcaySandbox()
with sandbox.serve_in_thread() as url:
    dp = AsyncDptcayClient(sandbox.write_key, base_url=url)

    async def currencies():
        return len(await dp.currencies.list())

    assert anyio.run(currencies, backend="asyncio") > 0  # the loop it belongs to ends
    try:
        anyio.run(currencies, backend="asyncio")
    except RuntimeError as error:
        print(type(error.__cause__).__name__, error)
"""


def test_a_second_event_loop_gets_an_sdk_message() -> None:
    # In a child process: the connection pooled on the first loop dies with it, noisily.
    result = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-W", "ignore::ResourceWarning", "-c", _SECOND_LOOP],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    message = result.stdout
    assert message.startswith("RuntimeError this AsyncDptcayClient was used from a second")
    assert "Create one AsyncDptcayClient per event loop" in message
    assert "blocking DptcayClient" in message
