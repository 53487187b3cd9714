"""P9: the webhook inbox on loopback: receive latency and the cost of each event, per backend.

    python -m benchmarks p9            # or: python -m benchmarks.inbox

* ``receive()``: p50/p99 of one call (verify the signature, store body and headers) for new
  deliveries and for duplicates, from an asyncio task.
* Over HTTP: p50/p99 of a POST answered by ``webhook_endpoint`` under uvicorn (one process),
  from an httpx client on the same host: what a provider waits for (Dancity asks for < 5 s).
* Per event: wall time of receive + claim + handler (no-op) + done, and the backend round
  trips it takes (Redis: commands counted by the server's ``INFO commandstats``).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import httpx

from dancity_sdk.webhooks import DancityWebhookSource, sign
from shared_auth.fleet import Inbox, InboxEvent, open_inbox

SECRET = "whsec-bench"  # noqa: S105 - a benchmark's own fake secret
N = int(os.environ.get("INBOX_BENCH_N", "2000"))


def _delivery(i: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {
            "event": "transaction.success",
            "timestamp": "2026-12-07T08:00:00Z",
            "data": {"transactionId": f"B{i:07d}", "status": "success", "amount": 500},
        }
    ).encode()
    return body, {"X-Dancity-Signature": sign(body, SECRET), "Content-Type": "application/json"}


def _pct(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"


def _redis_calls(url: str) -> tuple[int, int]:
    """(round trips: script calls, commands the server ran in all, scripts' own included)."""
    import redis  # noqa: PLC0415

    client = redis.Redis.from_url(url)
    stats: Any = client.info("commandstats")
    client.close()
    calls = {k: int(v["calls"]) for k, v in stats.items() if k != "cmdstat_info"}
    trips = calls.get("cmdstat_evalsha", 0)  # the inbox's consumers send nothing else
    return trips, sum(calls.values())


async def _direct(inbox: Inbox, target: str) -> None:
    deliveries = [_delivery(i) for i in range(N)]
    new: list[float] = []
    for body, headers in deliveries:
        start = time.perf_counter()
        await inbox.receive(body, headers)
        new.append(time.perf_counter() - start)
    dup: list[float] = []
    for body, headers in deliveries[: N // 4]:
        start = time.perf_counter()
        await inbox.receive(body, headers)
        dup.append(time.perf_counter() - start)
    print(f"  receive(), new:        {_pct(new)}  ({N} calls)")  # noqa: T201
    print(f"  receive(), duplicate:  {_pct(dup)}  ({N // 4} calls)")  # noqa: T201

    async def handler(event: InboxEvent) -> None:
        del event

    calls = _redis_calls(target) if target.startswith("redis") else (0, 0)
    start = time.perf_counter()
    handled = await inbox.drain(handler)
    elapsed = time.perf_counter() - start
    line = f"  claim + handle + done: {elapsed / handled * 1000:.2f} ms per event ({handled})"
    if target.startswith("redis"):
        trips, total = _redis_calls(target)
        per_trip = (trips - calls[0]) / handled
        per_cmd = (total - calls[1]) / handled
        line += (
            f", {per_trip:.2f} Redis round trips per event ({per_cmd:.1f} commands run inside "
            "the scripts); receiving it: 1 EVALSHA"
        )
    else:
        line += ", 2 SQLite statements per event (+1 INSERT to receive it)"
    print(line)  # noqa: T201


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _http(target: str) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "INBOX_TARGET": target,
        "INBOX_SECRET": SECRET,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--log-level",
        "warning",
        "--no-access-log",
        "tests.fleet.inbox_processes:receiver_factory",
    ]
    process = subprocess.Popen(command, env=env)  # noqa: S603, ASYNC220 - started once
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(300):
                try:
                    if (await http.get("/ready")).is_success:
                        break
                except httpx.TransportError:
                    await anyio.sleep(0.05)
            samples: list[float] = []
            for i in range(N, N + N // 2):
                body, headers = _delivery(i)
                start = time.perf_counter()
                response = await http.post("/hook", content=body, headers=headers)
                samples.append(time.perf_counter() - start)
                assert response.is_success, response.text  # noqa: S101
        print(f"  POST via uvicorn:      {_pct(samples)}  ({len(samples)} requests)")  # noqa: T201
    finally:
        process.terminate()
        process.wait()


async def _run() -> None:
    from tests.fleet.redis_server import redis_server  # noqa: PLC0415

    source = DancityWebhookSource(SECRET)
    with tempfile.TemporaryDirectory() as folder, redis_server() as url:
        for name, target in (("sqlite", str(Path(folder) / "inbox.db")), ("redis", url)):
            print(f"{name}:")  # noqa: T201
            inbox = open_inbox(target, source, create=True)
            await _direct(inbox, target)
            await _http(target)
            await inbox.aclose()


def main() -> None:
    """Print P9."""
    anyio.run(_run)


if __name__ == "__main__":
    main()
