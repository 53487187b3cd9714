"""The journal fails safe: typed errors, explicit creation, loss detected and acknowledged.

Real SQLite files and real redis-server processes (deleted, replaced, flushed, killed with
SIGKILL, frozen with SIGSTOP), on asyncio and trio.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from shared_auth import ConfigurationError, OutcomeUnknownError, SDKError
from shared_auth.fleet import (
    Journal,
    JournalError,
    JournalLostError,
    JournalMissingError,
    JournalUnavailableError,
    JournalVolatileError,
    open_journal,
)
from shared_auth.fleet.__main__ import main as cli
from tests.fleet.conftest import create_journal, flush
from tests.fleet.redis_server import RedisProcess, redis_process, redis_server

pytestmark = pytest.mark.anyio
ANSWER = {"status": "SUCCESS", "tranxId": "T-1"}


class Sender:
    """A stand-in for the request: counts sends; may run an action while "on the wire"."""

    def __init__(self, *, during: Any = None, error: Exception | None = None) -> None:
        self.calls = 0
        self.during = during
        self.error = error

    async def __call__(self) -> Any:
        self.calls += 1
        if self.during is not None:
            self.during()
        await anyio.lowlevel.checkpoint()
        if self.error is not None:
            raise self.error
        return ANSWER


async def _buy(journal: Journal, sender: Sender, ref: str = "ref-1", **extra: Any) -> Any:
    return await journal.run_once(
        key=f"dancity:{ref}",
        api="dancity",
        reference=ref,
        fingerprint="fp",
        owner="w1",
        send=sender,
        reconcile=None,
        **extra,
    )


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    """A persistent redis-server of this test's own, to kill or freeze."""
    with redis_process() as server:
        yield server


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- creation ------------------------------------------------------------------------------


