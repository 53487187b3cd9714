"""P3: import time of both SDKs relative to ``import httpx`` (``-X importtime``)."""

from __future__ import annotations

import statistics
import subprocess
import sys


def _cumulative_us(statement: str) -> int:
    """Sum of the top-level cumulative import times reported by ``-X importtime``."""
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0
    prefix = "import time:"
    for line in result.stderr.splitlines():
        if not line.startswith(prefix) or "cumulative" in line:
            continue
        _, cumulative, name = line[len(prefix) :].split("|")
        if not name.startswith("  "):  # one space: a top-level import of the statement
            total += int(cumulative)
    return total


def measure(statement: str, runs: int = 7) -> float:
    """Median cumulative import time of ``statement`` in microseconds."""
    return statistics.median(_cumulative_us(statement) for _ in range(runs))


def main(runs: int = 11) -> None:
    """Print both SDKs' import time as a multiple of httpx's (runs alternate)."""
    statements = ("import httpx", "import dptcay_sdk, dancity_sdk")
    samples: dict[str, list[int]] = {s: [] for s in statements}
    for _ in range(runs):
        for statement in statements:
            samples[statement].append(_cumulative_us(statement))
    rows = {s: statistics.median(v) for s, v in samples.items()}
    base = rows["import httpx"]
    for name, value in rows.items():
        print(f"{name:34s} {value / 1000:7.1f} ms  x{value / base:4.2f} of import httpx")  # noqa: T201
