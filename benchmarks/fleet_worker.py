"""One P6 worker process: ``python -m benchmarks.fleet_worker`` (driven by benchmarks.fleet).

Reads its settings from argv, prints ``ready``, waits for ``go`` on stdin, makes its share
of calls with 4 concurrent tasks, then prints ``<ok> <429s> <first start> <last end>``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import anyio
import anyio.to_thread
import httpx

from dptcay_sdk import AsyncDptcayClient, RetryPolicy

TASKS = 4


async def _work(args: argparse.Namespace) -> None:
    rejected = 0

    async def count(response: httpx.Response) -> None:
        nonlocal rejected
        rejected += response.status_code == 429  # noqa: PLR2004

    http = httpx.AsyncClient(event_hooks={"response": [count]})
    window = args.window
    client = AsyncDptcayClient(
        os.environ["DPTCAY_API_KEY"],
        base_url=args.base_url,
        http_client=http,
        retry=RetryPolicy(max_retries=20, max_rate_limit_wait=window * 2, deadline=120),
        rate_plan=(args.limit, window),
        rate_budget=args.budget or None,
    )
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    await anyio.to_thread.run_sync(sys.stdin.readline)
    calls = iter(range(args.calls))
    ok = 0

    async def task() -> None:
        nonlocal ok
        for _ in calls:
            await client.currencies.list()
            ok += 1

    start = time.time()
    async with anyio.create_task_group() as tg:
        for _ in range(TASKS):
            tg.start_soon(task)
    end = time.time()
    await http.aclose()
    sys.stdout.write(f"{ok} {rejected} {start} {end}\n")
    sys.stdout.flush()


def main() -> None:
    """Parse the settings and run on the chosen event loop."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--limit", type=int, required=True)
    parser.add_argument("--window", type=float, required=True)
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--budget", default="")
    parser.add_argument("--backend", default="asyncio")
    args = parser.parse_args()
    anyio.run(_work, args, backend=args.backend)


if __name__ == "__main__":
    main()
