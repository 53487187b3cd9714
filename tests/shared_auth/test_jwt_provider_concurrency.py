"""The JWT provider under concurrency: one call per refresh, typed failures, bounded waits."""

from __future__ import annotations

import anyio
import httpx
import pytest

from dancity_sdk import AsyncDancityClient
from dancity_sdk._credentials import DancityJWTAuth
from dancity_sdk.testing import DancitySandbox
from shared_auth import MissingCredentialError, SDKError
from tests.shared_auth._support import make_jwt

pytestmark = pytest.mark.anyio

URL = "https://api.example.test/api/things"
FAR_FUTURE = 4_102_444_800.0
CALLERS = 100


def _never_called(request: httpx.Request) -> httpx.Response:
    pytest.fail(f"a request was sent without a token: {request.method} {request.url}")


class _FailingProvider:
    """A provider that raises its own exception (with a secret-looking message)."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        await anyio.wait_all_tasks_blocked()  # every other caller now queues behind this call
        msg = "identity service said no to client_secret=s3cr3t"
        raise OSError(msg)


async def _hundred_calls(auth: DancityJWTAuth, transport: httpx.MockTransport) -> list[object]:
    outcomes: list[object] = []

    async def one(client: httpx.AsyncClient) -> None:
        try:
            outcomes.append(await client.get(URL, auth=auth))
        except Exception as exc:
            outcomes.append(exc)

    async with httpx.AsyncClient(transport=transport) as client, anyio.create_task_group() as tg:
        for _ in range(CALLERS):
            tg.start_soon(one, client)
    return outcomes


async def test_a_raising_provider_is_called_once_and_every_waiter_gets_a_typed_error() -> None:
    provider = _FailingProvider()
    auth = DancityJWTAuth(make_jwt(exp=10.0), provider=provider)
    outcomes = await _hundred_calls(auth, httpx.MockTransport(_never_called))
    assert provider.calls == 1
    assert len(outcomes) == CALLERS
    assert all(isinstance(o, MissingCredentialError) for o in outcomes), outcomes[:3]
    first = outcomes[0]
    assert isinstance(first, MissingCredentialError)
    assert "OSError" in str(first)
    assert "s3cr3t" not in str(first)  # its message may quote a secret: only its type shows
    assert isinstance(first.__cause__, OSError)


async def test_after_a_failed_refresh_the_next_caller_asks_the_provider_again() -> None:
    provider = _FailingProvider()
    auth = DancityJWTAuth(make_jwt(exp=10.0), provider=provider)
    async with httpx.AsyncClient(transport=httpx.MockTransport(_never_called)) as client:
        for expected_calls in (1, 2):
            with pytest.raises(MissingCredentialError):
                await client.get(URL, auth=auth)
            assert provider.calls == expected_calls


async def test_a_hanging_provider_is_bounded_by_its_timeout() -> None:
    calls = 0

    async def hanging() -> str:
        nonlocal calls
        calls += 1
        await anyio.sleep_forever()
        raise AssertionError  # pragma: no cover

    auth = DancityJWTAuth(provider=hanging, provider_timeout=0.05)
    outcomes = await _hundred_calls(auth, httpx.MockTransport(_never_called))
    assert calls == 1
    assert all(isinstance(o, MissingCredentialError) for o in outcomes), outcomes[:3]
    assert "did not return a token within 0.05s" in str(outcomes[0])


async def test_an_expired_token_and_100_concurrent_app_calls_make_one_provider_call() -> None:
    sb = DancitySandbox()
    calls = 0

    async def provider() -> str:
        nonlocal calls
        calls += 1
        await anyio.wait_all_tasks_blocked()  # every other app call now waits for this token
        return sb.issue_jwt()

    transport = httpx.ASGITransport(app=sb.app, client=("127.0.0.1", 123))
    async with httpx.AsyncClient(transport=transport) as http:
        dc = AsyncDancityClient(jwt=provider, base_url=sb.base_url, http_client=http)
        dc.set_jwt(make_jwt(exp=10.0))  # expired long ago: every call finds it stale
        wallets: list[object] = []
        async with anyio.create_task_group() as tg:
            for _ in range(CALLERS):
                tg.start_soon(lambda: _append(wallets, dc.app.wallet.get(sb.wallet_id)))
    assert calls == 1
    assert len(wallets) == CALLERS


async def _append(into: list[object], call: object) -> None:
    into.append(await call)  # type: ignore[misc]


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf")])
def test_provider_timeout_must_be_positive_and_finite(timeout: float) -> None:
    with pytest.raises(SDKError, match="provider_timeout"):
        DancityJWTAuth(provider=_FailingProvider(), provider_timeout=timeout)


async def test_a_hanging_provider_is_bounded_by_the_calls_deadline() -> None:
    # The provider's own timeout (30 s) is far away: the call's deadline must end the wait
    # first, with the deadline's error rather than the provider-timeout one.
    cancelled = False

    async def hanging() -> str:
        nonlocal cancelled
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled = True
            raise
        raise AssertionError  # pragma: no cover

    async with httpx.AsyncClient(transport=httpx.MockTransport(_never_called)) as http:
        dc = AsyncDancityClient(jwt=hanging, http_client=http, deadline=0.2)
        with pytest.raises(SDKError) as info:
            await dc.app.wallet.get("w1")
    assert cancelled
    assert "did not return a token within" not in str(info.value)
    assert "deadline" in str(info.value)
