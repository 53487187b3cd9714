"""The webhook inbox in one SQLite file (WAL), shared by a host's processes.

One row per event (``inbox_events``), keyed by its deduplication key: a delivery is stored
by one ``INSERT … ON CONFLICT DO NOTHING``, so two receivers given the same event store it
once. A claim is one ``UPDATE … RETURNING`` on the oldest ready event whose group has no
earlier unfinished event, so two consumers never hold one event and a transaction's events
are handed over in receive order. Every method is blocking and short; the
[`Inbox`][shared_auth.fleet.Inbox] runs it in a worker thread under the call's deadline.

The file is created once, explicitly; every call then checks that it is still the same
file (device and inode), so a deleted or replaced inbox is reported, not silently
recreated empty (an empty inbox would accept every old event again).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from shared_auth.fleet._inbox_model import (
    Accepted,
    InboxEvent,
    InboxLostError,
    InboxMissingError,
)
from shared_auth.fleet._sqlite import close_on_collect

__all__ = ["SQLiteInboxStore"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS inbox_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    api TEXT NOT NULL,
    grp TEXT NOT NULL,
    event TEXT NOT NULL,
    body BLOB NOT NULL,
    headers TEXT NOT NULL,
    received_at REAL NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    lease_until REAL NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    expires_at REAL
);
CREATE INDEX IF NOT EXISTS inbox_open ON inbox_events (state, next_at)
    WHERE state IN ('pending', 'leased');
CREATE INDEX IF NOT EXISTS inbox_groups ON inbox_events (grp, seq)
    WHERE state IN ('pending', 'leased');
CREATE TABLE IF NOT EXISTS inbox_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
#: An event's columns, in the order of [`InboxEvent`][shared_auth.fleet.InboxEvent]'s fields.
_COLUMNS: Final = (
    "key, api, grp, event, body, headers, seq, received_at, state, attempts, last_error, "
    "owner, lease_until"
)
_INSERT: Final = """
INSERT INTO inbox_events (key, api, grp, event, body, headers, received_at, state, next_at)
VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (key) DO NOTHING
"""
# The oldest ready event (pending and due, or leased by a consumer whose lease ran out)
# whose group has no earlier event still open.
_CLAIM: Final = f"""
UPDATE inbox_events SET state = 'leased', owner = ?1, lease_until = ?2, attempts = attempts + 1
WHERE seq = (
    SELECT e.seq FROM inbox_events e
    WHERE ((e.state = 'pending' AND e.next_at <= ?3)
           OR (e.state = 'leased' AND e.lease_until <= ?3))
      AND NOT EXISTS (
        SELECT 1 FROM inbox_events p
        WHERE p.grp = e.grp AND p.seq < e.seq AND p.state IN ('pending', 'leased'))
    ORDER BY e.seq LIMIT 1)
RETURNING {_COLUMNS}
"""  # noqa: S608 - constant fragments only
_HELD: Final = "key = ? AND owner = ? AND state = 'leased'"
_RETRY: Final = """
UPDATE inbox_events SET state = 'pending', owner = '', next_at = ?,
    last_error = COALESCE(?, last_error) WHERE key = ? AND owner = ? AND state = 'leased'
