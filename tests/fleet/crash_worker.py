"""A purchase worker for the crash test: ``python -m tests.fleet.crash_worker …``.

It reads jobs (``REF PHONE``) from stdin, one at a time, buys airtime through a journaled
client, and reports on stdout: ``sent REF`` when the purchase leaves the process, then
``done REF TRANXID``, ``busy REF SECONDS`` (a live claim elsewhere), ``unknown REF`` (the
answer was lost) or ``error REF NAME``. The supervisor SIGKILLs it at any moment.
"""

from __future__ import annotations

import argparse
import os
import sys
from decimal import Decimal

import anyio
import anyio.to_thread
import httpx

from dancity_sdk import AsyncDancityClient
from shared_auth import OutcomeUnknownError, RetryPolicy
from shared_auth.fleet import IntentInProgressError, open_journal


def _say(*words: object) -> None:
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


async def _work(args: argparse.Namespace) -> None:
    current: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        if request.method == "POST" and current:
            _say("sent", current[0])

    http = httpx.AsyncClient(timeout=args.timeout, event_hooks={"request": [on_request]})
    journal = open_journal(args.journal, lease=args.lease)
    client = AsyncDancityClient(
        os.environ["DANCITY_API_KEY"],
        base_url=args.base_url,
        http_client=http,
        throttle=False,
        retry=RetryPolicy(max_retries=0),
        journal=journal,
    )
    _say("ready")
    while line := await anyio.to_thread.run_sync(sys.stdin.readline):
        ref, phone = line.split()
        current[:] = [ref]
        try:
            tx = await client.vas.airtime.buy(
                product="MTN Airtime", phone=phone, amount=Decimal(100), customer_ref=ref
            )
        except IntentInProgressError as exc:
            _say("busy", ref, f"{exc.retry_after:.3f}")
        except OutcomeUnknownError:
            _say("unknown", ref)
        except Exception as exc:  # reported to the supervisor, which fails the test
            _say("error", ref, type(exc).__name__, str(exc).replace("\n", " ")[:300])
        else:
            _say("done", ref, tx.tranx_id)
        current.clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    parser.add_argument("--lease", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    anyio.run(_work, args, backend=args.backend)


if __name__ == "__main__":
    main()
