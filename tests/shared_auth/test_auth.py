"""The three credential strategies as httpx.Auth flows: headers, key formats, JWT refresh."""

from __future__ import annotations

import base64
import functools
import traceback
from collections.abc import Callable

import anyio
import httpx
import pytest

from dancity_sdk._credentials import CHANNELS as DANCITY_CHANNELS
from dancity_sdk._credentials import DancityJWTAuth, DancityKeyAuth
from dptcay_sdk._credentials import DptcayKeyAuth
from shared_auth import ConfigurationError, MissingCredentialError, Secret
from tests.shared_auth._support import (
    DANCITY_KEY,
    DANCITY_KEY_2,
    DPTCAY_LIVE_KEY,
    DPTCAY_TEST_KEY,
    RecordingASGIApp,
    make_jwt,
    streamed_body,
)

URL = "https://api.example.test/v1/things"
FAR_FUTURE = 4_102_444_800.0  # 2100-01-01


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


def _recording(
    seen: list[httpx.Request], status: Callable[[httpx.Request], int] = lambda _: 200
) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        # A snapshot: a replay mutates the same request object's headers.
        seen.append(
            httpx.Request(
                request.method, request.url, headers=request.headers.copy(), content=request.read()
            )
        )
        return httpx.Response(status(request), json={"ok": True})

    return httpx.MockTransport(handler)


def _leaks(exc: BaseException, secret: str) -> bool:
    text = str(exc) + repr(exc) + "".join(traceback.format_exception(exc))
    return secret in text


# --- driving each flow directly ----------------------------------------------------------


def test_dptcay_flow_sets_only_the_bearer_header() -> None:
    auth = DptcayKeyAuth(DPTCAY_LIVE_KEY)
    request = httpx.Request("GET", URL)
    flow = auth.sync_auth_flow(request)
    sent = next(flow)
    assert sent is request
    assert sent.headers["Authorization"] == f"Bearer {DPTCAY_LIVE_KEY}"
    assert "channel" not in sent.headers
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200))


@pytest.mark.anyio
async def test_dptcay_async_flow_sets_the_bearer_header() -> None:
    auth = DptcayKeyAuth(Secret(DPTCAY_TEST_KEY))
    flow = auth.async_auth_flow(httpx.Request("GET", URL))
    sent = await flow.__anext__()
    assert sent.headers["Authorization"] == f"Bearer {DPTCAY_TEST_KEY}"
    with pytest.raises(StopAsyncIteration):
        await flow.asend(httpx.Response(200))


@pytest.mark.parametrize(("key", "live"), [(DPTCAY_LIVE_KEY, True), (DPTCAY_TEST_KEY, False)])
def test_dptcay_key_properties(key: str, live: bool) -> None:
    auth = DptcayKeyAuth(key)
    assert auth.livemode is live
    assert auth.key == Secret(key)


def test_dancity_flow_sets_bearer_and_channel_api_by_default() -> None:
    auth = DancityKeyAuth(DANCITY_KEY)
    sent = next(auth.sync_auth_flow(httpx.Request("POST", URL, json={"a": 1})))
    assert sent.headers["Authorization"] == f"Bearer {DANCITY_KEY}"
    assert sent.headers.get_list("channel") == ["API"]
    assert auth.channel == "API"
    assert auth.key == Secret(DANCITY_KEY)


@pytest.mark.parametrize("channel", DANCITY_CHANNELS)
def test_dancity_channel_is_configurable(channel: str) -> None:
    auth = DancityKeyAuth(DANCITY_KEY, channel=channel)  # type: ignore[arg-type]
    sent = next(auth.sync_auth_flow(httpx.Request("GET", URL)))
    assert sent.headers.get_list("channel") == [channel]


def test_dancity_channels_are_the_documented_five() -> None:
    assert set(DANCITY_CHANNELS) == {"API", "WEB", "IOS APP", "ANDROID APP", "USSD"}


