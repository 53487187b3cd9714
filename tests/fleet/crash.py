"""The crash test's supervisor: real worker processes, SIGKILLed at random moments.

Workers (`tests.fleet.crash_worker`, half on asyncio and half on trio) buy airtime
from a Dancity sandbox served on loopback, through one journal. The supervisor is the job
queue: it hands out jobs, kills workers (at a random moment of a job, and whenever a
purchase stalls between send and answer, which the sandbox's ``delay`` fault arranges),
starts replacements, and runs every unfinished job again; a share of killed jobs is
abandoned instead, for ``recover()`` to find. Everything is then counted from the
sandbox's own ledger.
"""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import anyio

from dancity_sdk import AsyncDancityClient
from dancity_sdk.testing import DancitySandbox, FaultKind
from shared_auth.fleet import RecoveryReport, open_journal
from tests._json import at

STALL = 0.3  # a purchase unanswered this long is stalled by a delay fault
LEASE = 3.0
FAULTS: tuple[FaultKind, ...] = ("delay", "drop", "server_error")


@dataclass
class Job:
    ref: str
    phone: str
    not_before: float = 0.0
    tranx_id: str | None = None
    abandoned: bool = False
    kills: int = 0


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    backend: str
    buffer: bytes = b""
    ready: bool = False
    job: Job | None = None
    sent_at: float | None = None
    kill_at: float | None = None

    @property
    def stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def give(self, job: Job, kill_at: float | None) -> None:
        assert self.process.stdin is not None
        self.job, self.sent_at, self.kill_at = job, None, kill_at
        self.process.stdin.write(f"{job.ref} {job.phone}\n".encode())
        self.process.stdin.flush()

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


@dataclass
class CrashResult:
    intents: int
    duplicates: int
    lost: int
    kills: int
    stall_kills: int
    abandoned: int
    faults: Counter[str]
    errors: list[str]
    report: RecoveryReport
    problems: list[str] = field(default_factory=list)


