"""``from_env()``: the constructor's keywords, typed; ``DPTCAY_LOG`` / ``DANCITY_LOG``."""

from __future__ import annotations

import inspect
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import dptcay_sdk
from dancity_sdk import AsyncDancityClient, ConfigurationError, MissingCredentialError
from dptcay_sdk import AsyncDptcayClient
from shared_auth._logenv import _EnvHandler

DPTCAY_KEY = "dp_test_sk_" + "0" * 24
OTHER_DPTCAY_KEY = "dp_test_sk_" + "1" * 24
DANCITY_KEY = "dcy_live_" + "ab" * 20


@pytest.mark.parametrize("cls", [AsyncDptcayClient, AsyncDancityClient])
def test_from_env_takes_the_constructors_options_record(cls: Any) -> None:
    init = inspect.signature(cls.__init__).parameters
    from_env = inspect.signature(cls.from_env).parameters
    assert list(from_env) == ["api_key", "environ", "options"]
    assert from_env["options"].kind is inspect.Parameter.VAR_KEYWORD
    assert init["options"].kind is inspect.Parameter.VAR_KEYWORD
    # One record types both: its options are declared once.
    assert from_env["options"].annotation == init["options"].annotation
    assert init["options"].annotation == f"Unpack[{cls.__name__.removeprefix('Async')[:-6]}Options]"


@pytest.mark.parametrize(
    ("call", "method", "wrong", "meant"),
    [
        (
            lambda: AsyncDancityClient(DANCITY_KEY, jwtt="x"),  # type: ignore[call-arg]
            "AsyncDancityClient()",
            "jwtt",
            "jwt",
        ),
        (
            lambda: AsyncDancityClient.from_env(environ={}, api_verison="2026-05-09"),  # type: ignore[call-arg]
            "AsyncDancityClient.from_env()",
            "api_verison",
            "api_version",
        ),
        (
            lambda: AsyncDptcayClient(DPTCAY_KEY).with_options(max_retry=0),  # type: ignore[call-arg]
            "AsyncDptcayClient.with_options()",
            "max_retry",
            "max_retries",
        ),
        (
            lambda: AsyncDancityClient(DANCITY_KEY).with_options(default_headers={}),  # type: ignore[call-arg]
            "AsyncDancityClient.with_options()",
            "default_headers",
            "extra_headers",
        ),
        (
            lambda: AsyncDptcayClient(DPTCAY_KEY, environ={}),  # type: ignore[call-arg]
            "AsyncDptcayClient()",
            "environ",
            None,
        ),
    ],
)
def test_a_misspelt_option_names_the_method_called(
    call: Any, method: str, wrong: str, meant: str | None
) -> None:
    with pytest.raises(TypeError) as caught:
        call()
    hint = "" if meant is None else f"; did you mean {meant!r}?"
    assert str(caught.value) == f"{method} got an unexpected keyword argument {wrong!r}{hint}"


def test_dptcay_keywords_override_the_environment() -> None:
    env = {"DPTCAY_API_KEY": DPTCAY_KEY, "DPTCAY_BASE_URL": "https://api.dptcay.io/v1"}
    dp = AsyncDptcayClient.from_env(environ=env)
    assert dp.base_url == "https://api.dptcay.io/v1"
    dp = AsyncDptcayClient.from_env(
        environ=env, base_url="http://127.0.0.1:8765/v1", api_key=OTHER_DPTCAY_KEY
    )
    assert dp.base_url == "http://127.0.0.1:8765/v1"
    assert dp.api_key.get_secret_value() == OTHER_DPTCAY_KEY
    assert AsyncDptcayClient.from_env(environ={}, api_key=DPTCAY_KEY).api_key
    with pytest.raises(dptcay_sdk.ConfigurationError, match="DPTCAY_API_KEY"):
        AsyncDptcayClient.from_env(environ={})


def test_dancity_keywords_override_the_environment_and_typos_are_refused() -> None:
    env = {"DANCITY_API_KEY": DANCITY_KEY, "DANCITY_JWT": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}
    dc = AsyncDancityClient.from_env(environ=env, api_version="2026-05-09")
    assert dc.vas_prefix == "/api/external/v1"
    env_version = {**env, "DANCITY_API_VERSION": "2026-04-27"}
    assert AsyncDancityClient.from_env(environ=env_version).api_version == "2026-04-27"
    assert AsyncDancityClient.from_env(environ=env).api_version == "2026-05-31"  # the newest
    assert "app" in repr(dc)
    merchant_only = AsyncDancityClient.from_env(environ=env, jwt=None)
    assert "app" not in repr(merchant_only).split("families=")[-1]
    with pytest.raises(MissingCredentialError):
        AsyncDancityClient.from_env(environ={})
    with pytest.raises(TypeError):
        AsyncDancityClient.from_env(environ=env, jwtt="x")  # type: ignore[call-arg]


@pytest.fixture
def clean_loggers() -> Iterator[None]:
    yield
    for name in ("dptcay_sdk", "dancity_sdk"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.NOTSET)
        for handler in [h for h in logger.handlers if isinstance(h, _EnvHandler)]:
            logger.removeHandler(handler)


def _env_handlers(name: str) -> list[logging.Handler]:
    return [h for h in logging.getLogger(name).handlers if isinstance(h, _EnvHandler)]


@pytest.mark.anyio
@pytest.mark.usefixtures("clean_loggers")
async def test_dptcay_log_debug_prints_attempt_lines_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {"DPTCAY_API_KEY": DPTCAY_KEY, "DPTCAY_LOG": "debug"}
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json={"data": []}))
    async with httpx.AsyncClient(transport=transport) as http:
        dp = AsyncDptcayClient.from_env(environ=env, http_client=http)
        AsyncDptcayClient.from_env(environ=env, http_client=http)  # a second client
        await dp.currencies.list()
    assert len(_env_handlers("dptcay_sdk")) == 1
    assert logging.getLogger("dptcay_sdk").level == logging.DEBUG
    err = capsys.readouterr().err
    assert "DEBUG dptcay_sdk: GET /currencies -> 200" in err
    assert DPTCAY_KEY not in err


@pytest.mark.usefixtures("clean_loggers")
def test_dancity_log_info_and_bad_values() -> None:
    env = {"DANCITY_API_KEY": DANCITY_KEY, "DANCITY_LOG": "INFO"}
    AsyncDancityClient.from_env(environ=env)
    assert logging.getLogger("dancity_sdk").level == logging.INFO
    assert len(_env_handlers("dancity_sdk")) == 1
    with pytest.raises(ConfigurationError, match="DANCITY_LOG must be 'debug' or 'info'"):
        AsyncDancityClient.from_env(environ={**env, "DANCITY_LOG": "verbose"})


def test_importing_the_sdks_never_touches_logging() -> None:
    code = (
        "import logging, dptcay_sdk, dancity_sdk\n"
        "for name in ('dptcay_sdk', 'dancity_sdk'):\n"
        "    logger = logging.getLogger(name)\n"
        "    print(logger.level, len(logger.handlers))\n"
    )
    result = subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", code],
        env={"DPTCAY_LOG": "debug", "DANCITY_LOG": "debug", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]),
    )
    assert result.stdout == "0 0\n0 0\n"
