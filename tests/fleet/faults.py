"""The fault table: the fleet's guarantees when the journal or the budget backend fails.

``python -m tests.fleet.faults`` (``python -m nox -s fleet_faults``; CI runs it) runs each
scenario on asyncio and on trio with real worker processes, real redis-server processes
(killed, frozen, restarted with and without persistence) and the Dancity sandbox served on
loopback; each fault is followed by a fresh worker process that re-runs every order. From
the sandbox's ledger it checks four goals and prints one row per scenario and event loop:

* **twice**: references charged more than once (goal 0);
* **non-SDK**: exceptions that are not `SDKError`s, worker crashes included (goal 0);
* **unreported**: charges whose call did not report the result or an
  `OutcomeUnknownError` carrying the reference (goal 0);
* **late**: calls that ended more than 1 s after their deadline (goal 0); **slowest** is
  the longest call, in seconds.

It exits 1 if any goal is missed. ``--scenario NAME`` (repeatable) and ``--backend`` narrow
the run; ``--orders`` sets the orders per row.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.fleet.fault_run import (
    BUDGET_POLICY,
    DEADLINE,
    JOURNAL_CONTRACT,
    SLACK,
    Context,
    Row,
    RowRun,
    Scenario,
)
from tests.fleet.redis_server import unreachable_redis_url

FAULT_AT = 2  # the order whose sending (or whose turn) the fault strikes


class SqliteDeleted(Scenario):
    """The SQLite journal file is deleted while the worker runs."""

    name = "sqlite file deleted"

    def after_order(self, ctx: Context, index: int) -> None:
        if index == FAULT_AT:
            path = ctx.journal.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)


class RedisKilled(Scenario):
    """The journal's Redis is SIGKILLed between "sent" and "settled", then restarted."""

    def __init__(self, *, persist: bool) -> None:
        self.persist = persist
        self.name = f"redis killed, {'with' if persist else 'no'} persistence"

    def prepare(self, ctx: Context) -> None:
        ctx.journal_redis = ctx.redis(persistent=self.persist)
        ctx.journal = ctx.journal_redis.url
        ctx.volatile = not self.persist  # the user opted in to a Redis without persistence

    def at_sent(self, ctx: Context, index: int) -> None:
        if index == FAULT_AT and ctx.journal_redis is not None:
            ctx.journal_redis.kill()

    def after_order(self, ctx: Context, index: int) -> None:
        if index == FAULT_AT and ctx.journal_redis is not None:
            ctx.journal_redis.start()  # on the same port and folder


class RedisFrozen(Scenario):
    """The journal's Redis is SIGSTOPped between "sent" and "settled" for two orders."""

    name = "redis frozen"

    def prepare(self, ctx: Context) -> None:
        ctx.journal_redis = ctx.redis(persistent=True)
        ctx.journal = ctx.journal_redis.url

    def at_sent(self, ctx: Context, index: int) -> None:
        if index == FAULT_AT and ctx.journal_redis is not None:
            ctx.journal_redis.freeze()

    def after_order(self, ctx: Context, index: int) -> None:
        if index == FAULT_AT + 1:
            self.unstick(ctx)

    def unstick(self, ctx: Context) -> None:
        if ctx.journal_redis is not None:
            ctx.journal_redis.thaw()


class RedisNeverReachable(Scenario):
    """The journal's Redis URL names a port nobody listens on."""

    name = "redis never reachable"

    def prepare(self, ctx: Context) -> None:
        ctx.journal = unreachable_redis_url()
        ctx.create_journal = False


class MissingFolder(Scenario):
    """The SQLite journal's folder does not exist."""

    name = "journal in a missing folder"

    def prepare(self, ctx: Context) -> None:
        ctx.journal = f"sqlite:///{ctx.tmp / 'no-such-folder' / 'journal.db'}"
        ctx.create_journal = False


