"""The embedded journal store: one SQLite file in WAL mode, shared by a host's processes.

The file is created explicitly (`SQLiteStore.create`,
``python -m shared_auth.fleet init``): opening a missing one is an error, so a worker started
after the file was deleted never takes an empty file for a new journal. The file's identity
(a ``meta`` row) and its inode are checked on every claim: a deleted or replaced file is
noticed before anything is sent.

Every method is blocking and short; the [`Journal`][shared_auth.fleet.Journal] facade runs it
in a worker thread, so neither asyncio nor trio blocks on the file. A claim is one
``INSERT … ON CONFLICT DO NOTHING`` on the primary key: SQLite's write lock makes it atomic
across threads and processes. WAL with ``synchronous=NORMAL`` survives a process crash
(SIGKILL) without losing a committed claim; ``synchronous="FULL"`` also survives power loss.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import urllib.parse
import weakref
from pathlib import Path
from typing import Any, Final, Literal

from shared_auth._errors import ConfigurationError, JournalLostError, JournalMissingError
from shared_auth.fleet._identity import (
    UNKNOWN,
    Identity,
    lost_message,
    migrated_key,
    missing_message,
)
from shared_auth.fleet._intent import Change, Intent, decode_result, encode_result

__all__ = ["SQLiteStore"]


def close_on_collect(owner: object, conn: sqlite3.Connection) -> None:
    """Close ``conn`` when ``owner`` is collected, if no one closed it first.

    A store left open by its user (a journal never ``aclose()``d) would otherwise leave its
    connection to the garbage collector, which Python 3.13 reports as a ``ResourceWarning``.
    Only the process that opened the connection closes it: a forked child opens its own.
    """
    weakref.finalize(owner, _close_in, conn, os.getpid())


def _close_in(conn: sqlite3.Connection, pid: int) -> None:
    if os.getpid() == pid:
        conn.close()


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
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_IDENTITY: Final = "SELECT value FROM meta WHERE name = 'identity'"
#: SQLite's wait for a lock held by another writer: a journal call never blocks longer.
DEFAULT_BUSY_TIMEOUT: Final = 5.0
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
    """Intents in one SQLite file, created explicitly.

    Args:
        path: The file. Its folder must exist and be writable (checked here, before any
            call): SQLite writes ``-wal`` and ``-shm`` files next to it.
        synchronous: ``"NORMAL"`` (survives a process crash) or ``"FULL"`` (also a power loss).
        create: Create the journal on first use if it does not exist (development and
            tests; in production create it once with ``python -m shared_auth.fleet init``).
        busy_timeout: Seconds to wait for another process's write lock (at most 5).

    Raises:
        ConfigurationError: the folder is missing or not writable, or a bad ``busy_timeout``.
    """

    backend: Final = "sqlite"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        create: bool = False,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        folder = self.path.parent
        if not folder.is_dir():
            msg = (
                f"the journal's folder {str(folder)!r} does not exist (journal={self.where}): "
                "create the folder, or point the journal at an existing one"
            )
            raise ConfigurationError(msg)
        if not os.access(folder, os.W_OK | os.X_OK):
            msg = (
                f"the journal's folder {str(folder)!r} is not writable (journal={self.where}): "
                "SQLite writes the journal and its -wal/-shm files there"
            )
            raise ConfigurationError(msg)
        if not 0 < busy_timeout <= DEFAULT_BUSY_TIMEOUT:
            msg = f"busy_timeout must be between 0 and 5 seconds, not {busy_timeout!r}"
            raise ConfigurationError(msg)
        self._synchronous = synchronous
        self._create = create
        self._busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._inode: tuple[int, int] | None = None
        self._raw = ""
        self.identity: Identity | None = None

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    # --- opening, creating, identity ---------------------------------------------------------

    def _connect(self, *, create: bool) -> sqlite3.Connection:
        mode = "rwc" if create else "rw"
        uri = f"file:{urllib.parse.quote(os.fspath(self.path.absolute()))}?mode={mode}"
        try:
            conn = sqlite3.connect(
                uri,
                uri=True,
                timeout=self._busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.OperationalError as exc:
            if not create and not self.path.exists():
                raise self._missing() from exc
            raise
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        return conn

    def _missing(self, *, legacy: bool = False) -> JournalMissingError | JournalLostError:
        if self.identity is not None:
            found = "its file was deleted"
            return JournalLostError(
                lost_message(self.where, self.identity, found),
                backend=self.backend,
                journal=self.where,
            )
        return JournalMissingError(
            missing_message(self.where, legacy=legacy), backend=self.backend, journal=self.where
        )

    @staticmethod
    def _read_identity(conn: sqlite3.Connection) -> str | None:
        try:
            row = conn.execute(_IDENTITY).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return None if row is None else str(row[0])

    def _initialise(self, conn: sqlite3.Connection, identity: Identity, *, replace: bool) -> str:
        """Create the tables and the identity (or keep the one there); migrate old keys."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            current = self._read_identity(conn)
            if current is None or replace:
                conn.execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('identity', ?)",
                    (identity.to_json(),),
                )
                if current is None:
                    self._migrate(conn)
                current = identity.to_json()
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return current

    @staticmethod
    def _has_records(conn: sqlite3.Connection) -> bool:
        try:
            return conn.execute("SELECT 1 FROM intents LIMIT 1").fetchone() is not None
        except sqlite3.OperationalError:
            return False

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Rewrite the per-route keys an earlier version wrote (a journal it adopts)."""
        for key, api, reference in conn.execute("SELECT key, api, reference FROM intents"):
            new = migrated_key(key, api, reference)
            if new != key:
                conn.execute("UPDATE OR IGNORE intents SET key = ? WHERE key = ?", (new, key))

    def _adopt(self, conn: sqlite3.Connection, raw: str) -> None:
        st = self.path.stat()
        if conn is not self._conn:
            close_on_collect(self, conn)
        self._conn, self._pid, self._inode = conn, os.getpid(), (st.st_dev, st.st_ino)
        self._raw, self.identity = raw, Identity.from_json(raw)

    def _open(self, *, replaced: bool = False) -> sqlite3.Connection:
        """Open the file and check that it is a journal (the one this process knew)."""
        conn = self._connect(create=self._create and self.identity is None)
        try:
            raw = self._read_identity(conn)
            raw = self._identity_of(conn, replaced=replaced)
        except BaseException:
            conn.close()
            raise
        old = self._conn
        self._adopt(conn, raw)
        if old is not None and self._pid == os.getpid():
            old.close()
        return conn

    def _identity_of(self, conn: sqlite3.Connection, *, replaced: bool) -> str:
        """The identity in a file just opened, checked against the one this process knew."""
        raw = self._read_identity(conn)
        if raw is None:
            if not self._create or self.identity is not None:
                raise self._missing(legacy=self._has_records(conn))
            raw = self._initialise(conn, Identity.new(), replace=False)
        if replaced and raw == self._raw and self.identity is not None:
            found = "its file was replaced by a copy of itself (a restored backup?)"
            raise JournalLostError(
                lost_message(self.where, self.identity, found),
                backend=self.backend,
                journal=self.where,
            )
        self._check_identity(raw, "its file was replaced")
        return raw

    def _check_identity(self, raw: str, found: str) -> None:
        known = self.identity
        if known is None or raw == self._raw:
            return
        current = Identity.from_json(raw)
        if not current.adoptable_by(known):
            found = f"{found} by journal {current.id}, which does not acknowledge the loss"
            raise JournalLostError(
                lost_message(self.where, known, found), backend=self.backend, journal=self.where
            )

    def _connection(self, *, claim: bool = False) -> sqlite3.Connection:
        """This process's connection, after checking the file is still the journal it knew."""
        conn = self._conn
        # A connection never crosses a fork: the child opens its own.
        if conn is None or self._pid != os.getpid():
            return self._open()
        try:
            st = self.path.stat()
        except FileNotFoundError:
            raise self._missing() from None
        if (st.st_dev, st.st_ino) != self._inode:
            return self._open(replaced=True)  # adopt an acknowledged journal, or refuse
        if claim:
            raw = self._read_identity(conn)
            if raw is None:
                raise self._missing()
            if raw != self._raw:  # acknowledged (or overwritten) in place
                self._check_identity(raw, "its identity was overwritten")
                self._raw, self.identity = raw, Identity.from_json(raw)
        return conn

    def open(self) -> Identity:
        """Open (and check) the journal; its identity.

        Raises:
            JournalMissingError: it was never created.
            JournalLostError: it is not the journal this process knew.
        """
        with self._lock:
            self._connection(claim=True)
            assert self.identity is not None  # noqa: S101 - set by a successful open
            return self.identity

    def create(self) -> tuple[Identity, bool]:
        """Create the journal if it does not exist; its identity and whether it was created."""
        with self._lock:
            conn = self._connect(create=True)
            fresh = Identity.new()
            try:
                raw = self._initialise(conn, fresh, replace=False)
            except BaseException:
                conn.close()
                raise
            self._adopt(conn, raw)
            assert self.identity is not None  # noqa: S101
            return self.identity, self.identity.id == fresh.id

    def acknowledge(self) -> Identity:
        """Record that the journal was lost: a fresh identity that supersedes the old one."""
        with self._lock:
            conn = self._connect(create=True)
            try:
                current = self._read_identity(conn)
                if current is not None:
                    supersedes = Identity.from_json(current).id
                elif self.identity is not None:
                    supersedes = self.identity.id
                else:
                    supersedes = UNKNOWN
                raw = self._initialise(conn, Identity.new(supersedes), replace=True)
            except BaseException:
                conn.close()
                raise
            old = self._conn
            self._adopt(conn, raw)
            if old is not None and old is not conn:
                old.close()
            assert self.identity is not None  # noqa: S101
            return self.identity

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._connection().execute(sql, params)

    # --- the records -----------------------------------------------------------------------

    def claim(self, intent: Intent) -> Intent | None:
        """Insert ``intent``; return ``None`` if it is now ours, else the record in the way.

        Raises:
            JournalLostError: the file was deleted or replaced (nothing is claimed).
        """
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
                conn = self._connection(claim=True)
                if conn.execute(_CLAIM, params).rowcount == 1:
                    return None
                row = conn.execute(_SELECT_ONE, (intent.key,)).fetchone()
            if row is not None:  # else it was released in between: claim again
                return _row_to_intent(row)

    def update(self, key: str, owner: str, change: Change) -> bool:
        """Apply ``change`` to ``key`` if ``owner`` still holds it."""
        text = None if change.result is None else encode_result(change.result)
        cursor = self._run(
            "UPDATE intents SET state = ?, updated_at = ?, result = COALESCE(?, result), "
            "note = COALESCE(?, note), expires_at = ? WHERE key = ? AND owner = ?",
            (change.state, change.now, text, change.note, change.expires_at, key, owner),
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