@pytest.mark.parametrize("channel", ["api", "Api", "SMS", "", "API ", "IOS_APP", "MOBILE"])
def test_dancity_refuses_other_channels(channel: str) -> None:
    with pytest.raises(ConfigurationError, match="channel must be one of API, WEB"):
        DancityKeyAuth(DANCITY_KEY, channel=channel)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_jwt_flow_sets_bearer_and_never_channel() -> None:
    token = make_jwt(exp=FAR_FUTURE)
    auth = DancityJWTAuth(token)
    flow = auth.async_auth_flow(httpx.Request("GET", URL))
    sent = await flow.__anext__()
    assert sent.headers["Authorization"] == f"Bearer {token}"
    assert "channel" not in sent.headers
    with pytest.raises(StopAsyncIteration):
        await flow.asend(httpx.Response(200))
    assert auth.token == Secret(token)


# --- through a client -------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("make_auth", "authorization", "channel"),
    [
        (lambda: DptcayKeyAuth(DPTCAY_LIVE_KEY), f"Bearer {DPTCAY_LIVE_KEY}", None),
        (lambda: DancityKeyAuth(DANCITY_KEY), f"Bearer {DANCITY_KEY}", "API"),
        (
            lambda: DancityKeyAuth(DANCITY_KEY, channel="USSD"),
            f"Bearer {DANCITY_KEY}",
            "USSD",
        ),
        (
            lambda: DancityJWTAuth(make_jwt(exp=FAR_FUTURE)),
            f"Bearer {make_jwt(exp=FAR_FUTURE)}",
            None,
        ),
    ],
    ids=["dptcay", "dancity-key", "dancity-key-ussd", "dancity-jwt"],
)
async def test_headers_through_a_client(
    make_auth: Callable[[], httpx.Auth], authorization: str, channel: str | None
) -> None:
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_recording(seen)) as client:
        response = await client.post(URL, json={"x": 1}, auth=make_auth())
    assert response.status_code == 200
    assert len(seen) == 1
    assert seen[0].headers.get_list("authorization") == [authorization]
    if channel is None:
        assert "channel" not in seen[0].headers
    else:
        assert seen[0].headers.get_list("channel") == [channel]


# --- key formats ------------------------------------------------------------------------

_HEX40 = "0123456789abcdef0123456789abcdef01234567"

DPTCAY_BAD = {
    "dancity-key": DANCITY_KEY,
    "jwt": make_jwt(exp=FAR_FUTURE),
    "too-short": "dp_live_sk_abc123",
    "unknown-mode": "dp_prod_sk_4f9Kq2Lm8Zr1Tx7Vb3Nc",
    "publishable": "dp_live_pk_4f9Kq2Lm8Zr1Tx7Vb3Nc",
    "leading-space": " " + DPTCAY_LIVE_KEY,
    "trailing-newline": DPTCAY_LIVE_KEY + "\n",
    "inner-space": "dp_live_sk_4f9Kq2Lm 8Zr1Tx7Vb3Nc",
    "punctuation": "dp_live_sk_4f9Kq2Lm-8Zr1Tx7Vb3Nc",
    "bearer-prefix": "Bearer " + DPTCAY_LIVE_KEY,
    "unicode-digit": "dp_live_sk_4f9Kq2Lm8Zr1Tx7Vb3N\u0663",
}

DANCITY_BAD = {
    "dptcay-key": DPTCAY_LIVE_KEY,
    "jwt": make_jwt(exp=FAR_FUTURE),
    "39-hex": "dcy_live_" + _HEX40[:39],
    "41-hex": "dcy_live_" + _HEX40 + "8",
    "uppercase-hex": "dcy_live_" + _HEX40.upper(),
    "non-hex": "dcy_live_" + "g" * 40,
    "test-mode": "dcy_test_" + _HEX40,
    "leading-space": " " + DANCITY_KEY,
    "trailing-space": DANCITY_KEY + " ",
    "trailing-newline": DANCITY_KEY + "\n",
    "inner-tab": "dcy_live_" + _HEX40[:20] + "\t" + _HEX40[20:],
    "bearer-prefix": "Bearer " + DANCITY_KEY,
}