class ReferenceReused(Scenario):
    """Each reference buys airtime, then data: one reference, two purchases."""

    name = "one reference, airtime then data"

    def orders(self, tag: str, count: int) -> list[tuple[str, str, str]]:
        airtime = super().orders(tag, max(1, count // 2))
        return [(ref, kind, phone) for ref, _, phone in airtime for kind in ("airtime", "data")]


class BudgetOutage(Scenario):
    """The shared rate budget's Redis is killed mid-run, and is back for the fresh worker."""

    def __init__(self, *, fallback: int) -> None:
        self.fallback = fallback
        self.name = "rate-budget outage" + (f", LocalFallback({fallback})" if fallback else "")
        self.needs = ("budget_policy",) if fallback else ()

    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        ctx.budget_redis = ctx.redis(persistent=False)
        ctx.rate_budget = ctx.budget_redis.url
        ctx.fallback = self.fallback

    def before_order(self, ctx: Context, index: int) -> None:
        if index == FAULT_AT and ctx.budget_redis is not None:
            ctx.budget_redis.kill()

    def before_fresh(self, ctx: Context) -> None:
        if ctx.budget_redis is not None:
            ctx.budget_redis.start()


class BudgetFrozen(Scenario):
    """The shared rate budget's Redis is SIGSTOPped mid-run, and thawed for the fresh worker."""

    name = "rate-budget redis frozen"

    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        ctx.budget_redis = ctx.redis(persistent=False)
        ctx.rate_budget = ctx.budget_redis.url

    def before_order(self, ctx: Context, index: int) -> None:
        if index == FAULT_AT and ctx.budget_redis is not None:
            ctx.budget_redis.freeze()

    def before_fresh(self, ctx: Context) -> None:
        self.unstick(ctx)

    def unstick(self, ctx: Context) -> None:
        if ctx.budget_redis is not None:
            ctx.budget_redis.thaw()


SCENARIOS: tuple[Scenario, ...] = (
    SqliteDeleted(),
    RedisKilled(persist=True),
    RedisKilled(persist=False),
    RedisFrozen(),
    RedisNeverReachable(),
    MissingFolder(),
    ReferenceReused(),
    BudgetOutage(fallback=0),
    BudgetOutage(fallback=4),
    BudgetFrozen(),
)
HEADERS = (
    "scenario",
    "loop",
    "calls",
    "charged",
    "twice",
    "non-SDK",
    "unreported",
    "late",
    "slowest",
    "row s",
)


def _cells(row: Row) -> tuple[str, ...]:
    if row.skipped:
        return (row.scenario, row.backend, *["n/a"] * (len(HEADERS) - 2))
    return (
        row.scenario,
        row.backend,
        str(row.calls),
        str(row.charged),
        str(row.charged_twice),
        str(row.non_sdk),
        str(row.unreported),
        str(row.overran),
        f"{row.slowest:.2f}",
        f"{row.seconds:.1f}",
    )


def print_table(rows: list[Row]) -> None:
    """The table, then each row's outcomes and (for a missed goal) its first problems."""
    table = [HEADERS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    for number, line in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))  # noqa: T201
        if number == 0:
            print("  ".join("-" * w for w in widths))  # noqa: T201
    print()  # noqa: T201
    for row in rows:
        if row.skipped:
            continue
        seen = ", ".join(f"{name} {n}" for name, n in sorted(row.outcomes.items()))
        print(f"{row.scenario} / {row.backend}: {seen}")  # noqa: T201
        for problem in row.problems[:4]:
            print(f"    MISSED: {problem}")  # noqa: T201


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", action="append", default=[], help="a name's start")
    parser.add_argument("--backend", choices=("asyncio", "trio"), action="append", default=[])
    parser.add_argument("--orders", type=int, default=6)
    args = parser.parse_args(argv)
    backends = args.backend or ["asyncio", "trio"]
    chosen = [s for s in SCENARIOS if not args.scenario or s.name.startswith(tuple(args.scenario))]
    features = {"budget_policy": BUDGET_POLICY}
    print(  # noqa: T201
        f"fault table: {len(chosen)} scenarios x {len(backends)} loops, {args.orders} orders, "
        f"deadline {DEADLINE}s (+{SLACK}s); journal contract: "
        f"{'yes' if JOURNAL_CONTRACT else 'no'}, budget outage policy: "
        f"{'yes' if BUDGET_POLICY else 'no'}",
        flush=True,
    )
    rows: list[Row] = []
    started = time.monotonic()
    for scenario in chosen:
        for backend in backends:
            missing = [need for need in scenario.needs if not features[need]]
            if missing:
                rows.append(Row(scenario.name, backend, skipped=f"needs {', '.join(missing)}"))
                continue
            tmp = Path(tempfile.mkdtemp(prefix="faults-"))
            try:
                rows.append(RowRun(scenario, backend, tmp, args.orders).run())
            finally:
                if os.environ.get("FAULTS_KEEP") is None:
                    shutil.rmtree(tmp, ignore_errors=True)
    print_table(rows)
    missed = [row for row in rows if not row.ok]
    elapsed = time.monotonic() - started
    verdict = "every goal met" if not missed else f"{len(missed)} rows missed a goal"
    print(f"\n{verdict} ({elapsed:.0f}s)")  # noqa: T201
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
