"""dptcay_sdk plug-in for the shared benchmarks.

``bench/peer_overhead.py`` (P1) calls `make_call`; ``bench/loopback_throughput.py``
(P2) calls `make_loopback_call`.

Run from the repository root with this directory on the import path, e.g.::

    PYTHONPATH=benchmarks python /work/shared/bench/peer_overhead.py dptcay_plugin
    PYTHONPATH=benchmarks python /work/shared/bench/loopback_throughput.py URL 4000 50 dptcay_plugin
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from dptcay_sdk import AsyncDptcayClient

# A well-formed test key: the client refuses anything else before any I/O.
KEY = "dp_test_sk_" + "a1" * 12

Call = Callable[[], Awaitable[Any]]


async def make_call(transport: Callable[[], httpx.AsyncBaseTransport]) -> tuple[str, Call]:
    """P1: ``payments.get`` through the benchmark's in-memory transport."""
    http = httpx.AsyncClient(transport=transport())
    client = AsyncDptcayClient(KEY, base_url="https://api.example.com/v1", http_client=http)

    async def call() -> Any:
        return await client.payments.get("pay_01HZX3")

    return "dptcay_sdk payments.get", call


async def make_loopback_call(
    url: str, conc: int, http_client: httpx.AsyncClient | None = None
) -> tuple[str, Call]:
    """P2: ``payments.get`` against the benchmark's loopback server."""
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    http = http_client or httpx.AsyncClient(limits=limits)
    client = AsyncDptcayClient(KEY, base_url=url.rstrip("/") + "/v1", http_client=http)

    async def call() -> Any:
        return await client.payments.get("pay_1")

    return "dptcay_sdk payments.get", call
