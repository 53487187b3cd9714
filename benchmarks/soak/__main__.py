"""``python -m benchmarks.soak [--quick] [--seed N] [--only SECTION ...]``: one table.

Full sizes (``nox -s soak``): Faults 2,000 money-moving intents per event loop (asyncio
and trio), Load 10,000 requests at concurrency 500 per SDK, Cancellation 1,000 per event
loop, Malformed responses 20,000 examples, Cancellation after send 20 per money-moving
method per event loop, Sync twins 20 threads per SDK. ``--quick`` divides the counts.
The process exits with status 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import anyio

from benchmarks.soak import _intents, _malformed, _sections
from benchmarks.soak._faults import KINDS

BACKENDS: Final = ("asyncio", "trio")
SECTIONS: Final = ("faults", "load", "cancellation", "malformed", "after_send", "sync")


@dataclass
class Row:
    """One line of the table: a measure, its value and its goal."""

    section: str
    measure: str
    value: str
    goal: str = ""
    met: bool | None = None


@dataclass
class Table:
    """The rows so far, and whether every goal was met."""

    rows: list[Row] = field(default_factory=list)

    def add(self, section: str, measure: str, values: dict[str, Any], goal: Any = None) -> None:
        """Add a row; ``goal`` is a number every value must equal, or None (reported only)."""
        shown = " / ".join(f"{k} {_fmt(v)}" for k, v in values.items())
        met = None if goal is None else all(v == goal for v in values.values())
        self.rows.append(Row(section, measure, shown, "" if goal is None else str(goal), met))

    @property
    def all_met(self) -> bool:
        """Whether no row missed its goal."""
        return all(row.met is not False for row in self.rows)

    def render(self) -> str:
        """The table as text."""
        header = ("Section", "Measure", "Value", "Goal", "Met")
        lines = [
            (
                r.section,
                r.measure,
                r.value,
                r.goal,
                "" if r.met is None else ("yes" if r.met else "NO"),
            )
            for r in self.rows
        ]
        widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=True)]
        rule = "  ".join("-" * w for w in widths)
        out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), rule]
        out += [
            "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines
        ]
        return "\n".join(out)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def faults(table: Table, scale: float, seed: int) -> None:
    """Money-moving intents under every fault kind, on both event loops."""
    per_backend = {
        b: anyio.run(functools.partial(_intents.faults, scale / 2, seed=seed), backend=b)
        for b in BACKENDS
    }
    totals = {sdk: _intents.Tally() for sdk in ("dptcay", "Dancity")}
    for tallies in per_backend.values():
        for sdk, tally in tallies.items():
            totals[sdk].add(tally)
    section = f"Faults ({len(KINDS)} kinds, asyncio+trio)"
    table.add(section, "money-moving intents", {k: t.intents for k, t in totals.items()})
    table.add(
        section,
        "ended ok / unknown→reconciled",
        {k: f"{t.ended['ok']}/{t.ended['unknown']}" for k, t in totals.items()},
    )
    table.add(section, "charged twice (ledger)", {k: t.charged_twice for k, t in totals.items()}, 0)
    table.add(
        section, "no result nor typed error", {k: t.without_outcome for k, t in totals.items()}, 0
    )
    table.add(section, "untyped exceptions", {k: t.untyped for k, t in totals.items()}, 0)
    table.add(
        section,
        "charged, reported as plain error",
        {k: t.charged_as_plain_error for k, t in totals.items()},
        0,
    )
    table.add(
        section, "unknown outcomes not settled", {k: t.unsettled for k, t in totals.items()}, 0
    )
    for sdk, tally in totals.items():
        for example in tally.untyped_examples[:2]:
            print(f"  {sdk} untyped: {example}", file=sys.stderr)


def load(table: Table, scale: float, seed: int) -> None:
    """10,000 reads at concurrency 500 with 10 % faults, per SDK (asyncio)."""
    requests, concurrency = round(10_000 * scale), max(10, round(500 * scale))
    results = {
        sdk: anyio.run(functools.partial(_sections.load, sdk, requests, concurrency, seed=seed))
        for sdk in ("dptcay", "Dancity")
    }
    section = f"Load ({requests:,} at {concurrency}, 10% faults)"
    table.add(
        section, "ok / typed errors", {k: f"{r.ok}/{r.typed_errors}" for k, r in results.items()}
    )
    kinds = {
        k: ",".join(f"{n}:{c}" for n, c in r.error_kinds.most_common(3)) for k, r in results.items()
    }
    table.add(section, "typed errors by class (top 3)", kinds)
    table.add(section, "untyped exceptions", {k: r.untyped for k, r in results.items()}, 0)
    table.add(section, "hung tasks", {k: r.hung for k, r in results.items()}, 0)
    table.add(
        section, "fds left open after aclose()", {k: r.fds_left for k, r in results.items()}, 0
    )
    table.add(section, "RSS growth (MB)", {k: r.rss_growth_mb for k, r in results.items()})
    table.add(
        section,
        "RSS growth in the second half (MB)",
        {k: r.rss_second_half_mb for k, r in results.items()},
    )
    table.add(
        section,
        "p50 / p99 latency (ms)",
        {k: f"{r.p50:.0f}/{r.p99:.0f}" for k, r in results.items()},
    )


def cancellation(table: Table, scale: float, seed: int) -> None:
    """Random cancellations mid-call on both event loops."""
    count = round(1000 * scale)
    results = {
        b: anyio.run(functools.partial(_sections.cancellations, count, seed=seed), backend=b)
        for b in BACKENDS
    }
    section = f"Cancellation ({count:,} per loop)"
    table.add(section, "calls cancelled mid-call", {k: r.cancelled for k, r in results.items()})
    table.add(
        section,
        "returned normally when cancelled",
        {k: r.returned_after_cancel for k, r in results.items()},
        0,
    )
    table.add(section, "untyped exceptions", {k: r.untyped for k, r in results.items()}, 0)
    table.add(
        section, "client broken afterwards", {k: r.broken_after for k, r in results.items()}, 0
    )
    table.add(section, "fd growth", {k: r.fds_growth for k, r in results.items()}, 0)


def malformed(table: Table, scale: float, seed: int) -> None:
    """Hypothesis-generated junk responses for every public method."""
    result = _malformed.malformed(round(20_000 * scale), seed=seed)
    section = f"Malformed ({result.methods} methods)"
    table.add(section, "examples", {"both SDKs": result.examples})
    table.add(section, "non-SDK exceptions escaping", {"both SDKs": result.escaped}, 0)
    table.add(section, "methods that sent nothing", {"both SDKs": len(result.silent)}, 0)
    for name, example in list(result.smallest.items())[:3]:
        print(f"  malformed {name}: {dict(result.escaped_by_type)} e.g. {example}", file=sys.stderr)


def after_send(table: Table, scale: float, seed: int) -> None:
    """Every money-moving method cancelled once its request was processed."""
    per_method = max(2, round(20 * scale))
    results = {
        b: anyio.run(functools.partial(_sections.after_send, per_method, seed=seed), backend=b)
        for b in BACKENDS
    }
    first = next(iter(results.values()))
    section = f"Cancel after send ({len(first.by_method)} methods)"
    table.add(
        section,
        "cancelled after the server processed",
        {k: r.cancelled_after_send for k, r in results.items()},
    )
    table.add(
        section,
        "charged / WARNING lines",
        {k: f"{r.charged}/{r.warned}" for k, r in results.items()},
    )
    table.add(
        section,
        "charged without a known reference",
        {k: r.charged_without_reference for k, r in results.items()},
        0,
    )


def sync(table: Table, scale: float, seed: int) -> None:
    """The blocking twins: threads sharing one client, and calls inside a running loop."""
    result = _sections.sync_twins(20, max(2, round(25 * scale)), seed=seed)
    section = "Sync twins (20 threads per SDK)"
    table.add(section, "calls / failed", {"both SDKs": f"{result.calls}/{result.failed}"})
    table.add(section, "failed calls", {"both SDKs": result.failed}, 0)
    table.add(section, "deadlocked threads", {"both SDKs": result.deadlocked}, 0)
    hung = sum(outcome == "DEADLOCK" for outcome in result.in_loop.values())
    table.add(section, "deadlocks inside a running loop", {"4 cases": hung}, 0)
    for case, outcome in result.in_loop.items():
        table.add(section, f"inside a running {case} loop", {"": outcome})


RUNNERS: Final[dict[str, Callable[[Table, float, int], None]]] = {
    "faults": faults,
    "load": load,
    "cancellation": cancellation,
    "malformed": malformed,
    "after_send": after_send,
    "sync": sync,
}


def main(argv: list[str]) -> int:
    """Run the sections, print the table; 1 if a goal was missed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak")
    parser.add_argument("--quick", action="store_true", help="a tenth of the full counts")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--only", nargs="*", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args(argv)
    scale = 0.1 if args.quick else 1.0
    table = Table()
    started = time.perf_counter()
    for name in args.only:
        section_started = time.perf_counter()
        RUNNERS[name](table, scale, args.seed)
        print(
            f"  {name}: {time.perf_counter() - section_started:.0f} s", file=sys.stderr, flush=True
        )
    print(table.render())
    print(f"\nseed {args.seed}, scale {scale}, {time.perf_counter() - started:.0f} s")
    return 0 if table.all_met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
