"""Tracebacks name the SDK (``dptcay_sdk.NotFoundError``); ``except`` works with any name."""

from __future__ import annotations

import pickle
import subprocess
import sys
import traceback
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

import dancity_sdk
import dptcay_sdk
import shared_auth
import shared_auth.fleet
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
        with pytest.raises(dancity_sdk.NotFoundError) as dancity_error:
            await dc.vas.transactions.get("tx_1")
    assert _shown(dptcay_error.value) == "dptcay_sdk.NotFoundError"
    assert _shown(dancity_error.value) == "dancity_sdk.NotFoundError"
    # Raised as the SDK's own class (never re-classed): the shared names catch both.
    assert type(dptcay_error.value) is dptcay_sdk.NotFoundError
    assert type(dancity_error.value) is dancity_sdk.NotFoundError
    for error in (dptcay_error.value, dancity_error.value):
        assert isinstance(error, shared_auth.APIStatusError)
        assert isinstance(error, shared_auth.SDKError)
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


def test_an_sdk_error_pickles_as_itself() -> None:
    error = dptcay_sdk.InvalidInputError("bad amount", field="amount")
    assert _shown(error) == "dptcay_sdk.InvalidInputError"
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(restored) is dptcay_sdk.InvalidInputError
    assert restored.field == "amount"
    assert str(restored) == "bad amount"


def test_errors_raised_before_any_call_show_the_sdk_or_a_public_module() -> None:
    # A constructor's and from_env's checks, shared or not, raise the SDK's classes.
    with pytest.raises(dptcay_sdk.ConfigurationError) as bad_key:
        AsyncDptcayClient("dcy_live_" + "a" * 40)
    with pytest.raises(dancity_sdk.MissingCredentialError) as no_key:
        AsyncDancityClient()
    with pytest.raises(dptcay_sdk.ConfigurationError) as bad_timeout:
        AsyncDptcayClient(DPTCAY_KEY, timeout=-1)  # checked by the shared code
    with pytest.raises(dancity_sdk.ConfigurationError) as bad_log:
        AsyncDancityClient.from_env(environ={"DANCITY_API_KEY": DANCITY_KEY, "DANCITY_LOG": "x"})
    assert _shown(bad_key.value) == "dptcay_sdk.ConfigurationError"
    assert _shown(no_key.value) == "dancity_sdk.MissingCredentialError"
    assert _shown(bad_timeout.value) == "dptcay_sdk.ConfigurationError"
    assert _shown(bad_log.value) == "dancity_sdk.ConfigurationError"
    # Raised by the shared code outside any client: the shared, public name.
    with pytest.raises(shared_auth.ConfigurationError) as shared:
        shared_auth.fleet.open_journal("/nonexistent/folder/journal.db")
    assert _shown(shared.value) == "shared_auth.ConfigurationError"
    with pytest.raises(dancity_sdk.UnsupportedOperationError) as unsupported:
        raise dancity_sdk.UnsupportedOperationError(
            "no cards here",
            operation="cards.create",
            api_version="2026-04-27",
            available_in=("2026-05-31",),
        )
    assert _shown(unsupported.value) == "dancity_sdk.UnsupportedOperationError"
    for name in ("IntentConflictError", "JournalError", "JournalUnavailableError", "InboxError"):
        assert getattr(shared_auth.fleet, name).__module__ == "shared_auth.fleet"


def test_no_error_is_re_classed_in_place() -> None:
    # ``error.__class__ = ...`` decides the class after the exception exists: nowhere.
    import ast  # noqa: PLC0415

    assigned = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for package in ("shared_auth", "dptcay_sdk", "dancity_sdk")
        for path in sorted((ROOT / package).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and target.attr == "__class__"
    ]
    assert assigned == []


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


@pytest.mark.anyio
async def test_a_shared_error_raised_outside_the_pipeline_leaves_as_the_sdk_s_class(
    tmp_path: Path,
) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        dp = AsyncDptcayClient(DPTCAY_KEY, http_client=http, journal=tmp_path / "never.db")
        # The journal (shared code) refuses before anything is sent: a journal error...
        with pytest.raises(shared_auth.fleet.JournalMissingError) as caught:
            await dp.payments.create(amount=Decimal(5), currency="USDC", order_id="o-1")
        with pytest.raises(dptcay_sdk.JournalMissingError) as checked:
            await dp.check_journal()
    assert sent == []
    # ...that leaves the client as dptcay's class, its message and attributes kept.
    for error in (caught.value, checked.value):
        assert type(error) is dptcay_sdk.JournalMissingError
        assert _shown(error) == "dptcay_sdk.JournalMissingError"
        assert error.backend == "sqlite"
        assert "shared_auth.fleet init" in str(error)
    assert caught.value.reference == "o-1"


def test_a_converted_error_keeps_its_chain_notes_and_traceback() -> None:
    from dptcay_sdk._exceptions import ERRORS  # noqa: PLC0415

    cause = OSError("disk gone")
    try:
        try:
            raise cause
        except OSError as exc:
            raise shared_auth.APITimeoutError("slow", method="GET", path="/x") from exc
    except shared_auth.APITimeoutError as error:
        error.add_note("3 attempts were made")
        original = error
    converted = ERRORS.convert(original)
    assert type(converted) is dptcay_sdk.APITimeoutError
    assert (converted.args, converted.method, converted.path) == (("slow",), "GET", "/x")
    assert converted.__cause__ is cause
    assert converted.__traceback__ is original.__traceback__
    assert converted.__notes__ == ["3 attempts were made"]
    assert ERRORS.convert(converted) is converted  # already the SDK's: handed on as is
