"""Every route family x credential combination: the right credential or no request at all."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

import dancity_sdk
from dancity_sdk import AsyncDancityClient, ConfigurationError, MissingCredentialError, webhooks
from dancity_sdk._routes import route_for
from dancity_sdk._spec import GENERATIONS

KEY = "dcy_live_" + "ab" * 20
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl"
OK_BODY = {"success": True, "message": "ok", "data": {"_id": "w1", "balance": 10}}


class Recorder:
    """A MockTransport that records every request and answers a canned success."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=OK_BODY)


Call = Callable[[AsyncDancityClient], Awaitable[Any]]


async def call_vas(dc: AsyncDancityClient) -> Any:
    return await dc.vas.transactions.get("DNTY0000000000AB")


async def call_app(dc: AsyncDancityClient) -> Any:
    return await dc.app.wallet.get("w1")


CREDENTIALS = {
    "key-only": {"api_key": KEY},
    "jwt-only": {"jwt": JWT},
    "both": {"api_key": KEY, "jwt": JWT},
}


@pytest.mark.anyio
@pytest.mark.parametrize("creds", list(CREDENTIALS))
@pytest.mark.parametrize("family", ["vas", "app"])
async def test_family_uses_its_credential_or_refuses_before_io(creds: str, family: str) -> None:
    recorder = Recorder()
    kwargs = CREDENTIALS[creds]
    async with httpx.AsyncClient(transport=recorder.transport) as http:
        dc = AsyncDancityClient(kwargs.get("api_key"), jwt=kwargs.get("jwt"), http_client=http)
        call = call_vas if family == "vas" else call_app
        has_credential = "api_key" in kwargs if family == "vas" else "jwt" in kwargs
        if not has_credential:
            with pytest.raises(MissingCredentialError) as info:
                await call(dc)
            assert recorder.requests == []
            expected = (
                ("api_key=", "DANCITY_API_KEY") if family == "vas" else ("jwt=", "DANCITY_JWT")
            )
            assert all(word in str(info.value) for word in expected)
            return
        await call(dc)
    (request,) = recorder.requests
    if family == "vas":
        assert request.url.path.startswith("/api/v1/")  # the default: the newest description
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert request.headers["channel"] == "API"
    else:
        assert request.url.path == "/api/wallet/w1"
        assert request.headers["Authorization"] == f"Bearer {JWT}"
        assert "channel" not in request.headers


def test_no_credential_at_all_is_refused() -> None:
    with pytest.raises(MissingCredentialError, match="DANCITY_API_KEY"):
        AsyncDancityClient()


def test_a_jwt_can_never_be_the_merchant_key() -> None:
    with pytest.raises(ConfigurationError, match="jwt=") as info:
        AsyncDancityClient(JWT)
    assert JWT not in str(info.value)


def test_a_merchant_key_can_never_be_the_jwt() -> None:
    with pytest.raises(ConfigurationError, match="api_key=") as info:
        AsyncDancityClient(jwt=KEY)
    assert KEY not in str(info.value)


def test_set_api_key_rejects_a_jwt() -> None:
    dc = AsyncDancityClient(KEY)
    with pytest.raises(ConfigurationError):
        dc.set_api_key(JWT)
    with pytest.raises(ConfigurationError):
        dc.set_jwt(KEY)


def test_only_the_published_generations_are_accepted() -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncDancityClient(KEY, api_version="2026-06-01")
    assert all(v in str(info.value) for v in ("2026-04-27", "2026-05-09", "2026-05-31"))
    assert AsyncDancityClient(KEY).api_version == "2026-05-31"
    assert AsyncDancityClient(KEY, api_version="2026-05-09").vas_prefix == "/api/external/v1"