@pytest.mark.parametrize("bad", DPTCAY_BAD.values(), ids=DPTCAY_BAD.keys())
@pytest.mark.parametrize("wrap", [str, Secret], ids=["str", "Secret"])
def test_dptcay_refuses_malformed_keys(bad: str, wrap: Callable[[str], str | Secret]) -> None:
    with pytest.raises(ConfigurationError) as info:
        DptcayKeyAuth(wrap(bad))
    message = str(info.value)
    assert "'dp_live_sk_…' or 'dp_test_sk_…'" in message
    assert "at least 16 letters or digits" in message
    assert not _leaks(info.value, bad.strip())


@pytest.mark.parametrize("bad", DANCITY_BAD.values(), ids=DANCITY_BAD.keys())
@pytest.mark.parametrize("wrap", [str, Secret], ids=["str", "Secret"])
def test_dancity_refuses_malformed_keys(bad: str, wrap: Callable[[str], str | Secret]) -> None:
    with pytest.raises(ConfigurationError) as info:
        DancityKeyAuth(wrap(bad))
    message = str(info.value)
    assert "dcy_live_<40-char-hex>" in message
    assert "exactly 40 lowercase hex" in message
    assert not _leaks(info.value, bad.strip())


def test_refusal_messages_say_what_was_given() -> None:
    with pytest.raises(ConfigurationError, match=r"got a Dancity merchant key \(dcy_live_…\)"):
        DptcayKeyAuth(DANCITY_KEY)
    with pytest.raises(ConfigurationError, match=r"got a JWT \(eyJ…\).*belongs in jwt="):
        DancityKeyAuth(make_jwt())
    with pytest.raises(ConfigurationError, match=r"got a dptcay key"):
        DancityKeyAuth(DPTCAY_LIVE_KEY)
    with pytest.raises(ConfigurationError, match="leading or trailing whitespace"):
        DancityKeyAuth(DANCITY_KEY + "\n")
    with pytest.raises(ConfigurationError, match="leading or trailing whitespace"):
        DptcayKeyAuth(" " + DPTCAY_LIVE_KEY)
    with pytest.raises(ConfigurationError, match="got a 5-character value"):
        DptcayKeyAuth("hello")


@pytest.mark.parametrize("bad", [None, 123, b"dp_live_sk_4f9Kq2Lm8Zr1Tx7Vb3Nc", ["k"]])
def test_non_string_keys_are_refused(bad: object) -> None:
    with pytest.raises(ConfigurationError, match=f"got a {type(bad).__name__}"):
        DptcayKeyAuth(bad)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=f"got a {type(bad).__name__}"):
        DancityKeyAuth(bad)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        DancityJWTAuth(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [DANCITY_KEY, DPTCAY_LIVE_KEY, "not-a-jwt", "only.two", "has space.in.it", "a.b.c.d", ""],
)
def test_jwt_refuses_non_jwts(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="must be a JWT") as info:
        DancityJWTAuth(bad)
    assert "belongs in api_key=" in str(info.value)
    if len(bad) > 8:
        assert not _leaks(info.value, bad)


def test_jwt_needs_a_token_or_a_provider() -> None:
    with pytest.raises(ConfigurationError, match="needs a token, an async provider, or both"):
        DancityJWTAuth()


@pytest.mark.parametrize(
    "payload",
    [
        b'{"exp": 1' + b"0" * 400 + b"}",  # an int no float can hold
        b'{"exp": 1e999}',
        b'{"exp": NaN}',
        b'{"exp": true}',
        b'{"exp": "soon"}',
        b"[1, 2]",
        b"\xff\xfe not json",
    ],
    ids=["huge-int", "inf", "nan", "bool", "str", "list", "binary"],
)
def test_unusable_exp_claims_mean_no_expiry(payload: bytes) -> None:
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    auth = DancityJWTAuth(f"eyJhbGciOiJIUzI1NiJ9.{body}.c2ln")
    assert auth._token is not None
    assert auth._token.expires_at is None


