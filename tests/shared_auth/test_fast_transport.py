"""The ``fast`` extra: the aiohttp transport against the sandbox served on loopback.

aiohttp runs on asyncio only, so this test drives its own asyncio loop rather than the
anyio plugin's asyncio and trio runs.
"""

from __future__ import annotations

from decimal import Decimal

import anyio
import httpx
from httpx_aiohttp import AiohttpTransport

from dptcay_sdk import AsyncDptcayClient, PaymentStatus, aiohttp_http_client
from dptcay_sdk.testing import DptcaySandbox


def test_the_aiohttp_transport_talks_to_the_sandbox_over_loopback() -> None:
    sandbox = DptcaySandbox(plan="scale")
    seen: list[str] = []

    async def main(url: str) -> None:
        async with (
            aiohttp_http_client() as http,
            AsyncDptcayClient(sandbox.write_key, base_url=url, http_client=http) as dp,
        ):
            assert isinstance(http, httpx.AsyncClient)
            assert isinstance(http._transport, AiohttpTransport)
            payment = await dp.payments.create(
                amount=Decimal("1.5"), currency="USDC", order_id="fast-1"
            )
            sandbox.transition_payment(payment.id, "completed")
            assert (await dp.payments.get(payment.id)).status is PaymentStatus.COMPLETED
            seen.extend(c.code for c in await dp.currencies.list())
            seen.append(payment.id)

    with sandbox.serve_in_thread() as url:
        anyio.run(main, url, backend="asyncio")
    assert "USDC" in seen
    assert sandbox.get_payment(seen[-1])["order_id"] == "fast-1"