def test_vas_prefix_is_a_deprecated_alias_of_the_newest_generation_under_it() -> None:
    with pytest.warns(DeprecationWarning, match="api_version"):
        assert AsyncDancityClient(KEY, vas_prefix="/api/v1/").api_version == "2026-05-31"
    with pytest.warns(DeprecationWarning, match="vas_prefix"):
        assert AsyncDancityClient(KEY, vas_prefix="/api/external/v1").api_version == "2026-05-09"
    with (
        pytest.warns(DeprecationWarning, match="vas_prefix"),
        pytest.raises(ConfigurationError) as info,
    ):
        AsyncDancityClient(KEY, vas_prefix="/api/v2")
    assert "/api/external/v1" in str(info.value)
    assert "/api/v1" in str(info.value)
    with (
        pytest.warns(DeprecationWarning, match="vas_prefix"),
        pytest.raises(ConfigurationError, match="contradicts"),
    ):
        AsyncDancityClient(KEY, vas_prefix="/api/v1", api_version="2026-04-27")


def test_channel_must_be_documented() -> None:
    with pytest.raises(ConfigurationError, match="channel"):
        AsyncDancityClient(KEY, channel="MOBILE")  # type: ignore[arg-type]


def test_jwt_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="jwt must be"):
        AsyncDancityClient(jwt=42)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_set_api_key_and_set_jwt_enable_a_missing_family() -> None:
    recorder = Recorder()
    async with httpx.AsyncClient(transport=recorder.transport) as http:
        dc = AsyncDancityClient(jwt=JWT, http_client=http)
        dc.set_api_key(KEY)
        await call_vas(dc)
        dc2 = AsyncDancityClient(KEY, http_client=http)
        dc2.set_jwt(JWT)
        await call_app(dc2)
    assert recorder.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    assert recorder.requests[1].headers["Authorization"] == f"Bearer {JWT}"


@pytest.mark.anyio
async def test_from_env_reads_every_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANCITY_API_KEY", KEY)
    monkeypatch.setenv("DANCITY_JWT", JWT)
    monkeypatch.setenv("DANCITY_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("DANCITY_API_VERSION", "2026-04-27")
    recorder = Recorder()
    async with httpx.AsyncClient(transport=recorder.transport) as http:
        dc = AsyncDancityClient.from_env(http_client=http)
        await call_vas(dc)
        await call_app(dc)
    assert dc.base_url == "http://127.0.0.1:9"
    assert dc.api_version == "2026-04-27"
    assert str(recorder.requests[0].url).startswith(
        "http://127.0.0.1:9/api/external/v1/transactions/"
    )
    assert recorder.requests[1].headers["Authorization"] == f"Bearer {JWT}"


def test_from_env_without_credentials_names_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DANCITY_API_KEY", raising=False)
    monkeypatch.delenv("DANCITY_JWT", raising=False)
    with pytest.raises(MissingCredentialError, match="DANCITY_JWT"):
        AsyncDancityClient.from_env()


def test_repr_shows_no_credential() -> None:
    dc = AsyncDancityClient(KEY, jwt=JWT)
    assert KEY not in repr(dc)
    assert JWT not in repr(dc)
    assert "vas" in repr(dc)


@pytest.mark.anyio
async def test_throttles_follow_the_route_table() -> None:
    dc = AsyncDancityClient(KEY, jwt=JWT)
    ops = GENERATIONS[dc.api_version].operations
    buy, validate = route_for(ops["airtime.buy"]), route_for(ops["cable.validate"])
    internet = route_for(ops["internet.buy"])
    assert len(dc._route_throttles(buy)) == 2  # per key + purchases
    assert len(dc._route_throttles(internet)) == 1  # not among the guide's limited purchases
    assert len(dc._route_throttles(validate)) == 1
    assert validate.idempotent is True
    assert buy.idempotent is False
    assert internet.idempotent is False
    off = AsyncDancityClient(KEY, throttle=False)
    assert off._route_throttles(buy) == ()
    assert json.dumps(OK_BODY)  # keeps the canned body JSON-serialisable


def test_public_names_are_sorted_and_importable() -> None:
    for module in (dancity_sdk, webhooks):
        assert list(module.__all__) == sorted(module.__all__)
        assert all(hasattr(module, name) for name in module.__all__)
