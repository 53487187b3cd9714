"""Serve one sandbox behind the fault wrapper in its own process (for the Load section).

``python -m benchmarks.soak._serve dptcay|dancity SEED FAULT_RATE`` binds a free loopback
port and prints one JSON line (``url`` and the seeded credentials), then serves until it
is terminated. A separate process keeps the server's CPU off the client's, so the load
figures measure the SDK, not a server sharing its interpreter.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.soak import _world as world
from benchmarks.soak._faults import FaultPlan, FaultyApp


def main(api: str, seed: int, rate: float) -> None:
    """Serve the sandbox until terminated."""
    from dptcay_sdk.testing import _server  # noqa: PLC0415 - the sandbox's loopback server

    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)  # injected faults are noise
    sb: Any = world.dptcay_sandbox(seed) if api == "dptcay" else world.dancity_sandbox(seed)
    plan = FaultPlan(rate=rate, seed=seed, stall=2.0, slow=0.01)
    sock = _server.bind("127.0.0.1", 0)
    url = _server.base_url_of(sock)
    if api == "dptcay":
        credentials = {"url": url, "key": sb.write_key}
    else:
        credentials = {"url": url.removesuffix("/v1"), "key": sb.api_key}
    print(json.dumps(credentials), flush=True)
    _server.make_server(FaultyApp(sb.app, plan), quiet=True).run(sockets=[sock])


@contextmanager
def serving(api: str, seed: int, rate: float) -> Iterator[dict[str, str]]:
    """Run `main` in a child process; yields its URL and credentials."""
    command = [sys.executable, "-m", "benchmarks.soak._serve", api, str(seed), str(rate)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        assert child.stdout is not None  # noqa: S101 - stdout=PIPE
        yield json.loads(child.stdout.readline())
    finally:
        child.terminate()
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