class Supervisor:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        journal: str,
        log_dir: Path,
        rng: random.Random,
        sandbox: DancitySandbox,
        workers: int = 4,
    ) -> None:
        self.base_url = base_url
        self.journal = journal
        self.log_dir = log_dir
        self.rng = rng
        self.sandbox = sandbox
        self.size = workers
        self.env = {
            **os.environ,
            "DANCITY_API_KEY": api_key,
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        self.selector = selectors.DefaultSelector()
        self.workers: list[Worker] = []
        self.spawned = 0
        self.kills = 0
        self._abandon_credit = 0.5
        self.stall_kills = 0
        self.faults: Counter[str] = Counter()
        self.errors: list[str] = []

    def spawn(self) -> None:
        backend = ("asyncio", "trio")[self.spawned % 2]
        self.spawned += 1
        log = (self.log_dir / f"worker-{self.spawned}.log").open("wb")
        command = [
            sys.executable,
            "-m",
            "tests.fleet.crash_worker",
            "--base-url",
            self.base_url,
            "--journal",
            self.journal,
            "--backend",
            backend,
            "--lease",
            str(LEASE),
        ]
        process = subprocess.Popen(  # noqa: S603 - our own module and interpreter
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=self.env,
            bufsize=0,
        )
        log.close()
        worker = Worker(process, backend)
        self.selector.register(worker.stdout, selectors.EVENT_READ, worker)
        self.workers.append(worker)

    def replace(self, worker: Worker, pending: list[Job], *, abandon_share: float) -> None:
        self.selector.unregister(worker.stdout)
        worker.kill()
        self.workers.remove(worker)
        self.kills += 1
        job = worker.job
        if job is not None:
            job.kills += 1
            # A steady share, not a coin toss: a short run still abandons some jobs.
            self._abandon_credit += abandon_share
            if self._abandon_credit >= 1.0:
                self._abandon_credit -= 1.0
                job.abandoned = True  # the queue gave up on it: recover() must find it
            else:
                job.not_before = time.monotonic()
                pending.append(job)
        self.spawn()

    def run(
        self, jobs: list[Job], *, kill_share: float, fault_share: float, abandon_share: float
    ) -> None:
        for _ in range(self.size):
            self.spawn()
        pending = list(jobs)
        while pending or any(w.job is not None for w in self.workers):
            self._assign(pending, kill_share=kill_share, fault_share=fault_share)
            for key, _ in self.selector.select(timeout=0.005):
                self._read(key.data, pending)
            self._kill_due(pending, abandon_share=abandon_share)
        for worker in self.workers:
            self.selector.unregister(worker.stdout)
            worker.kill()
        self.workers.clear()

    def _assign(self, pending: list[Job], *, kill_share: float, fault_share: float) -> None:
        now = time.monotonic()
        for worker in self.workers:
            if not worker.ready or worker.job is not None:
                continue
            job = next((j for j in pending if j.not_before <= now), None)
            if job is None:
                return
            pending.remove(job)
            if self.rng.random() < fault_share:
                kind = self.rng.choice(FAULTS)
                self.sandbox.fail_next(kind, delay=1.0)
                self.faults[kind] += 1
            kill = self.rng.random() < kill_share
            worker.give(job, now + self.rng.uniform(0.0, 0.04) if kill else None)

    def _kill_due(self, pending: list[Job], *, abandon_share: float) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.job is None:
                continue
            stalled = worker.sent_at is not None and now - worker.sent_at > STALL
            if stalled or (worker.kill_at is not None and now >= worker.kill_at):
                self.stall_kills += stalled
                self.replace(worker, pending, abandon_share=abandon_share)

    def _read(self, worker: Worker, pending: list[Job]) -> None:
        data = os.read(worker.stdout.fileno(), 65536)
        if not data:
            log = sorted(self.log_dir.glob("worker-*.log"))
            self.errors.append(f"a {worker.backend} worker exited on its own; logs: {log[-1:]}")
            self.replace(worker, pending, abandon_share=0.0)
            return
        worker.buffer += data
        *lines, worker.buffer = worker.buffer.split(b"\n")
        for line in lines:
            self._handle(worker, line.decode().split(), pending)

    def _handle(self, worker: Worker, words: list[str], pending: list[Job]) -> None:
        verb, rest = words[0], words[1:]
        if verb == "ready":
            worker.ready = True
            return
        job = worker.job
        assert job is not None, words
        assert rest[0] == job.ref, (words, job)
        if verb == "sent":
            worker.sent_at = time.monotonic()
            return
        worker.job = worker.sent_at = worker.kill_at = None
        if verb == "done":
            job.tranx_id = rest[1]
        elif verb == "busy":
            job.not_before = time.monotonic() + float(rest[1]) + 0.05
            pending.append(job)
        elif verb == "unknown":
            job.not_before = time.monotonic()
            pending.append(job)
        else:
            self.errors.append(" ".join(words))


def _phone(index: int) -> str:
    # 0803 + 7 digits, never ending 0000 (fails) or 1111 (pending) in the sandbox.
    return f"0803{index * 7 + 3:06d}2"


async def _recover(base_url: str, api_key: str, journal: str) -> RecoveryReport:
    async with AsyncDancityClient(
        api_key, base_url=base_url, throttle=False, journal=open_journal(journal, lease=LEASE)
    ) as client:
        return await client.recover_journal()


def run_crash_test(
    *,
    journal: str,
    count: int,
    log_dir: Path,
    seed: int = 10,
    kill_share: float = 0.12,
    fault_share: float = 0.06,
    abandon_share: float = 0.25,
) -> CrashResult:
    """Run ``count`` purchase jobs through crashing workers; count what the ledger shows.

    ``journal`` must exist (``python -m shared_auth.fleet init``): workers never create it.
    """
    rng = random.Random(seed)
    sandbox = DancitySandbox(
        per_key_limit=10**9, purchase_limit=10**9, main_balance=10**9, seed=seed
    )
    jobs = [Job(ref=f"job-{seed}-{i:05d}", phone=_phone(i)) for i in range(count)]
    with sandbox.serve_in_thread() as base_url:
        supervisor = Supervisor(
            base_url=base_url,
            api_key=sandbox.api_key,
            journal=journal,
            log_dir=log_dir,
            rng=rng,
            sandbox=sandbox,
        )
        supervisor.run(
            jobs, kill_share=kill_share, fault_share=fault_share, abandon_share=abandon_share
        )
        time.sleep(LEASE + 0.2)  # every abandoned claim's lease runs out
        report = anyio.run(_recover, base_url, sandbox.api_key, journal)
        ledger = sandbox.transactions
    return _count(jobs, ledger, journal, report, supervisor)


def _count(
    jobs: list[Job],
    ledger: list[dict[str, Any]],
    journal_target: str,
    report: RecoveryReport,
    supervisor: Supervisor,
) -> CrashResult:
    charged: dict[str, list[str]] = {}
    for record in ledger:
        charged.setdefault(record["customerRef"], []).append(record["tranxId"])
    journal = open_journal(journal_target)
    problems: list[str] = []
    known = {job.ref for job in jobs}
    problems += [f"{ref}: charged but never a job" for ref in charged if ref not in known]
    for job in jobs:
        records = charged.get(job.ref, [])
        intent = journal.store.get(f"dancity:{job.ref}")
        if records:
            recorded = (
                None
                if intent is None or intent.state != "settled"
                else at(intent.result, "data", "tranxId")
            )
            if recorded not in records:
                problems.append(f"{job.ref}: charged {records} but the journal has {intent}")
            if job.tranx_id is not None and job.tranx_id not in records:
                problems.append(f"{job.ref}: the worker saw {job.tranx_id}, the ledger {records}")
        elif job.tranx_id is not None or (intent is not None and intent.open):
            problems.append(f"{job.ref}: not charged, yet done or still open: {intent}")
    journal.store.close()
    duplicates = sum(1 for refs in charged.values() if len(refs) > 1)
    return CrashResult(
        intents=len(jobs),
        duplicates=duplicates,
        lost=len(problems),
        kills=supervisor.kills,
        stall_kills=supervisor.stall_kills,
        abandoned=sum(job.abandoned for job in jobs),
        faults=supervisor.faults,
        errors=supervisor.errors,
        report=report,
        problems=problems,
    )
