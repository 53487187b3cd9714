"""An expired static JWT is refused before any I/O; a 401 on an App route names expiry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from dancity_sdk import (
    AsyncDancityClient,
    AuthenticationError,
    DancityClient,
    MissingCredentialError,
    RetryPolicy,
)
from dancity_sdk.testing import DancitySandbox


class Recording(httpx.ASGITransport):
    """The sandbox in-process, counting the requests that reached it."""

    def __init__(self, sandbox: DancitySandbox) -> None:
        super().__init__(app=sandbox.app, client=("127.0.0.1", 123))
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await super().handle_async_request(request)


@asynccontextmanager
async def app_client(
    sandbox: DancitySandbox, transport: Recording, **kwargs: Any
) -> AsyncIterator[AsyncDancityClient]:
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncDancityClient(
            base_url=sandbox.base_url,
            http_client=http,
            retry=RetryPolicy(max_retries=0),
            **kwargs,
        ) as dc,
    ):
        yield dc


@pytest.mark.anyio
async def test_an_expired_static_jwt_is_refused_before_any_request() -> None:
    sandbox = DancitySandbox(seed=1)
    transport = Recording(sandbox)
    async with app_client(sandbox, transport, jwt=sandbox.issue_jwt(ttl=-120)) as dc:
        with pytest.raises(MissingCredentialError) as info:
            await dc.app.wallet.get(sandbox.wallet_id)
        assert transport.requests == 0
        message = str(info.value)
        assert "the user JWT expired at " in message
        assert "min ago" in message
        assert "client.set_jwt(" in message
        assert "async callable" in message
        dc.set_jwt(sandbox.issue_jwt())  # a fresh one: the next call goes through
        wallet = await dc.app.wallet.get(sandbox.wallet_id)
    assert wallet.id == sandbox.wallet_id
    assert transport.requests == 1


@pytest.mark.anyio
async def test_an_expired_token_with_a_provider_is_refreshed_not_refused() -> None:
    sandbox = DancitySandbox(seed=2)
    transport = Recording(sandbox)

    async def provider() -> str:
        return sandbox.issue_jwt()

    async with app_client(sandbox, transport, jwt=provider) as dc:
        dc.set_jwt(sandbox.issue_jwt(ttl=-120))
        wallet = await dc.app.wallet.get(sandbox.wallet_id)
    assert wallet.id == sandbox.wallet_id


@pytest.mark.anyio
async def test_a_401_on_an_app_route_names_an_expired_jwt_as_a_cause() -> None:
    sandbox = DancitySandbox(seed=3)
    transport = Recording(sandbox)
    other = DancitySandbox(seed=4).issue_jwt()  # signed by another server: the API says 401
    async with app_client(sandbox, transport, jwt=other) as dc:
        with pytest.raises(AuthenticationError) as info:
            await dc.app.wallet.get(sandbox.wallet_id)
    assert "the user JWT expired or was revoked" in str(info.value)
    assert "jwt= an async provider" in str(info.value)


def test_the_blocking_twin_refuses_an_expired_static_jwt_too() -> None:
    sandbox = DancitySandbox(seed=5)
    token = sandbox.issue_jwt(ttl=-5)
    with (
        DancityClient(jwt=token, base_url="https://api.example.test") as dc,
        pytest.raises(MissingCredentialError, match="expired at"),
    ):
        dc.app.transactions.list()