def test_jwt_with_a_bad_base64_payload_has_no_expiry() -> None:
    auth = DancityJWTAuth("eyJhbGciOiJIUzI1NiJ9.abcde.sig")  # 5 chars: not base64
    assert auth._token is not None
    assert auth._token.expires_at is None


# --- JWT refresh --------------------------------------------------------------------------


class _Provider:
    """An async token provider that counts its calls and returns once every other task waits."""

    def __init__(self, *tokens: str) -> None:
        self.tokens = list(tokens)
        self.calls = 0

    async def __call__(self) -> str | Secret:
        self.calls += 1
        await anyio.wait_all_tasks_blocked()  # concurrent callers now queue behind this call
        token = self.tokens[min(self.calls, len(self.tokens)) - 1]
        return Secret(token) if self.calls % 2 == 0 else token


@pytest.mark.anyio
async def test_static_expired_token_without_provider_is_refused_before_sending() -> None:
    expired = make_jwt(exp=1_000_000.0)  # 1970-01-12T13:46:40Z
    seen: list[httpx.Request] = []
    auth = DancityJWTAuth(expired, clock=lambda: 1_000_000.0 + 7_200)
    async with httpx.AsyncClient(transport=_recording(seen)) as client:
        with pytest.raises(MissingCredentialError) as info:
            await client.get(URL, auth=auth)
    assert seen == []
    message = str(info.value)
    assert "expired at 1970-01-12T13:46:40Z (2 h ago" in message
    assert "client.set_jwt(" in message
    assert "jwt= an async callable" in message
    assert not _leaks(info.value, expired)
    with pytest.raises(MissingCredentialError, match="expired"):
        auth.check_expiry()


@pytest.mark.anyio
async def test_static_token_is_sent_until_its_exp_and_without_exp_always() -> None:
    now = [1_000.0]
    seen: list[httpx.Request] = []
    expiring = DancityJWTAuth(make_jwt(exp=1_000.5), clock=lambda: now[0])
    timeless = DancityJWTAuth(make_jwt(sub="no-exp"), clock=lambda: now[0])
    async with httpx.AsyncClient(transport=_recording(seen)) as client:
        await client.get(URL, auth=expiring)
        now[0] = 1_000.5  # exp is the first second the token is no longer valid
        with pytest.raises(MissingCredentialError):
            await client.get(URL, auth=expiring)
        await client.get(URL, auth=timeless)
    assert len(seen) == 2


@pytest.mark.anyio
async def test_provider_only_fetches_a_token_on_first_use() -> None:
    fresh = make_jwt(exp=FAR_FUTURE, sub="first")
    provider = _Provider(fresh)
    auth = DancityJWTAuth(provider=provider)
    assert auth.token is None
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_recording(seen)) as client:
        await client.get(URL, auth=auth)
        await client.get(URL, auth=auth)
    assert provider.calls == 1
    assert [r.headers["authorization"] for r in seen] == [f"Bearer {fresh}"] * 2
    assert auth.token == Secret(fresh)


@pytest.mark.anyio
async def test_token_is_refreshed_within_the_margin_of_its_expiry() -> None:
    now = [1_000.0]
    old = make_jwt(exp=2_000.0, sub="old")
    new = make_jwt(exp=FAR_FUTURE, sub="new")
    provider = _Provider(new)
    auth = DancityJWTAuth(old, provider=provider, refresh_margin=30.0, clock=lambda: now[0])
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_recording(seen)) as client:
        now[0] = 1_969.9  # 30.1 s left: still fresh
        await client.get(URL, auth=auth)
        now[0] = 1_970.0  # 30 s left: refresh ahead of expiry
        await client.get(URL, auth=auth)
    assert [r.headers["authorization"] for r in seen] == [f"Bearer {old}", f"Bearer {new}"]
    assert provider.calls == 1
    assert auth.refresh_count == 1


