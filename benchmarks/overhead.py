"""P1: per-call client overhead vs raw httpx on one in-memory transport.

The method of ``shared/bench/peer_overhead.py``: every client talks to the same
``httpx.MockTransport`` returning a 14-field payment, so the figure is pure client cost
(request build, auth, send through httpx, JSON decode, model). Peers that are installed
(stripe, openai) are measured in the same run.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

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
    "amount_received": "0",
    "order_id": "A-1",
}
BODY = json.dumps(PAYMENT).encode()
OPENAI_MODEL = json.dumps({"id": "m", "object": "model", "created": 1, "owned_by": "o"}).encode()
STRIPE_CUS = json.dumps(
    {
        "id": "cus_1",
        "object": "customer",
        "created": 1,
        "email": "a@b.c",
        "livemode": False,
        "metadata": {"order": "A-1"},
        "balance": 0,
    }
).encode()
HEADERS = {
    "content-type": "application/json",
    "x-ratelimit-limit": "500",
    "x-ratelimit-remaining": "499",
    "x-ratelimit-reset": "1790000000",
}

Call = Callable[[], Awaitable[Any]]


def handler(request: httpx.Request) -> httpx.Response:
    """Answer every client with the body it expects."""
    path = request.url.path
    if path.startswith("/v1/models"):
        body = OPENAI_MODEL
    elif path.startswith("/v1/customers"):
        body = STRIPE_CUS
    else:
        body = BODY
    return httpx.Response(200, content=body, headers=HEADERS)


def transport() -> httpx.MockTransport:
    """A fresh in-memory transport."""
    return httpx.MockTransport(handler)


async def per_call(fn: Call, n: int) -> float:
    """Microseconds per call over ``n`` calls."""
    start = time.perf_counter()
    for _ in range(n):
        await fn()
    return (time.perf_counter() - start) / n * 1e6


async def interleaved(calls: dict[str, Call], n: int = 2000, rounds: int = 15) -> dict[str, Any]:
    """Every client once per round, round after round, so machine noise hits all alike.

    Returns, per client, the median µs per call and the median of its per-round ratios
    to the first client (raw httpx).
    """
    for fn in calls.values():
        await per_call(fn, 300)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, fn in calls.items():
            times[name].append(await per_call(fn, n))
    base = times[next(iter(calls))]
    return {
        name: (
            statistics.median(values),
            statistics.median(v / b for v, b in zip(values, base, strict=True)),
        )
        for name, values in times.items()
    }


async def _peers() -> dict[str, Call]:
    calls: dict[str, Call] = {}
    raw = httpx.AsyncClient(
        base_url="https://api.example.com/v1",
        transport=transport(),
        headers={"Authorization": "Bearer dp_live_sk_x"},
    )

    async def raw_call() -> Any:
        response = await raw.get("/payments/pay_01HZX3")
        response.raise_for_status()
        return response.json()

    calls["raw httpx + json"] = raw_call
    try:
        import openai  # noqa: PLC0415 - optional peer

        # Some openai releases type http_client against their own httpx fork.
        http_client: Any = httpx.AsyncClient(transport=transport())
        oc = openai.AsyncOpenAI(
            api_key="sk-x",
            http_client=http_client,
            base_url="https://api.example.com/v1",
        )
        calls["openai-python models.retrieve"] = lambda: oc.models.retrieve("m")
    except ImportError as exc:
        print("openai skipped:", exc, file=sys.stderr)  # noqa: T201
    try:
        import stripe  # noqa: PLC0415 - optional peer

        hc = stripe.HTTPXClient()
        hc._client_async = httpx.AsyncClient(transport=transport())  # noqa: SLF001 - as the shared script does
        sc = stripe.StripeClient(
            "sk_test_x",
            http_client=hc,
            base_addresses={"api": "https://api.example.com"},
            max_network_retries=0,
        )
        calls["stripe-python customers.retrieve_async"] = lambda: sc.v1.customers.retrieve_async(
            "cus_1"
        )
    except ImportError as exc:
        print("stripe skipped:", exc, file=sys.stderr)  # noqa: T201
    return calls


async def run() -> dict[str, Any]:
    """Measure raw httpx, the peers and this SDK in one process, interleaved."""
    from benchmarks import dptcay_plugin as plugin  # noqa: PLC0415 - the SDK under test

    calls = await _peers()
    name, fn = await plugin.make_call(transport)
    calls[name] = fn
    return await interleaved(calls)


def main() -> None:
    """Print µs per call and the ratio to raw httpx (median of per-round ratios)."""
    results = asyncio.run(run())
    base, _ = results["raw httpx + json"]
    for name, (value, ratio) in results.items():
        print(f"{name:45s} {value:8.1f} us/call  x{ratio:5.2f}  (+{value - base:6.1f} us)")  # noqa: T201
