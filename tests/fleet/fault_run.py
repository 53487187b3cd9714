"""One row of the fault table: a worker process, a fault, a fresh worker, the ledger's count.

A `Scenario` breaks the infrastructure at chosen moments (before an order, or between
"sent" and "settled" of one: the worker waits for a ``go`` while the fault is applied). The
first worker runs every order; then a fresh worker process runs every order again, as a
restarted worker or a retried job would. The Dancity sandbox's ledger says what was charged;
each charge is matched with the call that made it (the last call for its reference that
started before the charge was recorded).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import shared_auth.fleet
from dancity_sdk.testing import DancitySandbox
from tests.fleet.redis_server import RedisProcess

DEADLINE = 2.0  # each call's deadline (RetryPolicy(deadline=))
SLACK = 1.0  # a goal: every call ends within its deadline + this
UNSTICK_AFTER = DEADLINE + 3.0  # the watchdog lifts the fault (thaws Redis) after this
KILL_AFTER = DEADLINE + 15.0  # ... and kills the worker after this
#: The journal-hardening contract (typed journal errors, explicit creation, loss detection).
JOURNAL_CONTRACT = hasattr(shared_auth.fleet, "JournalLostError")
#: The rate-budget outage policy (``rate_budget_outage=``).
BUDGET_POLICY = hasattr(shared_auth.fleet, "LocalFallback")


@dataclass
class Context:
    """What one row's scenario sets up and breaks."""

    tmp: Path
    stack: ExitStack
    journal: str = ""
    journal_redis: RedisProcess | None = None
    budget_redis: RedisProcess | None = None
    rate_budget: str = ""
    fallback: int = 0
    volatile: bool = False
    create_journal: bool = True
    servers: int = 0

    def redis(self, *, persistent: bool) -> RedisProcess:
        """A redis-server of this row's own (stopped, thawed first, when the row ends)."""
        self.servers += 1
        folder = self.tmp / f"redis-{self.servers}"
        folder.mkdir()
        server = RedisProcess(folder, persistent=persistent)
        server.start()
        self.stack.callback(server.stop)
        return server


class Scenario:
    """A fault and when it strikes; the default hooks do nothing."""

    name = ""
    needs: tuple[str, ...] = ()  # features the scenario needs ("budget_policy")

    def orders(self, tag: str, count: int) -> list[tuple[str, str, str]]:
        """``(ref, kind, phone)`` per call; phones the sandbox always vends."""
        return [(f"{tag}-{i:03d}", "airtime", f"0803{i * 7 + 3:06d}2") for i in range(count)]

    def prepare(self, ctx: Context) -> None:
        """Set up the journal (and budget) targets."""
        ctx.journal = f"sqlite:///{ctx.tmp / 'journal.db'}"

    def before_order(self, ctx: Context, index: int) -> None:
        """Called before the first worker's order ``index`` is handed out."""

    def at_sent(self, ctx: Context, index: int) -> None:
        """Called when the first worker's order ``index`` is about to leave the process."""

    def after_order(self, ctx: Context, index: int) -> None:
        """Called after the first worker answered order ``index``."""

    def before_fresh(self, ctx: Context) -> None:
        """Called before the fresh worker starts."""

    def unstick(self, ctx: Context) -> None:
        """Lift a fault that holds a call (the watchdog's last resort)."""


@dataclass
class Call:
    ref: str
    ledger_at: int  # ledger length when the call started
    report: dict[str, Any]


@dataclass
class Row:
    scenario: str
    backend: str
    calls: int = 0
    charged: int = 0
    charged_twice: int = 0
    non_sdk: int = 0
    unreported: int = 0
    overran: int = 0
    slowest: float = 0.0  # the longest call, in seconds
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return self.skipped != "" or not (
            self.charged_twice or self.non_sdk or self.unreported or self.overran
        )