@pytest.mark.anyio
async def test_concurrent_requests_with_an_expired_token_refresh_exactly_once() -> None:
    expired = make_jwt(exp=10.0, sub="expired")
    fresh = make_jwt(exp=FAR_FUTURE, sub="fresh")
    provider = _Provider(fresh, make_jwt(exp=FAR_FUTURE, sub="second"))
    auth = DancityJWTAuth(expired, provider=provider)
    seen: list[httpx.Request] = []
    async with (
        httpx.AsyncClient(transport=_recording(seen)) as client,
        anyio.create_task_group() as tg,
    ):
        for _ in range(100):
            tg.start_soon(functools.partial(client.get, URL, auth=auth))
    assert provider.calls == 1
    assert auth.refresh_count == 1
    assert len(seen) == 100
    assert {r.headers["authorization"] for r in seen} == {f"Bearer {fresh}"}


@pytest.mark.anyio
async def test_401_refreshes_once_and_replays_once() -> None:
    old = make_jwt(sub="old")  # no exp: only a 401 reveals it is stale
    new = make_jwt(exp=FAR_FUTURE, sub="new")
    provider = _Provider(new)
    auth = DancityJWTAuth(old, provider=provider)
    seen: list[httpx.Request] = []

    def status(request: httpx.Request) -> int:
        return 401 if request.headers["authorization"] == f"Bearer {old}" else 200

    async with httpx.AsyncClient(transport=_recording(seen, status)) as client:
        response = await client.post(URL, json={"amount": "5"}, auth=auth)
    assert response.status_code == 200
    assert provider.calls == 1
    assert [r.headers["authorization"] for r in seen] == [f"Bearer {old}", f"Bearer {new}"]
    assert [r.content for r in seen] == [b'{"amount":"5"}'] * 2
    assert all("channel" not in r.headers for r in seen)


@pytest.mark.anyio
async def test_a_second_401_is_returned_without_another_refresh() -> None:
    provider = _Provider(make_jwt(sub="new"), make_jwt(sub="newer"))
    auth = DancityJWTAuth(make_jwt(sub="old"), provider=provider)
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_recording(seen, lambda _: 401)) as client:
        response = await client.get(URL, auth=auth)
    assert response.status_code == 401
    assert len(seen) == 2
    assert provider.calls == 1


@pytest.mark.anyio
async def test_concurrent_401s_share_one_refresh() -> None:
    old = make_jwt(sub="old")
    new = make_jwt(sub="new")
    provider = _Provider(new, make_jwt(sub="newer"))
    auth = DancityJWTAuth(old, provider=provider)
    seen: list[httpx.Request] = []

    def status(request: httpx.Request) -> int:
        return 401 if request.headers["authorization"] == f"Bearer {old}" else 200

    async with (
        httpx.AsyncClient(transport=_recording(seen, status)) as client,
        anyio.create_task_group() as tg,
    ):
        for _ in range(20):
            tg.start_soon(functools.partial(client.get, URL, auth=auth))
    assert provider.calls == 1
    replays = [r for r in seen if r.headers["authorization"] == f"Bearer {new}"]
    assert len(replays) == 20


@pytest.mark.anyio
async def test_401_with_a_static_token_is_returned_as_is() -> None:
    token = make_jwt(sub="static")
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_recording(seen, lambda _: 401)) as client:
        response = await client.get(URL, auth=DancityJWTAuth(token))
    assert response.status_code == 401
    assert len(seen) == 1


@pytest.mark.anyio
async def test_a_provider_returning_a_non_jwt_is_refused_without_showing_it() -> None:
    async def provider() -> str:
        return DANCITY_KEY

    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_recording(seen)) as client:
        with pytest.raises(ConfigurationError, match="the JWT provider's result must be") as info:
            await client.get(URL, auth=DancityJWTAuth(provider=provider))
    assert seen == []
    assert not _leaks(info.value, DANCITY_KEY)


