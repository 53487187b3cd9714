"""Fixtures for the fleet tests: a real Redis server, a fresh journal per backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
    """Where a fresh journal lives: a SQLite file, or a Redis database flushed first."""
    if journal_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.db'}"
    url: str = request.getfixturevalue("redis_url")
    import redis  # noqa: PLC0415

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


def make_journal(target: str, **options: object) -> Journal:
    from shared_auth.fleet import open_journal  # noqa: PLC0415

    return open_journal(target, **options)
