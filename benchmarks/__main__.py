"""Run every benchmark: ``python -m benchmarks [p1 … p9]``.

Figures are ratios against peers measured in the same run; nothing here fails on speed.
"""

from __future__ import annotations

import sys

from benchmarks import (
    concurrency,
    fleet,
    goodput,
    importtime,
    inbox,
    memory,
    overhead,
    throughput,
)

_ALL = {
    "p1": overhead.main,
    "p2": throughput.main,
    "p3": importtime.main,
    "p4": goodput.main,
    "p5": memory.main,
    "p6": fleet.p6,
    "p7": fleet.p7,
    "p8": concurrency.main,
    "p9": inbox.main,
}


def main(argv: list[str]) -> None:
    """Run the named benchmarks (all by default)."""
    for name in argv or list(_ALL):
        print(f"\n== {name.upper()} ==", flush=True)  # noqa: T201
        _ALL[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
