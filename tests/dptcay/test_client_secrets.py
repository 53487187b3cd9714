"""No key in clear in any log record, repr, str or error message, the revoke URL included."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from dptcay_sdk import APIError, AsyncDptcayClient, NotFoundError, RetryPolicy
from dptcay_sdk.testing import DptcaySandbox, RatePlan

pytestmark = pytest.mark.anyio


class _Everything(logging.Handler):
    """Keeps every formatted record, from every logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[_Everything]:
    handler = _Everything()
    root = logging.getLogger()
    names = ["", "httpx", "httpcore", "dptcay_sdk", "shared_auth", *logging.root.manager.loggerDict]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture
def sb() -> DptcaySandbox:
    return DptcaySandbox(plan=RatePlan(10_000, name="tests"))


@pytest.fixture
async def dp(sb: DptcaySandbox) -> AsyncIterator[AsyncDptcayClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app)) as http:
        yield AsyncDptcayClient(sb.write_key, base_url=sb.base_url, http_client=http)


def _assert_hidden(secret: str, *texts: object) -> None:
    for text in texts:
        assert secret not in str(text)
        assert secret not in repr(text)


async def test_revoke_keeps_the_key_out_of_logs_and_reprs(
    dp: AsyncDptcayClient, captured: _Everything
) -> None:
    created = await dp.keys.create(scope="write", label="to revoke")
    secret = created.key.get_secret_value()
    revoked = await dp.keys.revoke(created.key)
    assert any("DELETE" in line for line in captured.lines)  # the httpx request line is there
    _assert_hidden(secret, *captured.lines, created, revoked, dp, dp.keys, created.key)


async def test_revoke_error_keeps_the_key_out_of_the_message(
    dp: AsyncDptcayClient, sb: DptcaySandbox, captured: _Everything
) -> None:
    unknown = "dp_test_sk_" + "Zz9" * 8
    with pytest.raises(NotFoundError) as info:
        await dp.keys.revoke(unknown)
    exc = info.value
    assert exc.path is not None
    assert exc.path.startswith("/keys/dp_test_sk_")
    _assert_hidden(unknown, exc, exc.path, exc.body_excerpt, *exc.args, *captured.lines)


async def test_rotation_keeps_both_keys_out_of_logs(
    dp: AsyncDptcayClient, sb: DptcaySandbox, captured: _Everything
) -> None:
    old = dp.api_key.get_secret_value()
    new = await dp.rotate_key(label="v2")
    _assert_hidden(old, *captured.lines, new, dp)
    _assert_hidden(new.key.get_secret_value(), *captured.lines, new, dp)


async def test_connection_failure_on_revoke_keeps_the_key_hidden(captured: _Everything) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    key = "dp_test_sk_" + "Qq1" * 8
    http = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    dp = AsyncDptcayClient(
        key, http_client=http, retry=RetryPolicy(max_retries=1, initial_backoff=0.001)
    )
    with pytest.raises(APIError) as info:
        await dp.keys.revoke(key)
    _assert_hidden(key, info.value, *info.value.args, info.value.path, *captured.lines)
    for note in getattr(info.value, "__notes__", []):
        _assert_hidden(key, note)


def test_secret_in_auth_header_never_reaches_repr() -> None:
    key = "dp_live_sk_" + "Mm5" * 8
    dp = AsyncDptcayClient(key)
    _assert_hidden(key, dp, dp.api_key, dp._auth, dp.payments)
