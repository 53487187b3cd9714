"""Fixtures for the fleet tests: a real Redis server, a fresh journal per backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared_auth.fleet import Journal
from tests.fleet.redis_server import redis_server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server on loopback for the whole session (fails, never skips, without one)."""
    with redis_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "redis"])
def journal_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def journal_target(journal_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a fresh journal lives, created as ``init`` would: a SQLite file, or a Redis
    database flushed first."""
    if journal_backend == "sqlite":
        target = f"sqlite:///{tmp_path / 'journal.db'}"
    else:
        target = request.getfixturevalue("redis_url")
        flush(target)
    create_journal(target)
    return target


def flush(url: str) -> None:
    """Empty a Redis database (what a restart without persistence does)."""
    import redis  # noqa: PLC0415

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def create_journal(target: str, **options: Any) -> str:
    """Create the journal at ``target`` (what ``python -m shared_auth.fleet init`` does)."""
    from shared_auth.fleet import open_journal  # noqa: PLC0415

    journal = open_journal(target, **options)
    identity, _ = journal.store.create()
    journal.store.close()
    return identity.id


def make_journal(target: str, **options: Any) -> Journal:
    from shared_auth.fleet import open_journal  # noqa: PLC0415

    return open_journal(target, **options)