async def test_a_journal_that_was_never_created_is_refused_before_anything_is_sent(
    journal_backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if journal_backend == "sqlite":
        target = str(tmp_path / "journal.db")
    else:
        target = request.getfixturevalue("redis_url")
        flush(target)
    journal = open_journal(target)
    with pytest.raises(JournalMissingError, match=r"shared_auth\.fleet init") as caught:
        await journal.check()
    assert caught.value.backend == journal_backend
    assert "journal=" in str(caught.value)
    assert "LOST" in str(caught.value)
    sender = Sender()
    with pytest.raises(JournalMissingError) as refused:
        await _buy(journal, sender)
    assert sender.calls == 0
    assert refused.value.reference == "ref-1"
    if journal_backend == "sqlite":
        assert not (tmp_path / "journal.db").exists()  # opening never creates it

    created = await Journal.create(target)
    assert await created.check() == await journal.check()
    assert await _buy(journal, sender) == ANSWER
    await journal.aclose()
    await created.aclose()


async def test_a_journal_in_a_missing_folder_is_refused_at_construction(tmp_path: Path) -> None:
    from dancity_sdk import AsyncDancityClient  # noqa: PLC0415

    with pytest.raises(ConfigurationError, match="does not exist"):
        open_journal(tmp_path / "nowhere" / "journal.db", create=True)
    with pytest.raises(ConfigurationError, match="does not exist"):
        AsyncDancityClient("dcy_live_" + "0" * 40, journal=f"sqlite:///{tmp_path}/nowhere/j.db")


async def test_a_redis_without_persistence_is_refused_unless_allowed() -> None:
    with redis_server(persistent=False) as url:
        with pytest.raises(JournalVolatileError, match="allow_volatile"):
            await Journal.create(url)
        journal = await Journal.create(url, allow_volatile=True)
        assert await _buy(journal, Sender()) == ANSWER
        await journal.aclose()
        with pytest.raises(JournalVolatileError):
            await open_journal(url).check()


async def test_an_unreachable_redis_is_a_typed_error_with_its_credentials_masked() -> None:
    with redis_server() as url:
        port = url.rsplit(":", 1)[1].split("/")[0]
    # The server is gone: nothing listens on its port any more.
    journal = open_journal(f"redis://user:hunter2@127.0.0.1:{port}/0")
    sender = Sender()
    with pytest.raises(JournalUnavailableError) as caught:
        await _buy(journal, sender)
    assert sender.calls == 0
    assert "hunter2" not in str(caught.value)
    assert "nothing was sent" in str(caught.value)
    assert "journal=redis://***@127.0.0.1" in str(caught.value)
    assert caught.value.backend == "redis"
    assert type(caught.value.__cause__).__module__.startswith("redis")


# --- loss: SQLite ----------------------------------------------------------------------------


async def test_a_deleted_sqlite_file_refuses_purchases_until_the_loss_is_acknowledged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "journal.db"
    create_journal(str(path))
    running = open_journal(path)
    assert await _buy(running, Sender()) == ANSWER
    _remove_sqlite(path)

    sender = Sender()
    with pytest.raises(JournalLostError, match=r"deleted.*nothing was sent") as caught:
        await _buy(running, sender, "ref-2")
    assert sender.calls == 0
    assert caught.value.reference == "ref-2"
    assert not path.exists()  # the running worker did not create a new, empty journal
    # A worker started after the loss does not take an empty file for a new journal.
    with pytest.raises(JournalMissingError):
        await _buy(open_journal(path), sender, "ref-2")
    assert sender.calls == 0

    assert await anyio.to_thread.run_sync(cli, ["acknowledge-loss", str(path)]) == 0
    assert "loss acknowledged" in capsys.readouterr().out
    assert await _buy(running, sender, "ref-2") == ANSWER
    assert await _buy(open_journal(path), sender, "ref-3") == ANSWER
    assert sender.calls == 2
    await running.aclose()


async def test_a_replaced_sqlite_file_is_not_adopted_without_an_acknowledgement(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.db"
    create_journal(str(path))
    running = open_journal(path)
    first = await running.check()
    _remove_sqlite(path)
    create_journal(str(path))  # someone ran `init` again: a new, empty journal

    sender = Sender()
    with pytest.raises(JournalLostError, match="replaced"):
        await _buy(running, sender)
    assert sender.calls == 0

    second = await running.acknowledge_loss()
    assert second != first
    assert await _buy(running, sender) == ANSWER
    await running.aclose()


async def test_a_restored_copy_of_the_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    create_journal(str(path))
    running = open_journal(path)
    await running.check()
    backup = tmp_path / "backup.db"
    source = sqlite3.connect(path)
    target = sqlite3.connect(backup)
    source.backup(target)
    source.close()
    target.close()
    _remove_sqlite(path)
    backup.rename(path)  # same identity, different file: what was written since is gone
    with pytest.raises(JournalLostError, match="copy"):
        await _buy(running, Sender())
    await running.aclose()


# --- loss: Redis -----------------------------------------------------------------------------


async def test_a_flushed_redis_refuses_purchases_until_the_loss_is_acknowledged(
    redis_url: str,
) -> None:
    flush(redis_url)
    create_journal(redis_url)
    running = open_journal(redis_url)
    other = open_journal(redis_url)
    assert await _buy(running, Sender()) == ANSWER
    await other.check()
    flush(redis_url)  # a restart without persistence does the same

    sender = Sender()
    with pytest.raises(JournalLostError, match="identity key is gone"):
        await _buy(running, sender, "ref-2")
    with pytest.raises(JournalMissingError):
        await open_journal(redis_url).check()
    assert sender.calls == 0

    # A fresh `init` is not an acknowledgement: the running workers still refuse.
    create_journal(redis_url)
    with pytest.raises(JournalLostError, match="does not acknowledge"):
        await _buy(running, sender, "ref-2")

    await open_journal(redis_url).acknowledge_loss()
    assert await _buy(running, sender, "ref-2") == ANSWER
    assert await _buy(other, sender, "ref-3") == ANSWER
    assert sender.calls == 2
    await running.aclose()
    await other.aclose()


# --- after the send ---------------------------------------------------------------------------


async def test_redis_killed_after_the_send_still_returns_the_answer_and_warns(
    own_redis: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    create_journal(own_redis.url)
    journal = open_journal(own_redis.url, socket_timeout=2.0, socket_connect_timeout=2.0)
    await journal.check()
    sender = Sender(during=own_redis.process.kill)
    with caplog.at_level(logging.WARNING, logger="shared_auth.fleet"):
        assert await _buy(journal, sender, "paid-1") == ANSWER
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert "'paid-1'" in text
    assert "recover" in text
    assert own_redis.url.split("?")[0] in text


async def test_an_unknown_outcome_stays_typed_when_the_journal_fails_after_the_send(
    own_redis: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    create_journal(own_redis.url)
    journal = open_journal(own_redis.url, socket_timeout=2.0, socket_connect_timeout=2.0)
    await journal.check()
    lost = OutcomeUnknownError("the answer was lost", reference="paid-2")
    sender = Sender(during=own_redis.process.kill, error=lost)
    with (
        caplog.at_level(logging.WARNING, logger="shared_auth.fleet"),
        pytest.raises(OutcomeUnknownError) as caught,
    ):
        await _buy(journal, sender, "paid-2")
    assert caught.value.reference == "paid-2"
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


async def test_a_sqlite_file_deleted_during_the_send_still_returns_the_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "journal.db"
    create_journal(str(path))
    journal = open_journal(path)
    await journal.check()
    sender = Sender(during=lambda: _remove_sqlite(path))
    with caplog.at_level(logging.WARNING, logger="shared_auth.fleet"):
        assert await _buy(journal, sender, "paid-3") == ANSWER
    (warning,) = caplog.records
    assert "'paid-3'" in warning.getMessage()
    assert "LOST" in warning.getMessage()
    assert "nothing was sent" not in warning.getMessage()
    await journal.aclose()


# --- bounded -----------------------------------------------------------------------------------


async def test_a_frozen_redis_is_abandoned_at_the_calls_deadline(own_redis: RedisProcess) -> None:
    create_journal(own_redis.url)
    # No socket timeout that could end the call first: only the deadline can.
    journal = open_journal(own_redis.url, socket_timeout=None)
    await journal.check()
    os.kill(own_redis.process.pid, signal.SIGSTOP)
    sender = Sender()
    try:
        with pytest.raises(JournalUnavailableError, match="the call's deadline") as caught:
            await _buy(journal, sender, deadline=0.3)
    finally:
        os.kill(own_redis.process.pid, signal.SIGCONT)
    assert sender.calls == 0
    assert caught.value.reference == "ref-1"


async def test_without_a_deadline_a_frozen_redis_is_bounded_by_the_journal_timeout(
    own_redis: RedisProcess,
) -> None:
    create_journal(own_redis.url)
    journal = open_journal(own_redis.url, socket_timeout=None, timeout=0.3)
    await journal.check()
    os.kill(own_redis.process.pid, signal.SIGSTOP)
    try:
        with pytest.raises(JournalUnavailableError, match="the journal's timeout"):
            await _buy(journal, Sender())
    finally:
        os.kill(own_redis.process.pid, signal.SIGCONT)


async def test_the_redis_client_gets_socket_timeouts_by_default(redis_url: str) -> None:
    journal = open_journal(redis_url)
    kwargs = journal.store._redis.connection_pool.connection_kwargs  # type: ignore[attr-defined]
    assert kwargs["socket_timeout"] == 5.0
    assert kwargs["socket_connect_timeout"] == 5.0


# --- the error family ---------------------------------------------------------------------------


def test_journal_errors_are_sdk_errors_exported_from_both_packages() -> None:
    import shared_auth  # noqa: PLC0415

    for name in (
        "JournalError",
        "JournalLostError",
        "JournalMissingError",
        "JournalUnavailableError",
        "JournalVolatileError",
    ):
        cls = getattr(shared_auth, name)
        assert issubclass(cls, JournalError)
        assert issubclass(cls, SDKError)
        assert getattr(shared_auth.fleet, name) is cls


# --- journals written by an earlier version ------------------------------------------------------


async def test_a_journal_from_an_earlier_version_is_adopted_by_init_with_its_keys_migrated(
    journal_target: str,
) -> None:
    journal = open_journal(journal_target)
    await _buy(journal, Sender(), "old-ref")
    record = await journal.get("dancity:old-ref")
    assert record is not None
    refund = "dptcay:POST /refunds:pay_1:0123456789abcdef"
    store: Any = journal.store
    # Rewind it to what an earlier version wrote: per-route keys and no identity.
    if journal.backend == "sqlite":
        with contextlib.closing(sqlite3.connect(store.path)) as conn, conn:
            conn.execute("DROP TABLE meta")
            conn.execute("UPDATE intents SET key = 'dancity:POST /airtime/buy:old-ref'")
            conn.execute(
                "INSERT INTO intents SELECT ?, 'dptcay', 'pay_1', fingerprint, state, owner, "
                "lease_until, created_at, updated_at, result, note, expires_at FROM intents",
                (refund,),
            )
    else:
        client = store._redis
        client.delete(f"{store._prefix}:identity")
        old = "dancity:POST /airtime/buy:old-ref"
        client.delete(store._key("dancity:old-ref"))
        client.set(store._key(old), record.to_json().replace("dancity:old-ref", old))
        client.set(store._key(refund), record.to_json().replace("dancity:old-ref", refund))
    await journal.aclose()

    with pytest.raises(JournalMissingError, match="earlier version"):
        await open_journal(journal_target).check()
    adopted = await Journal.create(journal_target)
    migrated = await adopted.get("dancity:old-ref")
    assert migrated is not None
    assert migrated.result == ANSWER
    assert await adopted.get("dancity:POST /airtime/buy:old-ref") is None
    assert await adopted.get(refund) is not None  # keyed by its parameters: kept as it was
    sender = Sender()
    assert await _buy(adopted, sender, "old-ref") == ANSWER
    assert sender.calls == 0  # answered from the migrated record
    await adopted.aclose()