def test_the_sync_flow_raises_a_clear_error() -> None:
    seen: list[httpx.Request] = []
    auth = DancityJWTAuth(make_jwt(exp=FAR_FUTURE))
    with (
        httpx.Client(transport=_recording(seen)) as client,
        pytest.raises(RuntimeError, match=r"httpx\.AsyncClient only"),
    ):
        client.get(URL, auth=auth)
    assert seen == []


def test_key_flows_work_with_a_sync_client_too() -> None:
    seen: list[httpx.Request] = []
    with httpx.Client(transport=_recording(seen)) as client:
        client.get(URL, auth=DptcayKeyAuth(DPTCAY_LIVE_KEY))
        client.get(URL, auth=DancityKeyAuth(DANCITY_KEY))
    assert seen[0].headers["authorization"] == f"Bearer {DPTCAY_LIVE_KEY}"
    assert seen[1].headers["authorization"] == f"Bearer {DANCITY_KEY}"
    assert seen[1].headers["channel"] == "API"


# --- streamed bodies (a transport that really streams) --------------------------------------

CHUNKS = [b'{"amount": ', b'"12.50", ', b'"note": "streamed"}']


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("make_auth", "authorization", "channel"),
    [
        (lambda: DptcayKeyAuth(DPTCAY_LIVE_KEY), f"Bearer {DPTCAY_LIVE_KEY}", None),
        (lambda: DancityKeyAuth(DANCITY_KEY), f"Bearer {DANCITY_KEY}", "API"),
        (
            lambda: DancityJWTAuth(make_jwt(exp=FAR_FUTURE), provider=_Provider(make_jwt())),
            f"Bearer {make_jwt(exp=FAR_FUTURE)}",
            None,
        ),
    ],
    ids=["dptcay", "dancity-key", "dancity-jwt"],
)
async def test_a_streamed_body_is_sent_once_with_the_right_headers(
    make_auth: Callable[[], httpx.Auth], authorization: str, channel: str | None
) -> None:
    app = RecordingASGIApp()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.example.test") as c:
        response = await c.post("/v1/upload", content=streamed_body(CHUNKS), auth=make_auth())
    assert response.status_code == 200
    assert len(app.requests) == 1
    headers, chunks = app.requests[0]
    assert headers["authorization"] == authorization
    assert headers.get("channel") == channel
    assert headers.get("transfer-encoding") == "chunked"
    assert b"".join(chunks) == b"".join(CHUNKS)


@pytest.mark.anyio
async def test_a_401_on_a_streamed_body_is_returned_without_replay() -> None:
    provider = _Provider(make_jwt(sub="new"))
    auth = DancityJWTAuth(make_jwt(sub="old"), provider=provider)
    app = RecordingASGIApp(status_for=lambda _: 401)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.example.test") as c:
        response = await c.post("/api/wallet", content=streamed_body(CHUNKS), auth=auth)
    assert response.status_code == 401
    assert len(app.requests) == 1
    assert b"".join(app.requests[0][1]) == b"".join(CHUNKS)
    assert provider.calls == 0


@pytest.mark.anyio
async def test_a_401_on_an_in_memory_body_through_asgi_is_replayed() -> None:
    old, new = make_jwt(sub="old"), make_jwt(sub="new")
    auth = DancityJWTAuth(old, provider=_Provider(new))
    app = RecordingASGIApp(status_for=lambda h: 401 if h["authorization"].endswith(old) else 200)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.example.test") as c:
        response = await c.post("/api/wallet", json={"a": 1}, auth=auth)
    assert response.status_code == 200
    assert [h["authorization"] for h, _ in app.requests] == [f"Bearer {old}", f"Bearer {new}"]
    assert [b"".join(c) for _, c in app.requests] == [b'{"a":1}'] * 2


# --- swapping credentials at run time ---------------------------------------------------


