"""No configured secret reaches a log record, an exception's text or traceback, or a repr.

Every logger runs at DEBUG (root, httpx, httpcore, the SDK's), the redaction filter is
installed the way the clients install it, and a loopback HTTP server makes httpcore log
its real connection and header traffic next to MockTransport-driven failures.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest
from anyio.abc import SocketAttribute, SocketStream

from dancity_sdk._credentials import DancityJWTAuth, DancityKeyAuth
from dptcay_sdk._credentials import DptcayKeyAuth
from shared_auth import APIError, ConfigurationError, RateLimit, RetryPolicy, Secret
from shared_auth._models import make_converter
from shared_auth._outcomes import ErrorDetails
from shared_auth._pipeline import Pipeline
from shared_auth._redact import install_log_redaction
from tests.shared_auth._support import (
    DANCITY_KEY,
    DPTCAY_LIVE_KEY,
    DPTCAY_REVOKED_KEY,
    EchoPipeline,
    FakeTime,
    make_jwt,
)

OLD_JWT = make_jwt(sub="old-session")
NEW_JWT = make_jwt(sub="new-session", exp=4_102_444_800)
WRONG_DANCITY_KEY = "dcy_live_" + "ab" * 21  # 42 hex: refused, and still secret
SECRETS = (DPTCAY_LIVE_KEY, DPTCAY_REVOKED_KEY, DANCITY_KEY, OLD_JWT, NEW_JWT, WRONG_DANCITY_KEY)
LOGGERS = ("", "httpx", "httpcore", "httpcore.connection", "httpcore.http11", "shared_auth")


def parse_error(status: int, body: Any, scope: str | None) -> ErrorDetails:
    if isinstance(body, dict):
        return ErrorDetails(code=body.get("code"), message=body.get("message"))
    return ErrorDetails()


class Collected:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def exception(self, exc: BaseException) -> None:
        self.texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
        for value in vars(exc).values():
            self.texts.append(repr(value))

    def obj(self, value: object) -> None:
        self.texts += [repr(value), str(value)]


def _echoing_handler(request: httpx.Request) -> httpx.Response:
    """A MockTransport API that echoes credentials back in its error bodies."""
    path = request.url.path
    authorization = request.headers.get("authorization", "")
    if path.startswith("/keys/"):
        return httpx.Response(200, json={"revoked": path.removeprefix("/keys/")})
    if path == "/jwt" and authorization.endswith(OLD_JWT):
        return httpx.Response(401, json={"message": f"expired: {authorization}"})
    if path.startswith("/unauthorized"):
        body = {"code": "AUTH", "message": f"rejected {authorization} for {path}"}
        return httpx.Response(401, json=body, headers={"x-request-id": "req_1"})
    if path.startswith("/timeout"):
        # what httpcore says; transport errors never quote headers (h11 could, for an
        # illegal header value, but the auth flows refuse malformed credentials up front)
        raise httpx.ReadTimeout("The read operation timed out", request=request)
    if path == "/not-json":
        return httpx.Response(200, content=f"<html>{authorization}</html>".encode())
    if path == "/busy":
        headers = {"retry-after": "0", "x-ratelimit-remaining": "0"}
        return httpx.Response(429, json={"message": authorization}, headers=headers)
    if path == "/flaky":
        return httpx.Response(503, text=f"overloaded, key={authorization}")
    return httpx.Response(200, json={"ok": True, "echo": authorization})


async def _serve(stream: SocketStream) -> None:
    """A minimal HTTP/1.1 loopback server: one request per connection."""
    async with stream:
        data = b""
        while b"\r\n\r\n" not in data:
            data += await stream.receive()
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        path = head.split(" ", 2)[1]
        authorization = next(
            (
                line.split(":", 1)[1].strip()
                for line in head.split("\r\n")
                if line.lower().startswith("authorization:")
            ),
            "",
        )
        if path == "/hang":
            await anyio.sleep_forever()
        status = "401 Unauthorized" if path == "/unauthorized" else "200 OK"
        body = f'{{"echo": "{authorization}"}}'.encode()
        await stream.send(
            f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
            f"x-echo: {authorization}\r\nlocation: {path}\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
            + body
        )


@asynccontextmanager
async def loopback_server() -> AsyncIterator[str]:
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(SocketAttribute.local_port)  # noqa: S610 - anyio, not Django
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, _serve)
        yield f"http://127.0.0.1:{port}"
        tg.cancel_scope.cancel()


async def _expect_error(collected: Collected, call: Callable[[], Any]) -> None:
    try:
        await call()
    except (APIError, ConfigurationError) as exc:
        collected.exception(exc)
    else:  # pragma: no cover - every scenario here fails
        pytest.fail("expected an error")


@pytest.mark.anyio
async def test_no_secret_reaches_logs_errors_tracebacks_or_reprs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_redaction()
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    collected = Collected()
    dptcay = DptcayKeyAuth(DPTCAY_LIVE_KEY)
    dancity = DancityKeyAuth(DANCITY_KEY)

    async def provider() -> Secret:
        return Secret(NEW_JWT)

    jwt = DancityJWTAuth(OLD_JWT, provider=provider)
    logger = logging.getLogger("shared_auth")
    policy = RetryPolicy(max_retries=2, initial_backoff=0.0, deadline=None)

    # 1. MockTransport: successes, 401s, timeouts, retries, 429s, 5xx, unreadable bodies.
    async with httpx.AsyncClient(transport=httpx.MockTransport(_echoing_handler)) as http:
        pipeline = EchoPipeline(
            Pipeline(
                base_url="https://api.example.test",
                get_client=lambda: http,
                parse_error=parse_error,
                policy=policy,
                logger=logger,
                converter=make_converter,
                sleep=FakeTime().sleep,
            )
        )
        reply = await pipeline.send("GET", "/payments/p1", auth=dptcay)
        collected.obj(reply.rate_limit)
        reply = await pipeline.send("DELETE", f"/keys/{DPTCAY_REVOKED_KEY}", auth=dptcay)
        collected.obj(reply.status_code)
        reply = await pipeline.send("GET", "/jwt", auth=jwt)  # 401, refresh, replay
        assert jwt.refresh_count == 1
        for path in ("/unauthorized", "/timeout", "/not-json", "/busy", "/flaky"):
            for method in ("GET", "POST"):
                for auth in (dptcay, dancity, jwt):
                    await _expect_error(
                        collected, functools.partial(pipeline.send, method, path, auth=auth)
                    )
        await _expect_error(
            collected,
            lambda: pipeline.send("DELETE", f"/unauthorized/{DPTCAY_REVOKED_KEY}", auth=dptcay),
        )
        await _expect_error(
            collected,
            lambda: pipeline.send("POST", f"/timeout/{DPTCAY_REVOKED_KEY}", auth=dptcay),
        )

    # 2. A real loopback server: httpcore's own DEBUG traffic, a 401, a read timeout.
    async with loopback_server() as base_url:
        timeout = httpx.Timeout(0.2)
        async with httpx.AsyncClient(timeout=timeout) as http:
            pipeline = EchoPipeline(
                Pipeline(
                    base_url=base_url,
                    get_client=lambda: http,
                    parse_error=parse_error,
                    policy=RetryPolicy(max_retries=1, initial_backoff=0.0, deadline=None),
                    logger=logger,
                    converter=make_converter,
                )
            )
            await pipeline.send("DELETE", f"/keys/{DPTCAY_REVOKED_KEY}", auth=dptcay)
            await pipeline.send("GET", "/wallet", auth=DancityJWTAuth(NEW_JWT))
            await _expect_error(
                collected, lambda: pipeline.send("GET", "/unauthorized", auth=dancity)
            )
            await _expect_error(collected, lambda: pipeline.send("GET", "/hang", auth=dptcay))
            await _expect_error(collected, lambda: pipeline.send("POST", "/hang", auth=jwt))

    # 3. Refused credentials.
    for make in (
        lambda: DancityKeyAuth(WRONG_DANCITY_KEY),
        lambda: DptcayKeyAuth(DANCITY_KEY),
        lambda: DancityJWTAuth(DANCITY_KEY),
        lambda: DancityKeyAuth(DANCITY_KEY, channel=DANCITY_KEY),  # type: ignore[arg-type]
    ):
        with pytest.raises(ConfigurationError) as info:
            make()
        collected.exception(info.value)

    # 4. Public objects.
    for value in (dptcay, dancity, jwt, Secret(DANCITY_KEY), Secret(NEW_JWT), RateLimit()):
        collected.obj(value)
    logger.debug("configured %s and %s", dptcay.key, jwt.token)
    logging.getLogger("httpx").info("url %s", f"https://x/keys/{DPTCAY_REVOKED_KEY}")

    records = caplog.records
    assert any(r.name == "httpx" for r in records)
    assert any(r.name.startswith("httpcore") for r in records)
    assert any(r.name == "shared_auth" for r in records)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts = [formatter.format(r) for r in records] + [caplog.text] + collected.texts
    assert len(collected.texts) > 100
    leaks = [(secret[:12], text) for text in texts for secret in SECRETS if secret in text]
    assert leaks == []
    # the redacted forms do show up: the scan looked at the right places
    assert any(Secret(DPTCAY_REVOKED_KEY).redacted in t for t in texts)
    assert any(Secret(DANCITY_KEY).redacted in t for t in texts)
