"""A purchase worker for the fault table: ``python -m tests.fleet.fault_worker …``.

It builds one journaled Dancity client (and a shared rate budget if asked), says
``{"ready": …}``, then reads orders (``REF KIND PHONE``, KIND ``airtime`` or ``data``) from
stdin one at a time and answers each with one JSON line: the outcome (``result``, ``sdk``
for an `SDKError`, ``other`` for anything else), the error's name, whether it is an
`OutcomeUnknownError`, the reference it carries, and the seconds the call took.

When a purchase is about to leave the process (httpx's request hook) it says
``{"sent": REF}`` and waits for a ``go`` line: the supervisor breaks the infrastructure at
exactly that moment (between "sent" and "settled"), then lets the request go.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from decimal import Decimal
from typing import Any

import anyio
import anyio.to_thread
import httpx

import shared_auth.fleet
from dancity_sdk import AsyncDancityClient
from shared_auth import OutcomeUnknownError, RetryPolicy, SDKError
from shared_auth.fleet import open_journal

DATA_PLAN = "1GB_MTN_GIFTING_1Day"


def _say(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def _describe(exc: BaseException) -> dict[str, Any]:
    return {
        "error": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "sdk": isinstance(exc, SDKError),
        "unknown": isinstance(exc, OutcomeUnknownError),
        "reference": getattr(exc, "reference", None),
        "message": str(exc).replace("\n", " ")[:300],
    }


def _journal(args: argparse.Namespace) -> Any:
    options: dict[str, Any] = {"lease": args.lease}
    if args.volatile and hasattr(shared_auth.fleet, "JournalLostError"):
        options["allow_volatile"] = True  # the user opted in to a Redis without persistence
    return open_journal(args.journal, **options)


def _client(args: argparse.Namespace, http: httpx.AsyncClient) -> AsyncDancityClient:
    budget: dict[str, Any] = {}
    if args.rate_budget:
        budget["rate_budget"] = args.rate_budget
        if args.fallback:
            budget["rate_budget_outage"] = shared_auth.fleet.LocalFallback(processes=args.fallback)
    return AsyncDancityClient(
        os.environ["DANCITY_API_KEY"],
        base_url=args.base_url,
        http_client=http,
        throttle=bool(args.rate_budget),
        retry=RetryPolicy(deadline=args.deadline),
        journal=_journal(args),
        **budget,
    )


async def _buy(client: AsyncDancityClient, ref: str, kind: str, phone: str) -> str | None:
    if kind == "data":
        tx = await client.vas.data.buy(plan=DATA_PLAN, phone=phone, customer_ref=ref)
    else:
        tx = await client.vas.airtime.buy(
            product="MTN Airtime", phone=phone, amount=Decimal(100), customer_ref=ref
        )
    return tx.tranx_id


async def _serve(client: AsyncDancityClient | None, current: list[str]) -> None:
    """Answer each order on stdin with one JSON line."""
    while line := await anyio.to_thread.run_sync(sys.stdin.readline):
        ref, kind, phone = line.split()
        if client is None:
            _say(ref=ref, outcome="skipped", elapsed=0.0)
            continue
        current[:] = [ref]
        started = time.monotonic()
        try:
            tranx_id = await _buy(client, ref, kind, phone)
        except Exception as exc:  # every kind is what is counted
            outcome = "sdk" if isinstance(exc, SDKError) else "other"
            elapsed = time.monotonic() - started
            _say(ref=ref, outcome=outcome, elapsed=elapsed, **_describe(exc))
        else:
            elapsed = time.monotonic() - started
            _say(ref=ref, outcome="result", tranx_id=tranx_id, elapsed=elapsed)
        current.clear()


async def _work(args: argparse.Namespace) -> None:
    current: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        if request.method == "POST" and current:
            _say(sent=current[0])
            await anyio.to_thread.run_sync(sys.stdin.readline)  # the supervisor's "go"

    async with httpx.AsyncClient(timeout=10.0, event_hooks={"request": [on_request]}) as http:
        client: AsyncDancityClient | None = None
        try:
            client = _client(args, http)
        except Exception as exc:  # counted by the supervisor
            _say(ready=False, **_describe(exc))
        else:
            _say(ready=True)
        await _serve(client, current)
        if client is not None:
            with contextlib.suppress(Exception):  # closing after a fault: nothing to report
                await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    parser.add_argument("--lease", type=float, default=1.0)
    parser.add_argument("--deadline", type=float, default=2.0)
    parser.add_argument("--rate-budget", default="")
    parser.add_argument("--fallback", type=int, default=0)
    parser.add_argument("--volatile", action="store_true")
    args = parser.parse_args()
    anyio.run(_work, args, backend=args.backend)


if __name__ == "__main__":
    main()
