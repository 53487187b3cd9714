"""P2: requests per second at concurrency 50 against nginx on loopback.

nginx (Debian package ``nginx`` or ``nginx-light``) serves the same payment JSON to every
client; every client runs in this process at the same concurrency.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import httpx

from benchmarks.overhead import BODY

N = 4000
CONC = 50
KEY = "dp_live_sk_x"

_CONF = """
worker_processes 1;
error_log {prefix}/error.log;
pid {prefix}/nginx.pid;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {prefix};
    proxy_temp_path {prefix};
    fastcgi_temp_path {prefix};
    uwsgi_temp_path {prefix};
    scgi_temp_path {prefix};
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        location = /nginx_status {{ stub_status; }}
        location / {{
            default_type application/json;
            add_header X-RateLimit-Limit 500;
            add_header X-RateLimit-Remaining 499;
            add_header X-RateLimit-Reset 1790000000;
            return 200 '{body}';
        }}
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: What to run when nginx is missing (Debian and Ubuntu).
INSTALL_HINT: Final = "sudo apt-get update && sudo apt-get install -y nginx"


def _nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def ensure_nginx() -> str | None:
    """The nginx binary, installed with apt-get when missing and running as root.

    Returns None (after printing the command to run) when it is missing and cannot be
    installed here.
    """
    binary = _nginx_binary()
    apt = shutil.which("apt-get")
    if binary is None and apt is not None and os.geteuid() == 0:
        print("nginx missing: apt-get install -y nginx", flush=True)  # noqa: T201
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for args in (["update", "-qq"], ["install", "-y", "-qq", "nginx"]):
            subprocess.run([apt, *args], check=False, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
        binary = _nginx_binary()
    if binary is None:
        print(f"nginx not found; install it with: {INSTALL_HINT}")  # noqa: T201
    return binary


@contextmanager
def nginx() -> Iterator[str | None]:
    """Serve the payment JSON with our own nginx on loopback; yields its URL (None: no nginx).

    The instance runs from a config in a temporary directory on a free port, and stops when
    the block ends (the system's nginx service, if any, is left alone).
    """
    binary = ensure_nginx()
    if binary is None:
        yield None
        return
    port = _free_port()
    with tempfile.TemporaryDirectory() as prefix:
        conf = Path(prefix, "nginx.conf")
        conf.write_text(_CONF.format(prefix=prefix, port=port, body=BODY.decode()))
        proc = subprocess.Popen(  # noqa: S603 - fixed arguments
            [binary, "-c", str(conf), "-p", prefix, "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


async def _drive(call: Callable[[], Awaitable[Any]], n: int) -> float:
    sem = asyncio.Semaphore(CONC)

    async def one() -> None:
        async with sem:
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return n / (time.perf_counter() - start)


async def _interleaved(
    calls: dict[str, Callable[[], Awaitable[Any]]], reps: int = 5
) -> dict[str, float]:
    """Each client in turn, ``reps`` times, so load on the machine hits all alike; best rate."""
    for call in calls.values():
        await _drive(call, 500)
    rates: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(reps):
        for name, call in calls.items():
            rates[name].append(await _drive(call, N))
    return {name: max(values) for name, values in rates.items()}


async def _run(url: str) -> dict[str, float]:
    from benchmarks import dptcay_plugin  # noqa: PLC0415 - the SDK under test

    limits = httpx.Limits(max_connections=CONC, max_keepalive_connections=CONC)
    raw = httpx.AsyncClient(limits=limits)

    async def raw_call() -> Any:
        response = await raw.get(
            url + "/v1/payments/pay_1", headers={"Authorization": f"Bearer {KEY}"}
        )
        return response.json()

    calls: dict[str, Callable[[], Awaitable[Any]]] = {"raw httpx.AsyncClient": raw_call}
    # Closed when done: an aiohttp session left open warns "Unclosed client session" at
    # garbage collection, in whatever benchmark runs next.
    opened = [raw]
    name, call = await dptcay_plugin.make_loopback_call(url, CONC)
    calls[name] = call
    try:
        import aiohttp  # noqa: PLC0415 - optional peer
        from httpx_aiohttp import AiohttpTransport  # noqa: PLC0415

        fast = httpx.AsyncClient(
            transport=AiohttpTransport(
                client=lambda: aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONC))
            )
        )
        opened.append(fast)

        async def fast_call() -> Any:
            response = await fast.get(
                url + "/v1/payments/pay_1", headers={"Authorization": f"Bearer {KEY}"}
            )
            return response.json()

        calls["httpx + aiohttp transport (raw)"] = fast_call
        name, call = await dptcay_plugin.make_loopback_call(url, CONC, http_client=fast)
        calls[name + " + aiohttp transport"] = call
    except ImportError as exc:
        print("aiohttp transport skipped:", exc)  # noqa: T201
    try:
        return await _interleaved(calls)
    finally:
        for http in opened:
            await http.aclose()


def main() -> None:
    """Print req/s and the ratio to raw httpx (skips without nginx)."""
    with nginx() as url:
        if url is None:
            print("P2 skipped: no nginx")  # noqa: T201
            return
        out = asyncio.run(_run(url))
    base = out["raw httpx.AsyncClient"]
    for name, value in out.items():
        print(f"{name:44s} {value:8.0f} req/s  x{value / base:4.2f} of raw httpx")  # noqa: T201