class _Gate:
    """A transport whose first request waits until released; every request is recorded."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.first_arrived = anyio.Event()
        self.release = anyio.Event()

    async def handler(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.headers["authorization"])
        if len(self.seen) == 1:
            self.first_arrived.set()
            await self.release.wait()
        return httpx.Response(200, json={})


async def _swap_while_in_flight(auth: httpx.Auth, swap: Callable[[], None]) -> list[str]:
    gate = _Gate()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(gate.handler)) as client,
        anyio.create_task_group() as tg,
    ):
        first: list[httpx.Response] = []

        async def send_first() -> None:
            first.append(await client.get(URL, auth=auth))

        tg.start_soon(send_first)
        await gate.first_arrived.wait()
        swap()
        second = await client.get(URL, auth=auth)
        gate.release.set()
    assert second.status_code == 200
    assert first[0].status_code == 200
    assert first[0].request.headers["authorization"] == gate.seen[0]
    return gate.seen


@pytest.mark.anyio
async def test_dptcay_set_key_applies_to_requests_started_after_it() -> None:
    auth = DptcayKeyAuth(DPTCAY_LIVE_KEY)
    seen = await _swap_while_in_flight(auth, lambda: auth.set_key(Secret(DPTCAY_TEST_KEY)))
    assert seen == [f"Bearer {DPTCAY_LIVE_KEY}", f"Bearer {DPTCAY_TEST_KEY}"]
    assert auth.key == Secret(DPTCAY_TEST_KEY)
    assert auth.livemode is False


@pytest.mark.anyio
async def test_dancity_set_key_applies_to_requests_started_after_it() -> None:
    auth = DancityKeyAuth(DANCITY_KEY, channel="WEB")
    seen = await _swap_while_in_flight(auth, lambda: auth.set_key(DANCITY_KEY_2))
    assert seen == [f"Bearer {DANCITY_KEY}", f"Bearer {DANCITY_KEY_2}"]
    assert auth.channel == "WEB"


@pytest.mark.anyio
async def test_jwt_set_token_applies_to_requests_started_after_it() -> None:
    old, new = make_jwt(exp=FAR_FUTURE, sub="old"), make_jwt(exp=FAR_FUTURE, sub="new")
    auth = DancityJWTAuth(old)
    seen = await _swap_while_in_flight(auth, lambda: auth.set_token(Secret(new)))
    assert seen == [f"Bearer {old}", f"Bearer {new}"]


def test_a_refused_swap_keeps_the_current_credential() -> None:
    dptcay, dancity = DptcayKeyAuth(DPTCAY_LIVE_KEY), DancityKeyAuth(DANCITY_KEY)
    jwt = DancityJWTAuth(make_jwt(sub="kept"))
    with pytest.raises(ConfigurationError):
        dptcay.set_key(DANCITY_KEY)
    with pytest.raises(ConfigurationError):
        dancity.set_key(DPTCAY_LIVE_KEY)
    with pytest.raises(ConfigurationError):
        jwt.set_token(DANCITY_KEY)
    assert dptcay.key == Secret(DPTCAY_LIVE_KEY)
    assert dancity.key == Secret(DANCITY_KEY)
    assert jwt.token == Secret(make_jwt(sub="kept"))


def test_reprs_show_no_credential() -> None:
    token = make_jwt(exp=FAR_FUTURE)
    reprs = {
        repr(DptcayKeyAuth(DPTCAY_LIVE_KEY)): DPTCAY_LIVE_KEY,
        repr(DancityKeyAuth(DANCITY_KEY)): DANCITY_KEY,
        repr(DancityJWTAuth(token, provider=_Provider(token))): token,
    }
    for text, secret in reprs.items():
        assert secret not in text
        assert secret[-4:] in text or len(secret) < 16
    assert repr(DancityJWTAuth(provider=_Provider(token))) == (
        "DancityJWTAuth(token=None, provider=True)"
    )
    assert "channel='API'" in repr(DancityKeyAuth(DANCITY_KEY))
