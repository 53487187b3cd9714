"""The inbox crash test's processes: receivers (under uvicorn) and consumers.

Receiver: ``uvicorn --factory tests.fleet.inbox_processes:receiver_factory --port N``, with
``INBOX_TARGET`` and ``INBOX_SECRET`` in the environment; it answers 500 to
``INBOX_FAIL_RATE`` of requests before storing them (a provider then retries).

Consumer: ``python -m tests.fleet.inbox_processes consume TARGET SECRET LEDGER BACKEND``
runs ``inbox.run(handler)`` on asyncio or trio. The handler is the side effect the test
counts: it appends to ``effects`` in the ledger (a SQLite file), once per event key. Its
"already done?" check and its write are separate statements, so two handlers running one
event at the same time would both write (the ledger would show it); a handler re-run after
a consumer died between the write and the inbox's "done" mark finds the row and writes
``absorbed`` instead. Events whose body says ``"poison": true`` always raise.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
from collections.abc import Mapping
from typing import Any

import anyio
import anyio.to_thread

from dancity_sdk.webhooks import DancityWebhookSource
from shared_auth.fleet import InboxEvent, open_inbox, webhook_endpoint
from tests._json import at

LEASE = 2.0
MAX_ATTEMPTS = 3
LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS effects (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT, pid INT);
CREATE TABLE IF NOT EXISTS absorbed (key TEXT, pid INT);
CREATE TABLE IF NOT EXISTS runs (key TEXT, pid INT);
"""


def ledger(path: str) -> sqlite3.Connection:
    """The side-effect ledger (shared by every consumer process)."""
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(LEDGER_SCHEMA)
    return conn


def receiver_factory() -> Any:
    """The receiver app (``uvicorn --factory tests.fleet.inbox_processes:receiver_factory``)."""
    from starlette.applications import Starlette  # noqa: PLC0415
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import JSONResponse, Response  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    source = DancityWebhookSource(os.environ["INBOX_SECRET"])
    inbox = open_inbox(os.environ["INBOX_TARGET"], source, lease=LEASE)
    endpoint = webhook_endpoint(inbox)
    fail_rate = float(os.environ.get("INBOX_FAIL_RATE", "0"))
    rng = random.Random()

    async def hook(request: Request) -> Response:
        if rng.random() < fail_rate:
            return JSONResponse({"error": "injected"}, status_code=500)
        return await endpoint(request)

    async def ready(request: Request) -> Response:
        del request
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[Route("/hook", hook, methods=["POST"]), Route("/ready", ready, methods=["GET"])]
    )


async def consume(target: str, secret: str, ledger_path: str) -> None:
    """Consume forever; the supervisor SIGKILLs this process at random."""
    inbox = open_inbox(
        target, DancityWebhookSource(secret), lease=LEASE, max_attempts=MAX_ATTEMPTS, backoff=0.05
    )
    conn = ledger(ledger_path)
    pid = os.getpid()
    rng = random.Random()

    def run_effect(key: str) -> None:
        conn.execute("INSERT INTO runs (key, pid) VALUES (?, ?)", (key, pid))
        if conn.execute("SELECT 1 FROM effects WHERE key = ?", (key,)).fetchone():
            conn.execute("INSERT INTO absorbed (key, pid) VALUES (?, ?)", (key, pid))
            return
        conn.execute("INSERT INTO effects (key, pid) VALUES (?, ?)", (key, pid))

    async def handler(event: InboxEvent) -> None:
        data = at(event.json(), "data")
        if isinstance(data, Mapping) and data.get("poison"):
            msg = f"poison event {event.key}: the warehouse refuses it"
            raise RuntimeError(msg)
        await anyio.sleep(rng.uniform(0.0, 0.01))  # the work, before the effect
        await anyio.to_thread.run_sync(run_effect, event.key)

    sys.stdout.write("ready\n")
    sys.stdout.flush()
    await inbox.run(handler, poll_interval=0.05)


def main() -> None:
    """``consume TARGET SECRET LEDGER asyncio|trio``."""
    _, command, target, secret, ledger_path, backend = sys.argv
    assert command == "consume"
    anyio.run(consume, target, secret, ledger_path, backend=backend)


if __name__ == "__main__":
    main()
