"""P8: throughput and latency with 50, 500 and 2,000 tasks in flight, against nginx on loopback.

Every row runs in this process against the same nginx (started here, on a free loopback
port, from a config in a temporary directory), one after another at each level:

- the SDK with its defaults: ``AsyncDptcayClient(key, base_url=...)``, ``payments.get``;
- the SDK on the fast transport: ``http_client=shared_auth.aiohttp_http_client()``;
- raw httpx with its defaults (a ``PoolTimeout`` counts as an error);
- raw httpx behind a 100-slot ``asyncio.Semaphore`` (what a careful user writes by hand);
- raw aiohttp with its defaults.

``tasks`` workers share a budget of requests (each takes the next one as soon as its call
returns), so ``tasks`` calls are in flight all along. Latency is measured from the call
to its return, waits for a connection included. A row is cut after ``--cap`` seconds: the
calls still running are cancelled and shown as ``cut``. ``conns`` counts the connections
nginx accepted during the row (its ``stub_status``): connections closed and reopened;
``cpu ms`` is this process's CPU time per call, steadier than req/s on a busy machine.
Figures are for comparing rows measured in the same run, never on their own.

``python -m benchmarks p8`` runs the default table; ``python -m benchmarks.concurrency
--help`` lists the options (other levels, counts, rows and the SDK's pool limits).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from benchmarks.dptcay_plugin import KEY
from benchmarks.throughput import nginx

LEVELS: Final = (50, 500, 2000)
#: Requests per row: at least this many, and at least two per task.
REQUESTS: Final = 2000
#: Seconds after which a row's remaining calls are cancelled.
CAP: Final = 90.0
GATE: Final = 100
WARMUP: Final = 200

Call = Callable[[], Awaitable[Any]]
#: Builds one row's call, registering whatever must be closed on ``stack``.
Factory = Callable[[str, AsyncExitStack], Awaitable[Call]]


@dataclass
class Result:
    """One row at one level."""

    name: str
    tasks: int
    requests: int
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)
    errors: Counter[str] = field(default_factory=Counter)
    cut: int = 0
    connections: int = -1
    cpu: float = 0.0

    @property
    def cpu_per_call(self) -> float:
        """This process's CPU time per completed call, in ms (steadier than req/s under load)."""
        done = len(self.latencies) + sum(self.errors.values())
        return self.cpu / done * 1000 if done else float("nan")

    @property
    def rate(self) -> float:
        """Successful calls per second."""
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def quantile(self, q: int) -> float:
        """The ``q``-th percentile latency of successful calls, in seconds."""
        if len(self.latencies) < 2:  # noqa: PLR2004 - quantiles needs two points
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100)[q - 1]


async def _sdk(url: str, stack: AsyncExitStack) -> Call:
    from dptcay_sdk import AsyncDptcayClient  # noqa: PLC0415 - the SDK under test

    client = await stack.enter_async_context(AsyncDptcayClient(KEY, base_url=url + "/v1"))
    return lambda: client.payments.get("pay_1")


async def _sdk_fast(url: str, stack: AsyncExitStack) -> Call:
    from dptcay_sdk import AsyncDptcayClient  # noqa: PLC0415
    from shared_auth._fast import aiohttp_http_client  # noqa: PLC0415

    http = await stack.enter_async_context(aiohttp_http_client())
    client = await stack.enter_async_context(
        AsyncDptcayClient(KEY, base_url=url + "/v1", http_client=http)
    )
    return lambda: client.payments.get("pay_1")


_AUTH: Final = {"Authorization": f"Bearer {KEY}"}


async def _httpx(url: str, stack: AsyncExitStack) -> Call:
    client = await stack.enter_async_context(httpx.AsyncClient())
    target = url + "/v1/payments/pay_1"

    async def call() -> Any:
        return (await client.get(target, headers=_AUTH)).json()

    return call


async def _httpx_gated(url: str, stack: AsyncExitStack) -> Call:
    plain = await _httpx(url, stack)
    gate = asyncio.Semaphore(GATE)

    async def call() -> Any:
        async with gate:
            return await plain()

    return call


async def _aiohttp(url: str, stack: AsyncExitStack) -> Call:
    import aiohttp  # noqa: PLC0415 - optional peer

    session = await stack.enter_async_context(aiohttp.ClientSession())
    target = url + "/v1/payments/pay_1"

    async def call() -> Any:
        async with session.get(target, headers=_AUTH) as response:
            return await response.json()

    return call


def _sdk_limits(connections: int, keepalive: int) -> Factory:
    """The SDK's own client with other pool limits (for choosing its defaults)."""

    async def factory(url: str, stack: AsyncExitStack) -> Call:
        from shared_auth import _client  # noqa: PLC0415

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=keepalive)
        previous = getattr(_client, "DEFAULT_LIMITS", None)
        setattr(_client, "DEFAULT_LIMITS", limits)  # noqa: B010 - a Final, swapped for one row
        if previous is not None:
            stack.callback(setattr, _client, "DEFAULT_LIMITS", previous)
        call = await _sdk(url, stack)
        await call()  # the SDK builds its httpx client (and reads the limits) on first use
        return call

    return factory


ROWS: Final[dict[str, tuple[str, Factory]]] = {
    "gated": (f"raw httpx + {GATE}-slot gate", _httpx_gated),
    "sdk": ("SDK defaults (httpx)", _sdk),
    "sdk-fast": ("SDK + aiohttp transport", _sdk_fast),
    "httpx": ("raw httpx, defaults", _httpx),
    "aiohttp": ("raw aiohttp, defaults", _aiohttp),
}


