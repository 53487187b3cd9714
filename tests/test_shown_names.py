"""Every error a user can see shows a public name, and its message names the class called.

The rule for the shared classes: raised by a client (its constructor, ``from_env``, its
calls), an error is the SDK's class (``dptcay_sdk.ConfigurationError``); raised by shared
code used on its own (``open_journal``, ``aiohttp_http_client()``, ``Inbox.receive``), it is
the shared class, shown under the public module that exports it
(``shared_auth.ConfigurationError``, ``shared_auth.fleet.IntentConflictError``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import traceback
from pathlib import Path

import pytest

import dancity_sdk
import dptcay_sdk
import shared_auth
import shared_auth.fleet
from dancity_sdk import AsyncDancityClient, DancityClient
from dancity_sdk.webhooks import DancityWebhookSource
from dptcay_sdk import AsyncDptcayClient, DptcayClient

DPTCAY_KEY = "dp_test_sk_" + "0" * 24
DANCITY_KEY = "dcy_live_" + "ab" * 20
PUBLIC_MODULES = (
    "shared_auth",
    "shared_auth.fleet",
    "shared_auth.testing",
    "dptcay_sdk",
    "dptcay_sdk.testing",
    "dancity_sdk",
    "dancity_sdk.webhooks",
    "dancity_sdk.testing",
)


def _shown(exc: BaseException) -> str:
    """The ``module.Class: message`` line a traceback ends with."""
    return traceback.format_exception_only(exc)[-1].rstrip("\n")


def _every_module() -> None:
    for package in ("shared_auth", "dptcay_sdk", "dancity_sdk"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)


def _all_subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def test_every_sdk_error_shows_a_public_module_it_can_be_imported_from() -> None:
    _every_module()
    for cls in _all_subclasses(shared_auth.SDKError) | {shared_auth.SDKError}:
        if cls.__module__.split(".")[0] not in {"shared_auth", "dptcay_sdk", "dancity_sdk"}:
            continue  # a test's own subclass
        parts = cls.__module__.split(".")
        assert not any(part.startswith("_") for part in parts), f"{cls.__module__}.{cls.__name__}"
        assert getattr(importlib.import_module(cls.__module__), cls.__qualname__) is cls


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_exported_exception_shows_the_module_it_is_exported_from(name: str) -> None:
    module = importlib.import_module(name)
    for public in module.__all__:
        value = getattr(module, public)
        if inspect.isclass(value) and issubclass(value, BaseException):
            shown = importlib.import_module(value.__module__)
            assert not any(part.startswith("_") for part in value.__module__.split(".")), public
            assert getattr(shown, value.__qualname__) is value, public


def test_a_misspelt_with_options_keyword_names_the_async_class_called() -> None:
    dp = AsyncDptcayClient(DPTCAY_KEY)
    with pytest.raises(TypeError) as dptcay_error:
        dp.with_options(timout=5)  # type: ignore[call-arg]
    dc = AsyncDancityClient(api_key=DANCITY_KEY)
    with pytest.raises(TypeError) as dancity_error:
        dc.with_options(deadlin=5)  # type: ignore[call-arg]
    assert _shown(dptcay_error.value) == (
        "TypeError: AsyncDptcayClient.with_options() got an unexpected keyword argument "
        "'timout'; did you mean 'timeout'?"
    )
    assert _shown(dancity_error.value) == (
        "TypeError: AsyncDancityClient.with_options() got an unexpected keyword argument "
        "'deadlin'; did you mean 'deadline'?"
    )


def test_a_misspelt_keyword_of_a_blocking_twin_names_the_twin() -> None:
    with DptcayClient(DPTCAY_KEY) as dp, pytest.raises(TypeError) as options:
        dp.with_options(timout=5)  # type: ignore[call-arg]
    with pytest.raises(TypeError) as constructor:
        DptcayClient(DPTCAY_KEY, timout=5)  # type: ignore[call-arg]
    assert _shown(options.value) == (
        "TypeError: DptcayClient.with_options() got an unexpected keyword argument "
        "'timout'; did you mean 'timeout'?"
    )
    assert _shown(constructor.value) == (
        "TypeError: DptcayClient() got an unexpected keyword argument "
        "'timout'; did you mean 'timeout'?"
    )


def test_from_env_without_a_key_says_which_class_to_pass_it_to() -> None:
    with pytest.raises(dptcay_sdk.ConfigurationError) as blocking:
        DptcayClient.from_env(environ={})
    with pytest.raises(dptcay_sdk.ConfigurationError) as async_:
        AsyncDptcayClient.from_env(environ={})
    assert _shown(blocking.value) == (
        "dptcay_sdk.ConfigurationError: the environment variable DPTCAY_API_KEY is not set (or "
        "empty): set it to your dptcay key (dp_live_sk_… or dp_test_sk_…), or pass api_key= "
        "to DptcayClient"
    )
    assert str(async_.value).endswith("or pass api_key= to AsyncDptcayClient")


def test_a_blocking_twin_without_credentials_names_itself() -> None:
    with pytest.raises(dancity_sdk.MissingCredentialError) as blocking:
        DancityClient()
    with pytest.raises(dancity_sdk.MissingCredentialError) as async_:
        AsyncDancityClient()
    assert _shown(blocking.value).startswith(
        "dancity_sdk.MissingCredentialError: DancityClient needs at least one credential:"
    )
    assert _shown(async_.value).startswith(
        "dancity_sdk.MissingCredentialError: AsyncDancityClient needs at least one credential:"
    )


def test_open_journal_outside_a_client_shows_the_shared_public_name(tmp_path: Path) -> None:
    with pytest.raises(shared_auth.ConfigurationError) as folder:
        shared_auth.fleet.open_journal(str(tmp_path / "missing" / "journal.db"))
    with pytest.raises(shared_auth.ConfigurationError) as scheme:
        shared_auth.fleet.open_journal("ftp://example.com/journal")
    for error in (folder.value, scheme.value):
        assert type(error) is shared_auth.ConfigurationError
        assert _shown(error).startswith("shared_auth.ConfigurationError: ")


def test_the_journal_and_intent_errors_show_shared_auth_fleet() -> None:
    for name in ("IntentConflictError", "IntentInProgressError", "IntentNeedsReviewError"):
        cls = getattr(shared_auth.fleet, name)
        assert f"{cls.__module__}.{cls.__qualname__}" == f"shared_auth.fleet.{name}"
    error = shared_auth.JournalMissingError("never created", backend="sqlite", journal="/j.db")
    assert _shown(error) == (
        "shared_auth.fleet.JournalMissingError: never created [journal=/j.db, backend=sqlite]"
    )
    assert shared_auth.JournalError is shared_auth.fleet.JournalError


def test_a_journal_error_inside_a_client_is_the_sdks_class() -> None:
    journal_error = shared_auth.JournalUnavailableError("down", backend="redis", journal="r")
    converted = dptcay_sdk._exceptions.ERRORS.convert(journal_error)
    assert _shown(converted) == (
        "dptcay_sdk.JournalUnavailableError: down [journal=r, backend=redis]"
    )
    assert isinstance(converted, shared_auth.fleet.JournalUnavailableError)
    assert isinstance(converted, dptcay_sdk.JournalError)


@pytest.mark.anyio
async def test_aiohttp_http_client_outside_a_client_shows_the_shared_name(
    anyio_backend: str,
) -> None:
    if anyio_backend == "asyncio":
        async with dptcay_sdk.aiohttp_http_client() as http:
            assert http.is_closed is False
        return
    with pytest.raises(shared_auth.ConfigurationError) as info:
        dptcay_sdk.aiohttp_http_client()
    assert type(info.value) is shared_auth.ConfigurationError
    assert _shown(info.value).startswith("shared_auth.ConfigurationError: ")


@pytest.mark.anyio
async def test_inbox_receive_shows_the_public_names(tmp_path: Path) -> None:
    source = DancityWebhookSource(["whsec_test_secret_123"])
    inbox = shared_auth.fleet.open_inbox(str(tmp_path / "inbox.db"), source, create=True)
    try:
        with pytest.raises(shared_auth.SDKError) as refused:
            await inbox.receive(b'{"event": "x"}', {"x-dancity-signature": "sha256=00"})
    finally:
        await inbox.aclose()
    shown = _shown(refused.value).split(":", 1)[0]
    assert shown == "dancity_sdk.webhooks.WebhookSignatureError"


JWT = (
    "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9."
    "eyJzdWIiOiAidXNlci0xIiwgImV4cCI6IDQxMDI0NDQ4MDB9.c2lnbmF0dXJl"
)
NO_KEY = (
    "dancity_sdk.MissingCredentialError: client.vas.* needs the merchant API key "
    "(dcy_live_<40 hex>): pass {}(api_key=...), set DANCITY_API_KEY for from_env(), or call "
    "client.set_api_key(...)."
)


def test_a_blocking_twins_call_without_its_credential_names_the_twin() -> None:
    with DancityClient(jwt=JWT) as dc, pytest.raises(dancity_sdk.MissingCredentialError) as info:
        dc.vas.wallet.balances()
    assert _shown(info.value).startswith(NO_KEY.format("DancityClient"))


@pytest.mark.anyio
async def test_an_async_call_without_its_credential_names_the_async_client() -> None:
    async with AsyncDancityClient(jwt=JWT) as dc:
        with pytest.raises(dancity_sdk.MissingCredentialError) as info:
            await dc.vas.wallet.balances()
    assert _shown(info.value).startswith(NO_KEY.format("AsyncDancityClient"))
