"""P1 for dptcay_sdk, measured side by side with raw httpx.

Raw httpx and ``payments.get`` alternate round by round on the same in-memory transport,
so machine noise hits both alike.

Usage: ``python benchmarks/dptcay_p1.py [ROUNDS] [CALLS_PER_ROUND]``. Prints the median
and best per-call times and the median of the per-round ratios.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import dptcay_plugin  # type: ignore[import-not-found]  # found via sys.path above

PAYMENT = {
    "id": "pay_01HZX3",
    "object": "payment",
    "status": "pending",
    "amount": "125.50",
    "currency": "USDC",
    "network": "ethereum",
    "wallet_address": "0x" + "ab" * 20,
    "expires_at": "2026-11-22T12:00:00Z",
    "created_at": "2026-11-22T11:00:00Z",
    "metadata": {"order": "A-1"},
    "confirmations": 0,
    "required_confirmations": 12,
}
BODY = json.dumps(PAYMENT).encode()
HEADERS = {
    "content-type": "application/json",
    "x-ratelimit-limit": "500",
    "x-ratelimit-remaining": "499",
    "x-ratelimit-reset": "1790000000",
}


def transport() -> httpx.MockTransport:
    """The benchmark's in-memory server: always the 12-field payment."""
    return httpx.MockTransport(lambda _request: httpx.Response(200, content=BODY, headers=HEADERS))


async def per_call(fn: Callable[[], Awaitable[Any]], n: int) -> float:
    """Microseconds per call over ``n`` calls."""
    start = time.perf_counter()
    for _ in range(n):
        await fn()
    return (time.perf_counter() - start) / n * 1e6


async def main(rounds: int = 20, n: int = 2000) -> None:
    """Alternate raw and SDK rounds and print the figures."""
    raw_client = httpx.AsyncClient(
        base_url="https://api.example.com/v1",
        transport=transport(),
        headers={"Authorization": "Bearer " + dptcay_plugin.KEY},
    )

    async def raw() -> Any:
        response = await raw_client.get("/payments/pay_01HZX3")
        response.raise_for_status()
        return response.json()

    name, sdk = await dptcay_plugin.make_call(transport)
    for fn in (raw, sdk):
        await per_call(fn, 500)
    raw_times: list[float] = []
    sdk_times: list[float] = []
    for _ in range(rounds):
        raw_times.append(await per_call(raw, n))
        sdk_times.append(await per_call(sdk, n))
    ratios = [s / r for s, r in zip(sdk_times, raw_times, strict=True)]
    lines = [
        _line("raw httpx + json", raw_times),
        _line(name, sdk_times),
        (
            f"ratio: median of per-round ratios x{statistics.median(ratios):.3f}, "
            f"best/best x{min(sdk_times) / min(raw_times):.3f}"
        ),
    ]
    sys.stdout.write("\n".join(lines) + "\n")


def _line(name: str, times: list[float]) -> str:
    return f"{name:24s} median {statistics.median(times):7.1f} us  best {min(times):7.1f} us"


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*args))