async def drive(call: Call, name: str, tasks: int, requests: int, cap: float) -> Result:
    """``requests`` calls by ``tasks`` workers; cut after ``cap`` seconds."""
    result = Result(name, tasks, requests)
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            try:
                await call()
            except Exception as exc:  # noqa: BLE001 - counted by type
                result.errors[type(exc).__name__] += 1
            else:
                result.latencies.append(time.perf_counter() - started)

    start, cpu = time.perf_counter(), time.process_time()
    workers = [asyncio.create_task(worker()) for _ in range(tasks)]
    _, pending = await asyncio.wait(workers, timeout=cap)
    result.elapsed = time.perf_counter() - start
    result.cpu = time.process_time() - cpu
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    result.cut = requests - len(result.latencies) - sum(result.errors.values())
    return result


async def accepted(url: str) -> int:
    """Connections nginx has accepted so far (its ``stub_status``), this query's included."""
    host, _, port = url.removeprefix("http://").partition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /nginx_status HTTP/1.0\r\nHost: x\r\n\r\n")
    body = (await reader.read()).decode()
    writer.close()
    await writer.wait_closed()
    # "...server accepts handled requests\n A H R\n..."
    return int(body.split("requests", 1)[1].split()[0])


async def _row(
    url: str, name: str, factory: Factory, tasks: int, args: argparse.Namespace
) -> Result:
    async with AsyncExitStack() as stack:
        call = await factory(url, stack)
        await drive(call, name, min(50, tasks), WARMUP, args.cap)  # connections open, code warm
        requests = max(args.requests, 2 * tasks)
        before = await accepted(url)
        result = await drive(call, name, tasks, requests, args.cap)
        result.connections = await accepted(url) - before - 1
        return result


def _factories(args: argparse.Namespace) -> list[tuple[str, Factory]]:
    rows = [ROWS[key] for key in args.rows]
    for spec in args.limits:
        connections, _, keepalive = spec.partition("/")
        label = f"SDK, pool {connections} conn / {keepalive} keep-alive"
        rows.append((label, _sdk_limits(int(connections), int(keepalive))))
    return rows


def render(results: Sequence[Result]) -> str:
    """The table: one line per row and level, with ratios to the gated httpx row."""
    gated = {r.tasks: r for r in results if r.name == ROWS["gated"][0]}
    width = max(36, *(len(r.name) for r in results))
    header = (
        f"{'tasks':>5}  {'client':{width}}  {'req/s':>6}  {'p50 s':>6}  {'p99 s':>6}  "
        f"{'errors':>6}  {'cut':>4}  {'conns':>5}  {'cpu ms':>6}  {'/gated':>6}  {'p99/gated':>9}  "
        "errors by type"
    )
    lines = [header]
    for r in results:
        ref = gated.get(r.tasks)
        ratio = f"{r.rate / ref.rate:5.2f}x" if ref and ref.rate else "     -"
        p99 = f"{r.quantile(99) / ref.quantile(99):8.2f}x" if ref and ref.latencies else ""
        kinds = ",".join(f"{k}:{v}" for k, v in r.errors.most_common(3))
        lines.append(
            f"{r.tasks:5d}  {r.name:{width}}  {r.rate:6.0f}  {r.quantile(50):6.2f}  "
            f"{r.quantile(99):6.2f}  {sum(r.errors.values()):6d}  {r.cut:4d}  "
            f"{r.connections:5d}  {r.cpu_per_call:6.2f}  {ratio:>6}  {p99:>9}  {kinds}"
        )
    return "\n".join(lines)


async def _run(url: str, args: argparse.Namespace) -> list[Result]:
    """Each level: every row in turn, ``--reps`` times; the run of median rate per row."""
    results: list[Result] = []
    for tasks in args.tasks:
        runs: dict[str, list[Result]] = {}
        for _ in range(args.reps):
            for name, factory in _factories(args):
                try:
                    result = await _row(url, name, factory, tasks, args)
                except ImportError as exc:
                    print(f"{name} skipped: {exc}", flush=True)  # noqa: T201
                    continue
                runs.setdefault(name, []).append(result)
                so_far = [r for row in runs.values() for r in row if r is not result]
                print(render([*so_far, result]).splitlines()[-1], flush=True)  # noqa: T201
        results.extend(sorted(row, key=lambda r: r.rate)[len(row) // 2] for row in runs.values())
    return results


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The command line (the defaults are the P8 table)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.concurrency")
    parser.add_argument("--tasks", type=int, nargs="+", default=list(LEVELS))
    parser.add_argument("--requests", type=int, default=REQUESTS, help="per row (≥ 2 per task)")
    parser.add_argument("--cap", type=float, default=CAP, help="seconds per row")
    parser.add_argument("--reps", type=int, default=1, help="runs per row (median shown)")
    parser.add_argument("--rows", nargs="*", choices=list(ROWS), default=list(ROWS))
    parser.add_argument(
        "--limits",
        nargs="*",
        default=[],
        metavar="CONN/KEEPALIVE",
        help="extra SDK rows with these pool limits on its own client, e.g. 100/20 100/100",
    )
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] = ()) -> None:
    """Print the P8 table (skips without nginx)."""
    args = parse(argv)
    with nginx() as url:
        if url is None:
            print("P8 skipped: no nginx")  # noqa: T201
            return
        results = asyncio.run(_run(url, args))
    print()  # noqa: T201
    print(render(results))  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1:])
