"""The embedded journal store: one SQLite file in WAL mode, shared by a host's processes.

Every method is blocking and short; the :class:`~shared_auth.fleet.Journal` facade runs it
in a worker thread, so neither asyncio nor trio blocks on the file. A claim is one
``INSERT … ON CONFLICT DO NOTHING`` on the primary key: SQLite's write lock makes it atomic
across threads and processes. WAL with ``synchronous=NORMAL`` survives a process crash
(SIGKILL) without losing a committed claim; ``synchronous="FULL"`` also survives power loss.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Final, Literal

from shared_auth.fleet._intent import Intent, decode_result, encode_result

__all__ = ["SQLiteStore"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS intents (
    key TEXT PRIMARY KEY,
    api TEXT NOT NULL,
    reference TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    lease_until REAL NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    result TEXT,
    note TEXT,
    expires_at REAL
);
CREATE INDEX IF NOT EXISTS intents_open ON intents (state) WHERE state != 'settled';
"""
_SELECT_ONE: Final = """
SELECT key, api, reference, fingerprint, state, owner, lease_until, created_at, updated_at,
    result, note
FROM intents WHERE key = ?
"""
_SELECT_OPEN: Final = """
SELECT key, api, reference, fingerprint, state, owner, lease_until, created_at, updated_at,
    result, note
FROM intents WHERE state != 'settled' ORDER BY created_at
"""
# A settled record past its time to live is gone: a new claim replaces it.
_CLAIM: Final = """
INSERT INTO intents (key, api, reference, fingerprint, state, owner, lease_until, created_at,
    updated_at, result, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
ON CONFLICT (key) DO UPDATE SET
    api = excluded.api, reference = excluded.reference, fingerprint = excluded.fingerprint,
    state = excluded.state, owner = excluded.owner, lease_until = excluded.lease_until,
    created_at = excluded.created_at, updated_at = excluded.updated_at, result = NULL,
    note = NULL, expires_at = NULL
WHERE intents.expires_at IS NOT NULL AND intents.expires_at <= excluded.created_at
"""


def _row_to_intent(row: tuple[Any, ...]) -> Intent:
    (key, api, reference, fp, state, owner, lease_until, created, updated, result, note) = row
    return Intent(
        key=key,
        api=api,
        reference=reference,
        fingerprint=fp,
        state=state,
        owner=owner,
        lease_until=lease_until,
        created_at=created,
        updated_at=updated,
        result=None if result is None else decode_result(result),
        note=note,
    )


class SQLiteStore:
    """Intents in one SQLite file (created on first use)."""

    def __init__(
        self, path: str | os.PathLike[str], *, synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    ) -> None:
        self.path = Path(path)
        self._synchronous = synchronous
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def _connection(self) -> sqlite3.Connection:
        # A connection never crosses a fork: the child opens its own.
        if self._conn is None or self._pid != os.getpid():
            conn = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            conn.executescript(_SCHEMA)
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._connection().execute(sql, params)

    def claim(self, intent: Intent) -> Intent | None:
        """Insert ``intent``; return ``None`` if it is now ours, else the record in the way."""
        params = (
            intent.key,
            intent.api,
            intent.reference,
            intent.fingerprint,
            intent.state,
            intent.owner,
            intent.lease_until,
            intent.created_at,
            intent.updated_at,
        )
        while True:
            with self._lock:
                conn = self._connection()
                if conn.execute(_CLAIM, params).rowcount == 1:
                    return None
                row = conn.execute(_SELECT_ONE, (intent.key,)).fetchone()
            if row is not None:  # else it was released in between: claim again
                return _row_to_intent(row)

    def update(
        self,
        key: str,
        owner: str,
        *,
        state: str,
        now: float,
        result: Any = None,
        note: str | None = None,
        expires_at: float | None = None,
    ) -> bool:
        """Move ``key`` to ``state`` if ``owner`` still holds it."""
        text = None if result is None else encode_result(result)
        cursor = self._run(
            "UPDATE intents SET state = ?, updated_at = ?, result = COALESCE(?, result), "
            "note = COALESCE(?, note), expires_at = ? WHERE key = ? AND owner = ?",
            (state, now, text, note, expires_at, key, owner),
        )
        return cursor.rowcount == 1

    def release(self, key: str, owner: str) -> bool:
        """Forget ``key`` if ``owner`` holds it (nothing was charged)."""
        return (
            self._run("DELETE FROM intents WHERE key = ? AND owner = ?", (key, owner)).rowcount == 1
        )

    def take_over(
        self, key: str, old_owner: str, new_owner: str, lease_until: float, now: float
    ) -> bool:
        """Hand an open claim from ``old_owner`` to ``new_owner`` (compare and set)."""
        cursor = self._run(
            "UPDATE intents SET owner = ?, lease_until = ?, updated_at = ? "
            "WHERE key = ? AND owner = ? AND state != 'settled'",
            (new_owner, lease_until, now, key, old_owner),
        )
        return cursor.rowcount == 1

    def get(self, key: str) -> Intent | None:
        """The record of ``key``, if any."""
        row = self._run(_SELECT_ONE, (key,)).fetchone()
        return None if row is None else _row_to_intent(row)

    def open_intents(self) -> list[Intent]:
        """Every intent not settled, oldest first."""
        rows = self._run(_SELECT_OPEN).fetchall()
        return [_row_to_intent(row) for row in rows]

    def purge(self, now: float) -> int:
        """Delete settled records past their time to live."""
        return self._run(
            "DELETE FROM intents WHERE expires_at IS NOT NULL AND expires_at <= ?", (now,)
        ).rowcount

    def close(self) -> None:
        """Close this process's connection."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None and self._pid == os.getpid():
                conn.close()
