"""The clients' side of a journal that fails safe, against the sandboxes, on asyncio and trio."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from dancity_sdk import AsyncDancityClient, DancityClient
from dancity_sdk.testing import DancitySandbox
from shared_auth import ConfigurationError, RetryPolicy
from shared_auth.fleet import (
    IntentConflictError,
    JournalLostError,
    JournalMissingError,
    JournalUnavailableError,
    open_journal,
)
from tests.fleet.conftest import create_journal
from tests.fleet.redis_server import RedisProcess, redis_process

pytestmark = pytest.mark.anyio
PHONE = "08031234567"


@pytest.fixture
def sandbox() -> DancitySandbox:
    return DancitySandbox(seed=2)


def _client(sandbox: DancitySandbox, http: httpx.AsyncClient, journal: Any) -> AsyncDancityClient:
    return AsyncDancityClient(
        sandbox.api_key,
        base_url=sandbox.base_url,
        http_client=http,
        retry=RetryPolicy(max_retries=0),
        journal=journal,
    )


@pytest.fixture
async def http(sandbox: DancitySandbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    async with httpx.AsyncClient(transport=transport) as client:
        yield client


def _charges(sandbox: DancitySandbox, ref: str) -> list[dict[str, Any]]:
    return [r for r in sandbox.transactions if r["customerRef"] == ref]


async def _airtime(client: AsyncDancityClient, ref: str) -> Any:
    return await client.vas.airtime.buy(
        product="MTN Airtime",
        phone=PHONE,
        amount=Decimal(100),
        customer_ref=ref,
    )


async def test_one_reference_reused_for_another_purchase_is_refused_before_io(
    sandbox: DancitySandbox, http: httpx.AsyncClient, journal_target: str
) -> None:
    client = _client(sandbox, http, journal_target)
    await _airtime(client, "order-x")
    sent = len(sandbox.transactions)
    with pytest.raises(IntentConflictError, match="another purchase"):
        await client.vas.data.buy(plan="1", phone=PHONE, customer_ref="order-x")
    assert len(sandbox.transactions) == sent
    assert len(_charges(sandbox, "order-x")) == 1


async def test_check_journal_finds_a_missing_journal_before_the_first_purchase(
    sandbox: DancitySandbox, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    target = str(tmp_path / "journal.db")
    client = _client(sandbox, http, target)
    with pytest.raises(JournalMissingError, match="init"):
        await client.check_journal()
    create_journal(target)
    identity = await client.check_journal()
    assert identity == await open_journal(target).check()
    with pytest.raises(ConfigurationError, match="no journal"):
        await _client(sandbox, http, None).check_journal()


async def test_a_lost_journal_refuses_the_purchase_and_nothing_is_charged(
    sandbox: DancitySandbox, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "journal.db"
    create_journal(str(path))
    client = _client(sandbox, http, path)
    await _airtime(client, "order-1")
    path.unlink()
    with pytest.raises(JournalLostError) as caught:
        await _airtime(client, "order-2")
    assert caught.value.reference == "order-2"
    assert _charges(sandbox, "order-2") == []


@pytest.fixture
def frozen_redis() -> Iterator[RedisProcess]:
    with redis_process() as server:
        create_journal(server.url)
        yield server


async def test_a_frozen_redis_cannot_hold_a_purchase_past_its_deadline(
    sandbox: DancitySandbox, http: httpx.AsyncClient, frozen_redis: RedisProcess
) -> None:
    journal = open_journal(frozen_redis.url, socket_timeout=None)
    client = _client(sandbox, http, journal).with_options(deadline=0.5)
    await client.check_journal()
    os.kill(frozen_redis.process.pid, signal.SIGSTOP)
    try:
        with pytest.raises(JournalUnavailableError, match="the call's deadline"):
            await _airtime(client, "order-9")
    finally:
        os.kill(frozen_redis.process.pid, signal.SIGCONT)
    assert _charges(sandbox, "order-9") == []


def test_the_blocking_twin_checks_its_journal(tmp_path: Path) -> None:
    target = str(tmp_path / "journal.db")
    with DancityClient("dcy_live_" + "0" * 40, journal=target) as client:
        with pytest.raises(JournalMissingError):
            client.check_journal()
        create_journal(target)
        assert isinstance(client.check_journal(), str)