"""
_PARK: Final = """
UPDATE inbox_events SET state = 'parked', owner = '', last_error = ?, next_at = ?
WHERE key = ? AND owner = ? AND state = 'leased'
"""


def _event(row: tuple[Any, ...]) -> InboxEvent:
    values = dict(zip((field.name for field in attrs.fields(InboxEvent)), row, strict=True))
    values.update(body=bytes(values["body"]), headers=json.loads(values["headers"]))
    return InboxEvent(**values)


class SQLiteInboxStore:
    """Webhook events in one SQLite file.

    Args:
        path: The file. Its folder must exist.
        synchronous: ``"NORMAL"`` keeps every stored delivery through a process crash;
            ``"FULL"`` also through a power loss (an fsync per write).
        timeout: Seconds to wait for another process's write lock.
    """

    backend: Final = "sqlite"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        timeout: float = 5.0,
    ) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        self._synchronous = synchronous
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._identity: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"SQLiteInboxStore({str(self.path)!r})"

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_dev, st.st_ino)

    def ensure(self, *, create: bool) -> None:
        """Open the file (creating it only when ``create``) and remember which file it is.

        Raises:
            InboxMissingError: the file does not exist and ``create`` is false.
        """
        with self._lock:
            if self._stat() is None and not create:
                msg = (
                    f"no webhook inbox at {str(self.path)!r}: create it once with "
                    "create=True or `python -m shared_auth.fleet.inbox init PATH`; a missing "
                    "inbox is never recreated silently (it would accept old events again)"
                )
                raise InboxMissingError(msg, backend=self.backend, journal=self.where)
            self._connection(check=False)
            self._identity = self._stat()

    def _connection(self, *, check: bool = True) -> sqlite3.Connection:
        if check:
            self._check_identity()
        # A connection never crosses a fork: the child opens its own.
        if self._conn is None or self._pid != os.getpid():
            conn = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            conn.executescript(_SCHEMA)
            close_on_collect(self, conn)
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _check_identity(self) -> None:
        if self._identity is None:
            msg = "the inbox was not opened (call ensure() first)"
            raise InboxMissingError(msg, backend=self.backend, journal=self.where)
        if self._stat() != self._identity:
            msg = (
                f"the webhook inbox file {str(self.path)!r} was deleted or replaced while in "
                "use: its deduplication memory is gone, so no delivery is accepted. Restore "
                "the file, or create a new inbox and re-check recent events by hand"
            )
            raise InboxLostError(msg, backend=self.backend, journal=self.where)

    def _run(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._connection().execute(sql, params)

    def insert(self, accepted: Accepted, api: str, body: bytes, headers: str, now: float) -> bool:
        """Store a delivery; ``False`` when its key is already stored."""
        params = (accepted.key, api, accepted.group, accepted.event, body, headers, now, now)
        return self._run(_INSERT, params).rowcount == 1

    def claim(self, owner: str, now: float, lease_until: float) -> InboxEvent | None:
        """Lease the oldest ready event to ``owner``."""
        with self._lock:
            conn = self._connection()
            row = conn.execute(_CLAIM, (owner, lease_until, now)).fetchone()
        return None if row is None else _event(row)

    def renew(self, event: InboxEvent, owner: str, lease_until: float) -> bool:
        """Extend ``owner``'s lease."""
        sql = f"UPDATE inbox_events SET lease_until = ? WHERE {_HELD}"  # noqa: S608
        return self._run(sql, (lease_until, event.key, owner)).rowcount == 1

    def complete(self, event: InboxEvent, owner: str, now: float, expires_at: float) -> bool:
        """Mark the event done (kept, for deduplication, until ``expires_at``)."""
        del now
        sql = f"UPDATE inbox_events SET state = 'done', expires_at = ? WHERE {_HELD}"  # noqa: S608
        return self._run(sql, (expires_at, event.key, owner)).rowcount == 1

    def retry(self, event: InboxEvent, owner: str, next_at: float, error: str | None) -> bool:
        """Hand the event back, due again at ``next_at``."""
        sql = _RETRY
        return self._run(sql, (next_at, error, event.key, owner)).rowcount == 1

    def park(self, event: InboxEvent, owner: str, error: str, now: float) -> bool:
        """Set the event aside for a person, with its error."""
        sql = _PARK
        return self._run(sql, (error, now, event.key, owner)).rowcount == 1

    def requeue(self, key: str, now: float) -> bool:
        """Put a parked event back in line (attempts start again)."""
        sql = (
            "UPDATE inbox_events SET state = 'pending', attempts = 0, next_at = ? "
            "WHERE key = ? AND state = 'parked'"
        )
        return self._run(sql, (now, key)).rowcount == 1

    def get(self, key: str) -> InboxEvent | None:
        """The event stored under ``key``, if any."""
        sql = f"SELECT {_COLUMNS} FROM inbox_events WHERE key = ?"  # noqa: S608
        row = self._run(sql, (key,)).fetchone()
        return None if row is None else _event(row)

    def parked(self) -> list[InboxEvent]:
        """Every parked event, in receive order."""
        sql = f"SELECT {_COLUMNS} FROM inbox_events WHERE state = 'parked' ORDER BY seq"  # noqa: S608
        return [_event(row) for row in self._run(sql).fetchall()]

    def counts(self) -> dict[str, int]:
        """How many events are in each state."""
        rows = self._run("SELECT state, COUNT(*) FROM inbox_events GROUP BY state").fetchall()
        return {str(state): int(count) for state, count in rows}

    def purge(self, now: float) -> int:
        """Forget done events past their retention."""
        sql = "DELETE FROM inbox_events WHERE state = 'done' AND expires_at <= ?"
        return self._run(sql, (now,)).rowcount

    def close(self) -> None:
        """Close this process's connection."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None and self._pid == os.getpid():
                conn.close()
