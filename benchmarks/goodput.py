"""P4: goodput under a rate limit, with and without the client-side throttle.

The dptcay sandbox enforces a sliding window of N requests per window; 50 concurrent
tasks issue 3N ``payments.get`` calls. The figure is the achieved rate as a share of the
allowed rate, and the number of 429 responses the server sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import anyio
import httpx

from dptcay_sdk import AsyncDptcayClient, RetryPolicy
from dptcay_sdk.testing import DptcaySandbox, RatePlan

LIMIT = 40
WINDOW = 2.0
TASKS = 50


def _counting_transport(app: object, statuses: list[int]) -> httpx.AsyncBaseTransport:
    inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]

    class Counting(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await inner.handle_async_request(request)
            statuses.append(response.status_code)
            return response

    return Counting()


async def _run(
    make_client: Callable[[DptcaySandbox, httpx.AsyncClient], AsyncDptcayClient],
) -> tuple[float, int, int]:
    sandbox = DptcaySandbox(plan=RatePlan(limit=LIMIT, window=WINDOW, name="bench"))
    statuses: list[int] = []
    http = httpx.AsyncClient(transport=_counting_transport(sandbox.app, statuses))
    client = make_client(sandbox, http)
    payment = await client.payments.create(amount=Decimal(10), currency="USDC")
    await anyio.sleep(WINDOW + 0.5)  # start from an empty window
    statuses.clear()
    calls = 3 * LIMIT
    queue = iter(range(calls))
    ok = 0

    async def worker() -> None:
        nonlocal ok
        for _ in queue:
            await client.payments.get(payment.id)
            ok += 1

    start = time.monotonic()
    async with anyio.create_task_group() as tg:
        for _ in range(TASKS):
            tg.start_soon(worker)
    elapsed = time.monotonic() - start
    await http.aclose()
    # The best possible: LIMIT at once, then LIMIT per window.
    ideal = (calls / LIMIT - 1) * WINDOW
    return ideal / elapsed, statuses.count(429), ok


def main() -> None:
    """Print goodput as a share of the allowed rate, and the 429s collected."""
    retry = RetryPolicy(max_retries=10, max_rate_limit_wait=WINDOW * 2, deadline=60)

    def throttled(sandbox: DptcaySandbox, http: httpx.AsyncClient) -> AsyncDptcayClient:
        return AsyncDptcayClient(
            api_key=sandbox.write_key,
            base_url=sandbox.base_url,
            http_client=http,
            retry=retry,
            rate_plan=(LIMIT, WINDOW),
        )

    def plain(sandbox: DptcaySandbox, http: httpx.AsyncClient) -> AsyncDptcayClient:
        return AsyncDptcayClient(
            api_key=sandbox.write_key, base_url=sandbox.base_url, http_client=http, retry=retry
        )

    for name, factory in (("retry-on-429 only", plain), ("client-side throttle", throttled)):
        share, rejected, ok = anyio.run(_run, factory)
        print(  # noqa: T201
            f"{name:24s} goodput {share * 100:5.1f}% of the allowed rate, "
            f"{rejected:3d} x 429, {ok} calls succeeded"
        )
