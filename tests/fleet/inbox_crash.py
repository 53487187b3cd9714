"""The inbox crash test: webhooks acted on once while receivers and consumers are SIGKILLed.

Four receiver processes under uvicorn store deliveries in one inbox; two consumer processes
(one on asyncio, one on trio) handle them, writing a side-effect ledger. A sender delivers
the events the way Dancity does (duplicates, some out of order, retries on any non-2xx on
the documented schedule scaled down, to a receiver chosen at random per attempt), while a
killer SIGKILLs a receiver or a consumer (whichever kind it killed less often so far) every
fraction of a second and starts a new one. Everything is then counted from the ledger and the inbox:

    python -m tests.fleet.inbox_crash --events 1000          # SQLite and Redis; a table
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import anyio
import httpx

from dancity_sdk.webhooks import DancityWebhookSource, sign
from shared_auth.fleet import Inbox, open_inbox
from shared_auth.testing import OutgoingWebhook, WebhookFaults, WebhookSender
from tests.fleet.inbox_processes import ledger

SECRET = "whsec-crash-test"
RECEIVERS = 4
SETTLE_TIMEOUT = 90.0


@dataclass
class CrashOutcome:
    """What one run did and found."""

    backend: str
    events: int
    poison: set[str]
    undelivered: list[str] = field(default_factory=list)
    twice: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    parked: dict[str, str] = field(default_factory=dict)
    disorder: list[str] = field(default_factory=list)
    stored: int = 0
    absorbed: int = 0
    attempts: int = 0
    duplicates: int = 0
    retried: int = 0
    kills: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def goals(self) -> list[tuple[str, str, bool]]:
        """``(goal, measured, met)`` rows."""
        unexpected = sorted(set(self.parked) - self.poison)
        with_error = [k for k in self.poison if "poison" in self.parked.get(k, "")]
        return [
            ("events acted on twice", str(len(self.twice)), not self.twice),
            ("events lost (delivered, never acted on)", str(len(self.lost)), not self.lost),
            ("events never delivered (no 2xx)", str(len(self.undelivered)), not self.undelivered),
            (
                "failing events parked with their error",
                f"{len(with_error)}/{len(self.poison)}, {len(unexpected)} others",
                len(with_error) == len(self.poison) and not unexpected,
            ),
            (
                "one transaction's events out of receive order",
                str(len(self.disorder)),
                not self.disorder,
            ),
            (
                "events stored (each once)",
                f"{self.stored}/{self.events}",
                self.stored == self.events,
            ),
            (
                "receivers / consumers SIGKILLed",
                f"{self.kills['receiver']} / {self.kills['consumer']}",
                self.kills["receiver"] > 0 and self.kills["consumer"] > 0,
            ),
            (
                "duplicate deliveries / retried deliveries",
                f"{self.duplicates} / {self.retried}",
                self.duplicates > 0 and self.retried > 0,
            ),
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def build_events(count: int, rng: random.Random) -> tuple[list[OutgoingWebhook], set[str]]:
    """``count`` signed events: some transactions pending then settled, a few poisonous."""
    webhooks: list[OutgoingWebhook] = []
    poison: set[str] = set()
    tx = 0
    while len(webhooks) < count:
        tx += 1
        names = ["transaction.success"]
        if rng.random() < 0.2 and len(webhooks) + 2 <= count:
            names = ["transaction.pending", "transaction.success"]
        bad = len(names) == 1 and rng.random() < 0.02
        for name in names:
            data = {"transactionId": f"TX{tx:05d}", "status": name.split(".")[1], "amount": 100}
            if bad:
                data["poison"] = True
            body = json.dumps({"event": name, "timestamp": "2026-12-07T08:00:00Z", "data": data})
            raw = body.encode()
            key = f"dancity:{name}:TX{tx:05d}"
            webhooks.append(
                OutgoingWebhook(
                    key=key, body=raw, headers={"X-Dancity-Signature": sign(raw, SECRET)}
                )
            )
            if bad:
                poison.add(key)
    return webhooks, poison


class Fleet:
    """The receiver and consumer processes, and the killer."""

    def __init__(self, target: str, ledger_path: Path, log_dir: Path, rng: random.Random) -> None:
        self.target = target
        self.ledger_path = ledger_path
        self.log_dir = log_dir
        self.rng = rng
        self.ports = [_free_port() for _ in range(RECEIVERS)]
        self.receivers: dict[int, subprocess.Popen[bytes]] = {}
        self.consumers: dict[str, subprocess.Popen[bytes]] = {}
        self.kills: Counter[str] = Counter()
        self.env = {
            **os.environ,
            "INBOX_TARGET": target,
            "INBOX_SECRET": SECRET,
            "INBOX_FAIL_RATE": "0.03",
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        self._spawned = 0

    def _log(self, name: str) -> IO[bytes]:
        self._spawned += 1
        return (self.log_dir / f"{name}-{self._spawned}.log").open("wb")

    def start_receiver(self, port: int) -> None:
        command = [sys.executable, "-m", "uvicorn", "--factory", "--port", str(port)]
        command += ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
        command += ["tests.fleet.inbox_processes:receiver_factory"]
        self.receivers[port] = self._popen(command, f"receiver-{port}")

    def start_consumer(self, backend: str) -> None:
        command = [sys.executable, "-m", "tests.fleet.inbox_processes", "consume", self.target]
        command += [SECRET, str(self.ledger_path), backend]
        self.consumers[backend] = self._popen(command, f"consumer-{backend}")

    def _popen(self, command: list[str], name: str) -> subprocess.Popen[bytes]:
        with self._log(name) as log:  # the child keeps its own copy of the file
            return subprocess.Popen(command, env=self.env, stdout=log, stderr=log)  # noqa: S603

    def start(self) -> None:
        for port in self.ports:
            self.start_receiver(port)
        for backend in ("asyncio", "trio"):
            self.start_consumer(backend)

    async def wait_ready(self) -> None:
        async with httpx.AsyncClient() as http:
            for port in self.ports:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        if (await http.get(f"http://127.0.0.1:{port}/ready")).is_success:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        msg = f"receiver on port {port} did not start (see {self.log_dir})"
                        raise RuntimeError(msg)
                    await anyio.sleep(0.1)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.rng.choice(self.ports)}/hook"

    async def _all_receivers_up(self, http: httpx.AsyncClient) -> bool:
        for port in self.ports:
            try:
                if not (await http.get(f"http://127.0.0.1:{port}/ready")).is_success:
                    return False
            except httpx.TransportError:
                return False
        return True

    async def killer(self, period: tuple[float, float]) -> None:
        """SIGKILL a random receiver or consumer now and then, and start a new one.

        A receiver is killed only while every receiver answers (a rolling restart, as a
        deployment does it): on a loaded machine a restarted uvicorn takes seconds to come
        up, and killing the others meanwhile would leave the provider no receiver at all
        for its whole retry schedule, which tests the harness, not the inbox.
        """
        async with httpx.AsyncClient(timeout=1.0) as http:
            await self._kill_forever(period, http)

    async def _kill_forever(self, period: tuple[float, float], http: httpx.AsyncClient) -> None:
        while True:
            await anyio.sleep(self.rng.uniform(*period))
            # The kind killed less often so far (a coin on a tie): both kinds are killed
            # within the first two rounds, however few rounds a loaded machine allows.
            fewer = self.kills["receiver"] - self.kills["consumer"]
            receiver_turn = fewer < 0 or (fewer == 0 and self.rng.random() < 0.5)
            if receiver_turn and await self._all_receivers_up(http):
                port = self.rng.choice(self.ports)
                _kill(self.receivers[port])
                self.kills["receiver"] += 1
                self.start_receiver(port)
            else:
                backend = self.rng.choice(["asyncio", "trio"])
                _kill(self.consumers[backend])
                self.kills["consumer"] += 1
                self.start_consumer(backend)

    def stop(self) -> None:
        for process in [*self.receivers.values(), *self.consumers.values()]:
            _kill(process)


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


async def _settled(inbox: Inbox, ledger_path: Path, expected: set[str]) -> bool:
    conn = ledger(str(ledger_path))
    try:
        done = {row[0] for row in conn.execute("SELECT DISTINCT key FROM effects")}
    finally:
        conn.close()
    parked = {event.key for event in await inbox.parked()}
    return expected <= done | parked


async def run_inbox_crash(
    target: str,
    *,
    backend: str,
    events: int,
    log_dir: Path,
    seed: int = 7,
    send_seconds: float = 12.0,
) -> CrashOutcome:
    """One run against one inbox target; returns what the ledger and inbox show."""
    started = time.monotonic()
    rng = random.Random(seed)
    inbox = open_inbox(target, DancityWebhookSource(SECRET), create=True)
    ledger_path = log_dir / f"ledger-{backend}.db"
    ledger(str(ledger_path)).close()
    webhooks, poison = build_events(events, rng)
    outcome = CrashOutcome(backend=backend, events=events, poison=poison)
    fleet = Fleet(target, ledger_path, log_dir, rng)
    fleet.start()
    try:
        await fleet.wait_ready()
        faults = WebhookFaults(duplicate_rate=0.1, reorder_rate=0.1, time_scale=0.001, seed=seed)
        transport = httpx.AsyncHTTPTransport()
        sender = WebhookSender(transport, fleet.url, faults, timeout=5.0)
        async with transport, anyio.create_task_group() as tg:
            tg.start_soon(fleet.killer, (0.4, 1.0))
            await sender.send_all(webhooks, concurrency=16, spacing=send_seconds / events)
            tg.cancel_scope.cancel()
        delivered = {w.key for w in webhooks if w.delivered}
        outcome.undelivered = sorted({w.key for w in webhooks} - delivered)
        deadline = time.monotonic() + SETTLE_TIMEOUT
        # Polled: the consumers are other processes, nothing here could set an Event.
        while time.monotonic() < deadline:
            if await _settled(inbox, ledger_path, delivered):
                break
            await anyio.sleep(0.25)
    finally:
        fleet.stop()
    _count(outcome, inbox, ledger_path, webhooks, delivered, fleet.kills)
    outcome.parked = {e.key: e.last_error or "" for e in await inbox.parked()}
    outcome.stored = sum((await inbox.counts()).values())
    outcome.disorder = await _disorder(inbox, ledger_path, webhooks)
    await inbox.aclose()
    outcome.seconds = time.monotonic() - started
    return outcome


def _count(
    outcome: CrashOutcome,
    inbox: Inbox,
    ledger_path: Path,
    webhooks: list[OutgoingWebhook],
    delivered: set[str],
    kills: Counter[str],
) -> None:
    del inbox
    conn = ledger(str(ledger_path))
    effects = Counter(row[0] for row in conn.execute("SELECT key FROM effects"))
    outcome.absorbed = conn.execute("SELECT COUNT(*) FROM absorbed").fetchone()[0]
    conn.close()
    outcome.twice = sorted(k for k, n in effects.items() if n > 1)
    outcome.lost = sorted(k for k in delivered - outcome.poison if k not in effects)
    outcome.attempts = sum(len(w.attempts) for w in webhooks)
    outcome.duplicates = sum(
        1 for w in webhooks if sum(1 for a in w.attempts if a.status == 200) > 1
    )
    outcome.retried = sum(1 for w in webhooks if len(w.attempts) > 1 and w.delivered)
    outcome.kills = kills


async def _disorder(inbox: Inbox, ledger_path: Path, webhooks: list[OutgoingWebhook]) -> list[str]:
    """Transactions whose events were acted on in another order than they were stored."""
    conn = ledger(str(ledger_path))
    acted = {
        key: row_id for row_id, key in conn.execute("SELECT MIN(id), key FROM effects GROUP BY key")
    }
    conn.close()
    groups: dict[str, list[str]] = {}
    for webhook in webhooks:
        groups.setdefault(webhook.key.rsplit(":", 1)[1], []).append(webhook.key)
    wrong = []
    for tx, keys in groups.items():
        if len(keys) < 2 or not all(k in acted for k in keys):
            continue
        stored = [await inbox.get(k) for k in keys]
        by_seq = [e.key for e in sorted((e for e in stored if e), key=lambda e: e.seq)]
        if by_seq != sorted(keys, key=lambda k: acted[k]):
            wrong.append(tx)
    return wrong


def print_table(outcomes: list[CrashOutcome]) -> bool:
    """Print the goals per backend; ``True`` when every goal is met."""
    ok = True
    for outcome in outcomes:
        sys.stdout.write(
            f"\n{outcome.backend}: {outcome.events} events, {outcome.attempts} POSTs, "
            f"{outcome.absorbed} handler re-runs absorbed by the event key, "
            f"{outcome.seconds:.0f} s\n"
        )
        sys.stdout.write(f"  {'goal':<52} {'measured':<22} met\n")
        for goal, measured, met in outcome.goals():
            ok &= met
            sys.stdout.write(f"  {goal:<52} {measured:<22} {'yes' if met else 'NO'}\n")
        for key, error in sorted(outcome.parked.items()):
            sys.stdout.write(f"    parked {key}: {error}\n")
    sys.stdout.write("\nevery goal met\n" if ok else "\nGOALS MISSED\n")
    return ok


async def _main(args: argparse.Namespace) -> int:
    from tests.fleet.redis_server import redis_server  # noqa: PLC0415

    outcomes = []
    work = Path(args.work_dir)
    for name in ("sqlite", "redis"):
        (work / name).mkdir(parents=True, exist_ok=True)
    if "sqlite" in args.backends:
        target = str(work / "sqlite" / f"inbox-{os.getpid()}.db")
        outcomes.append(
            await run_inbox_crash(
                target, backend="sqlite", events=args.events, log_dir=work / "sqlite"
            )
        )
    if "redis" in args.backends:
        with redis_server() as url:
            outcomes.append(
                await run_inbox_crash(
                    url, backend="redis", events=args.events, log_dir=work / "redis"
                )
            )
    return 0 if print_table(outcomes) else 1


def main() -> int:
    """Run the crash test on each backend and print the goals table."""
    parser = argparse.ArgumentParser(prog="python -m tests.fleet.inbox_crash")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "redis"])
    parser.add_argument("--work-dir", default=f"/tmp/inbox-crash-{os.getpid()}")  # noqa: S108
    return anyio.run(_main, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
