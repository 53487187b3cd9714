"""The ``fast`` extra: the aiohttp transport against the sandbox served on loopback.

aiohttp runs on asyncio only, so these tests drive their own asyncio loop rather than the
anyio plugin's asyncio and trio runs (except the one that checks trio is refused).
"""

from __future__ import annotations

import socket
import ssl
import threading
from decimal import Decimal

import anyio
import httpx
import pytest
from httpx_aiohttp import AiohttpTransport

import shared_auth
from dptcay_sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncDptcayClient,
    ConfigurationError,
    OutcomeUnknownError,
    PaymentStatus,
    aiohttp_http_client,
)
from dptcay_sdk.testing import DptcaySandbox

DPTCAY_KEY = "dp_test_sk_" + "0" * 24


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


def _unused_port() -> int:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.anyio
async def test_it_is_refused_under_trio_when_built_and_names_asyncio(anyio_backend: str) -> None:
    if anyio_backend == "asyncio":
        async with aiohttp_http_client() as http:
            assert isinstance(http, httpx.AsyncClient)
        return
    # A shared helper called outside any client: the shared class.
    with pytest.raises(shared_auth.ConfigurationError) as info:
        aiohttp_http_client()
    assert "needs asyncio" in str(info.value)
    assert "under trio" in str(info.value)
    assert "leave http_client= out" in str(info.value)


def test_one_built_outside_any_loop_refuses_its_first_call_under_trio() -> None:
    http = aiohttp_http_client()  # no loop yet: nothing to check against
    base_url = f"http://127.0.0.1:{_unused_port()}/v1"

    async def main() -> None:
        dp = AsyncDptcayClient(DPTCAY_KEY, base_url=base_url, http_client=http, max_retries=0)
        with pytest.raises(ConfigurationError, match="needs asyncio") as info:
            await dp.currencies.list()
        assert "under trio" in str(info.value)
        await http.aclose()

    anyio.run(main, backend="trio")


def test_a_refused_connection_is_a_connection_error_not_a_timeout() -> None:
    base_url = f"http://127.0.0.1:{_unused_port()}/v1"

    async def main() -> None:
        async with aiohttp_http_client() as http:
            dp = AsyncDptcayClient(DPTCAY_KEY, base_url=base_url, http_client=http, max_retries=0)
            with pytest.raises(APIConnectionError) as info:
                await dp.currencies.list()
        error = info.value
        assert not isinstance(error, APITimeoutError)
        assert "failed to connect (ConnectError" in str(error)
        assert "raise them with timeout=" not in str(error)

    anyio.run(main, backend="asyncio")


class _DroppingServer:
    """Reads each request whole, then closes the connection without answering."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(body) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    body += chunk
                if head:
                    self.requests += 1

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


def test_a_purchase_whose_connection_drops_after_sending_is_not_resent() -> None:
    # httpx-aiohttp maps the drop to ConnectTimeout ("never sent"): the SDK would resend it.
    server = _DroppingServer()

    async def main() -> OutcomeUnknownError:
        async with aiohttp_http_client() as http:
            dp = AsyncDptcayClient(
                DPTCAY_KEY,
                base_url=f"http://127.0.0.1:{server.port}/v1",
                http_client=http,
                max_retries=2,
            )
            with pytest.raises(OutcomeUnknownError) as info:
                await dp.payments.create(amount=Decimal("1.5"), currency="USDC", order_id="drop-1")
        return info.value

    try:
        error = anyio.run(main, backend="asyncio")
    finally:
        server.close()
    assert server.requests == 1
    assert error.reference == "drop-1"
    assert isinstance(error.__cause__, httpx.RemoteProtocolError)  # httpx's own word


def test_the_pool_settings_reach_the_aiohttp_transport_not_the_void() -> None:
    # httpx ignores limits=/verify=/http2=... beside transport=: they must reach aiohttp's.
    async def main() -> None:
        limits = httpx.Limits(max_connections=7, keepalive_expiry=2.5)
        async with aiohttp_http_client(
            limits=limits, verify=False, trust_env=False, headers={"x-a": "1"}
        ) as http:
            transport = http._transport
            assert isinstance(transport, AiohttpTransport)
            assert transport.limits is limits
            assert transport.ssl_context.verify_mode is ssl.CERT_NONE  # verify=False
            assert http.trust_env is False
            assert http.headers["x-a"] == "1"

    anyio.run(main, backend="asyncio")