class WorkerProcess:
    """A ``tests.fleet.fault_worker`` process and its line protocol."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 - our own module and interpreter
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env
            )
        self.log = log
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stdout, selectors.EVENT_READ)
        self.buffer = b""

    @property
    def stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def write(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def read(self, until: float) -> dict[str, Any] | None:
        """The next JSON line, or ``None`` at ``until`` (monotonic).

        Raises:
            EOFError: the worker exited.
        """
        while b"\n" not in self.buffer:
            left = until - time.monotonic()
            if left <= 0 or not self.selector.select(timeout=left):
                return None
            data = os.read(self.stdout.fileno(), 65536)
            if not data:
                raise EOFError
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        report: dict[str, Any] = json.loads(line)
        return report

    def stderr_tail(self) -> str:
        text = self.log.read_text(errors="replace").strip().splitlines()
        return " | ".join(text[-3:])[-400:]

    def close(self) -> None:
        self.selector.close()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stdout.close()


class RowRun:
    """Runs one scenario on one event loop and counts it."""

    def __init__(self, scenario: Scenario, backend: str, tmp: Path, count: int) -> None:
        self.scenario = scenario
        self.backend = backend
        self.tmp = tmp
        self.count = count
        self.sandbox = DancitySandbox(
            per_key_limit=10**9, purchase_limit=10**9, main_balance=10**9, seed=16
        )
        self.calls: list[Call] = []
        self.row = Row(scenario.name, backend)
        self.spawned = 0

    def run(self) -> Row:
        started = time.monotonic()
        tag = f"{self.backend[0]}{abs(hash(self.scenario.name)) % 10**6:06d}"
        orders = self.scenario.orders(tag, self.count)
        with ExitStack() as stack, self.sandbox.serve_in_thread() as base_url:
            ctx = Context(tmp=self.tmp, stack=stack)
            self.scenario.prepare(ctx)
            if JOURNAL_CONTRACT and ctx.create_journal:
                _create_journal(ctx)
            self._run_worker(ctx, base_url, orders, first=True)
            self.scenario.before_fresh(ctx)
            self._run_worker(ctx, base_url, orders, first=False)
            self._count(self.sandbox.transactions)
        self.row.seconds = time.monotonic() - started
        return self.row

    def _spawn(self, ctx: Context, base_url: str) -> WorkerProcess:
        self.spawned += 1
        command = [sys.executable, "-m", "tests.fleet.fault_worker", "--base-url", base_url]
        command += ["--journal", ctx.journal, "--backend", self.backend]
        command += ["--deadline", str(DEADLINE)]
        if ctx.rate_budget:
            command += ["--rate-budget", ctx.rate_budget, "--fallback", str(ctx.fallback)]
        if ctx.volatile:
            command.append("--volatile")
        env = {
            **os.environ,
            "DANCITY_API_KEY": self.sandbox.api_key,
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        worker = WorkerProcess(command, env, self.tmp / f"worker-{self.spawned}.log")
        try:
            ready = worker.read(time.monotonic() + 60)
        except EOFError:
            ready = None
        if ready is None:
            self._fail(f"a worker did not start: {worker.stderr_tail()}")
        elif not ready["ready"]:
            self.row.outcomes[f"setup {ready['error'].rsplit('.', 1)[-1]}"] += 1
            if not ready["sdk"]:
                self._fail(f"setup raised {ready['error']}: {ready['message']}")
        return worker

    def _fail(self, problem: str) -> None:
        self.row.non_sdk += 1
        self.row.problems.append(problem)

    def _run_worker(
        self, ctx: Context, base_url: str, orders: list[tuple[str, str, str]], *, first: bool
    ) -> None:
        worker = self._spawn(ctx, base_url)
        try:
            for index, (ref, kind, phone) in enumerate(orders):
                if first:
                    self.scenario.before_order(ctx, index)
                report = self._call(ctx, worker, index, f"{ref} {kind} {phone}", first=first)
                if report.get("outcome") in {"killed", "crashed"}:
                    worker.close()
                    worker = self._spawn(ctx, base_url)  # a restarted worker goes on
                if first:
                    self.scenario.after_order(ctx, index)
        finally:
            worker.close()

    def _call(
        self, ctx: Context, worker: WorkerProcess, index: int, order: str, *, first: bool
    ) -> dict[str, Any]:
        ref = order.split(maxsplit=1)[0]
        call = Call(ref, len(self.sandbox.transactions), {})
        self.calls.append(call)
        worker.write(order)
        started = time.monotonic()
        unstuck = sent = False
        while True:
            until = started + (KILL_AFTER if unstuck else UNSTICK_AFTER)
            try:
                report = worker.read(until)
            except EOFError:
                report = {"outcome": "crashed", "error": worker.stderr_tail(), "sdk": False}
                report["elapsed"] = time.monotonic() - started
                break
            if report is None and not unstuck:
                self.scenario.unstick(ctx)
                unstuck = True
                continue
            if report is None:
                worker.process.kill()
                report = {"outcome": "killed", "elapsed": time.monotonic() - started}
                break
            if "sent" in report:
                if first and not sent:
                    self.scenario.at_sent(ctx, index)
                sent = True
                worker.write("go")
                continue
            break
        call.report = report
        return report

    def _count(self, ledger: list[dict[str, Any]]) -> None:
        row = self.row
        row.calls = len(self.calls)
        charges = [r for r in ledger if r["tranxType"] == "DEBIT" and r["status"] != "FAILED"]
        per_ref = Counter(r["customerRef"] for r in charges)
        row.charged = len(charges)
        row.charged_twice = sum(1 for n in per_ref.values() if n > 1)
        row.problems += [f"{ref}: charged {n} times" for ref, n in per_ref.items() if n > 1]
        for call in self.calls:
            self._judge(call)
        for index, record in enumerate(ledger):
            if record not in charges:
                continue
            ref = record["customerRef"]
            maker = [c for c in self.calls if c.ref == ref and c.ledger_at <= index]
            report = maker[-1].report if maker else {}
            shown = (
                report.get("outcome") == "result" and report.get("tranx_id") == record["tranxId"]
            )
            unknown = report.get("unknown") and report.get("reference") == ref
            if not (shown or unknown):
                row.unreported += 1
                row.problems.append(
                    f"{ref}: charged ({record['tranxId']}) but the call reported "
                    f"{report.get('error') or report.get('outcome')}"
                )

    def _judge(self, call: Call) -> None:
        row, report = self.row, call.report
        outcome = report.get("outcome", "?")
        name = str(report.get("error", "")).rsplit(".", 1)[-1]
        row.outcomes[name or outcome] += 1
        if outcome in {"other", "crashed", "killed"}:
            self._fail(
                f"{call.ref}: {outcome} {report.get('error', '')} {report.get('message', '')}"
            )
        elapsed = float(report.get("elapsed", 0.0))
        row.slowest = max(row.slowest, elapsed)
        if outcome == "killed" or elapsed > DEADLINE + SLACK:
            row.overran += 1
            row.problems.append(
                f"{call.ref}: {outcome} {name} after {report.get('elapsed', 0):.1f}s "
                f"(deadline {DEADLINE}s)"
            )


def _create_journal(ctx: Context) -> None:
    """Create the journal explicitly, as an operator does: ``python -m shared_auth.fleet init``."""
    command = [sys.executable, "-m", "shared_auth.fleet", "init", ctx.journal]
    if ctx.volatile:
        command.append("--allow-volatile")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        msg = f"{' '.join(command[1:])} failed: {done.stderr.strip()[-500:]}"
        raise RuntimeError(msg)
