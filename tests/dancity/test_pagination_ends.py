"""``transactions.iterate()`` ends: on the last page, and on every sign of a looping server.

Each server here answers ``hasNext: true`` (the 2026-05-31 description's own example page
says page 1 of 6, ``hasNext: true``) and differs in what else it gets wrong.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

import httpx
import pytest

import dancity_sdk
from dancity_sdk import (
    AsyncDancityClient,
    InvalidInputError,
    PaginationError,
    RetryPolicy,
    SDKError,
)

KEY = "dcy_live_" + "cd" * 20
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl"
LIMIT = 2

Page = Callable[[int], dict[str, Any]]


def row(n: int, *, ident: bool = True) -> dict[str, Any]:
    record: dict[str, Any] = {"status": "SUCCESS", "amount": n}
    if ident:
        record["tranxId"] = f"DNTY{n:04d}"
    return record


def fresh_rows(number: int) -> list[dict[str, Any]]:
    """Rows never seen before, on every page: only ``max_pages`` can end the walk."""
    return [row(number * LIMIT + i) for i in range(LIMIT)]


class Server:
    """Answers every listing with ``page(number)`` and records the pages asked for."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.asked: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        self.asked.append(number)
        return httpx.Response(200, json={"success": True, "data": self.page(number)})


def endless(number: int) -> dict[str, Any]:
    return {"transactions": fresh_rows(number), "pagination": {"page": number, "hasNext": True}}


def client(server: Server) -> AsyncDancityClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    return AsyncDancityClient(KEY, jwt=JWT, http_client=http, retry=RetryPolicy(max_retries=0))


async def walk(dc: AsyncDancityClient, **kwargs: Any) -> list[str | None]:
    return [tx.tranx_id async for tx in dc.vas.transactions.iterate(limit=LIMIT, **kwargs)]


@pytest.mark.anyio
async def test_a_server_that_always_has_a_next_page_is_stopped_by_max_pages() -> None:
    server = Server(endless)
    dc = client(server)
    rows = dc.vas.transactions.iterate(limit=LIMIT, max_pages=5)
    seen = [await anext(rows) for _ in range(5 * LIMIT)]
    with pytest.raises(PaginationError) as info:
        await anext(rows)
    assert server.asked == [1, 2, 3, 4, 5]
    assert len(seen) == 5 * LIMIT  # every row read was yielded before the error
    error = info.value
    assert (error.pages, error.max_pages) == (5, 5)
    assert isinstance(error, dancity_sdk.APIError)
    assert isinstance(error, SDKError)
    assert "max_pages=5" in str(error)
    assert "max_pages=None" in str(error)
    assert type(error).__module__ == "dancity_sdk"  # tracebacks name the SDK


@pytest.mark.anyio
async def test_the_app_walk_has_the_same_guard_and_its_default_is_1000_pages() -> None:
    server = Server(endless)
    dc = client(server)
    with pytest.raises(PaginationError) as info:
        [tx async for tx in dc.app.transactions.iterate(limit=LIMIT)]
    assert info.value.max_pages == 1000
    assert server.asked == list(range(1, 1001))


@pytest.mark.anyio
async def test_max_pages_none_reads_on_until_the_caller_stops() -> None:
    server = Server(endless)
    dc = client(server)
    rows = dc.vas.transactions.iterate(limit=LIMIT, max_pages=None)
    assert isinstance(rows, AsyncGenerator)
    for _ in range(12 * LIMIT):
        await anext(rows)
    await rows.aclose()  # the caller's stop
    assert server.asked == list(range(1, 13))


@pytest.mark.anyio
@pytest.mark.parametrize("field", ["totalPages", "pages"])
async def test_the_walk_ends_on_the_announced_last_page_despite_has_next(field: str) -> None:
    def page(number: int) -> dict[str, Any]:
        info = {"page": number, field: 3, "hasNext": True}
        return {"transactions": fresh_rows(number), "pagination": info}

    server = Server(page)
    seen = await walk(client(server))
    assert server.asked == [1, 2, 3]
    assert len(seen) == 3 * LIMIT


@pytest.mark.anyio
async def test_the_walk_ends_on_an_empty_page() -> None:
    def page(number: int) -> dict[str, Any]:
        rows = fresh_rows(number) if number < 3 else []
        return {"transactions": rows, "pagination": {"page": number, "hasNext": True}}

    server = Server(page)
    assert len(await walk(client(server))) == 2 * LIMIT
    assert server.asked == [1, 2, 3]


@pytest.mark.anyio
async def test_the_walk_ends_when_the_page_number_does_not_advance() -> None:
    # A server that ignores ``page``: always page 1, rows without any id to compare.
    def page(number: int) -> dict[str, Any]:
        del number
        rows = [row(1, ident=False), row(2, ident=False)]
        return {"transactions": rows, "pagination": {"page": 1, "hasNext": True}}

    server = Server(page)
    dc = client(server)
    amounts = [tx.amount async for tx in dc.vas.transactions.iterate(limit=LIMIT)]
    assert server.asked == [1, 2]
    assert len(amounts) == LIMIT  # the repeated page's rows are not yielded again


@pytest.mark.anyio
async def test_the_walk_ends_on_a_page_of_rows_already_seen() -> None:
    # No page number in the pagination block: only the rows tell the repeat.
    def page(number: int) -> dict[str, Any]:
        rows = fresh_rows(min(number, 2))
        return {"transactions": rows, "pagination": {"hasNext": True}}

    server = Server(page)
    seen = await walk(client(server))
    assert server.asked == [1, 2, 3]
    assert seen == ["DNTY0002", "DNTY0003", "DNTY0004", "DNTY0005"]


@pytest.mark.anyio
async def test_a_row_shifted_onto_the_next_page_is_yielded_once() -> None:
    # Newest first: a purchase arriving mid-walk pushes page 1's last row onto page 2.
    pages = {1: [row(9), row(8)], 2: [row(8), row(7)], 3: [row(6)]}

    def page(number: int) -> dict[str, Any]:
        info = {"page": number, "totalPages": 3, "hasNext": number < 3}
        return {"transactions": pages[number], "pagination": info}

    server = Server(page)
    assert await walk(client(server)) == ["DNTY0009", "DNTY0008", "DNTY0007", "DNTY0006"]


@pytest.mark.anyio
@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
async def test_a_bad_max_pages_is_refused_before_any_request(bad: Any) -> None:
    server = Server(endless)
    dc = client(server)
    with pytest.raises(InvalidInputError) as info:
        dc.vas.transactions.iterate(max_pages=bad)
    assert info.value.field == "max_pages"
    assert server.asked == []


def test_the_blocking_walk_raises_the_same_error() -> None:
    from dancity_sdk import DancityClient  # noqa: PLC0415 - the twin loads anyio's portal

    server = Server(endless)
    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    with DancityClient(KEY, http_client=http) as dc, pytest.raises(PaginationError) as info:
        for _ in dc.vas.transactions.iterate(limit=LIMIT, max_pages=3):
            pass
    assert server.asked == [1, 2, 3]
    assert info.value.pages == 3
