"""P5: resident memory and file descriptors over 20,000 calls through one client."""

from __future__ import annotations

import gc
from pathlib import Path

import anyio

from benchmarks.overhead import transport

CALLS = 20_000


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _fds() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())


async def _run() -> tuple[int, int, int, int]:
    from benchmarks import dptcay_plugin  # noqa: PLC0415 - the SDK under test

    _, call = await dptcay_plugin.make_call(transport)
    for _ in range(1000):  # warm caches, pools and lazily built converters first
        await call()
    gc.collect()
    rss0, fds0 = _rss_kib(), _fds()
    for _ in range(CALLS):
        await call()
    gc.collect()
    return rss0, _rss_kib(), fds0, _fds()


def main() -> None:
    """Print RSS and fd growth (targets: < 5 MB, none)."""
    rss0, rss1, fds0, fds1 = anyio.run(_run)
    print(  # noqa: T201
        f"{CALLS} calls: RSS {rss0 / 1024:.1f} -> {rss1 / 1024:.1f} MiB "
        f"(growth {(rss1 - rss0) / 1024:+.2f} MiB), fds {fds0} -> {fds1}"
    )
