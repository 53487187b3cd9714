"""Walking every page lazily, and the money rules on the eSIM and virtual-card purchases."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dancity_sdk import (
    AsyncDancityClient,
    InvalidInputError,
    InvalidInputTypeError,
    OutcomeUnknownError,
    RetryPolicy,
    Transaction,
    UnsupportedOperationError,
)

KEY = "dcy_live_" + "cd" * 20
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl"


def record(n: int) -> dict[str, Any]:
    return {"tranxId": f"DNTY{n:04d}", "status": "SUCCESS", "amount": n}


class Pages:
    """Answers ``GET .../transactions?page=N`` from a fixed list of pages and counts calls."""

    def __init__(self, pages: list[list[dict[str, Any]]], *, paginate: bool = True) -> None:
        self.pages = pages
        self.paginate = paginate
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        number = int(request.url.params.get("page", "1"))
        rows = self.pages[number - 1] if number <= len(self.pages) else []
        data: Any = rows
        if self.paginate:
            info = {
                "page": number,
                "totalPages": len(self.pages),
                "hasNext": number < len(self.pages),
            }
            data = {"transactions": rows, "pagination": info}
        return httpx.Response(200, json={"success": True, "message": "ok", "data": data})


def client(handler: Any, **kwargs: Any) -> AsyncDancityClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AsyncDancityClient(
        KEY, jwt=JWT, http_client=http, retry=RetryPolicy(max_retries=1), **kwargs
    )


@pytest.mark.anyio
async def test_iterate_fetches_each_page_only_when_reached() -> None:
    pages = Pages([[record(1), record(2)], [record(3), record(4)], [record(5)]])
    dc = client(pages)
    walk = dc.vas.transactions.iterate(limit=2)
    assert pages.requests == []  # nothing is sent before the first item is asked for
    first = await anext(walk)
    assert first.tranx_id == "DNTY0001"
    assert len(pages.requests) == 1
    rest = [tx.tranx_id async for tx in walk]
    assert rest == ["DNTY0002", "DNTY0003", "DNTY0004", "DNTY0005"]
    assert [r.url.params["page"] for r in pages.requests] == ["1", "2", "3"]
    assert all(r.url.params["limit"] == "2" for r in pages.requests)


@pytest.mark.anyio
async def test_iterate_without_pagination_stops_after_a_short_page() -> None:
    pages = Pages([[record(1), record(2)], [record(3)]], paginate=False)
    dc = client(pages)
    seen = [tx.amount async for tx in dc.app.transactions.iterate(limit=2)]
    assert seen == [Decimal(1), Decimal(2), Decimal(3)]
    assert [r.url.path for r in pages.requests] == ["/api/transactions"] * 2
    assert "channel" not in pages.requests[0].headers  # the App family


@pytest.mark.anyio
async def test_iterate_refuses_a_filter_the_generation_lacks_before_any_request() -> None:
    pages = Pages([[record(1)]])
    dc = client(pages, api_version="2026-05-09")
    with pytest.raises(InvalidInputError, match="2026-04-27") as info:
        [tx async for tx in dc.vas.transactions.iterate(service="DATA")]
    assert pages.requests == []
    assert info.value.field == "service"


def purchase_answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200 if request.url.path.endswith("/esim/purchase") else 201,
        json={"success": True, "message": "ok", "data": {"status": "SUCCESS", "cardId": "c1"}},
    )


@pytest.mark.anyio
async def test_esim_and_card_purchases_carry_a_customer_ref_and_decimal_amounts() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return purchase_answer(request)

    dc = client(answer, api_version="2026-05-09")
    esim = await dc.vas.esim.purchase(package_code="NG-1GB-7D")
    assert isinstance(esim, Transaction)
    card = await dc.vas.cards.create()
    funded = await dc.vas.cards.fund("c1", amount=Decimal("10.25"), customer_ref="FUND-1")
    bodies = [json.loads(r.content, parse_float=Decimal) for r in seen]
    assert bodies[0] == {
        "packageCode": "NG-1GB-7D",
        "wallettype": "main",
        "customerRef": esim.sent_customer_ref,
    }
    assert bodies[1] == {"customerRef": card.sent_customer_ref}
    assert bodies[2] == {
        "cardId": "c1",
        "amount": Decimal("10.25"),
        "action": "fund",
        "customerRef": "FUND-1",
    }
    assert esim.sent_customer_ref is not None
    assert esim.sent_customer_ref.startswith("sdk-")
    assert card.sent_customer_ref is not None
    assert card.sent_customer_ref.startswith("sdk-")
    assert funded.sent_customer_ref == "FUND-1"
    with pytest.raises(InvalidInputTypeError):
        await dc.vas.cards.fund("c1", amount=10.25)  # type: ignore[arg-type]
    assert len(seen) == 3


@pytest.mark.anyio
@pytest.mark.parametrize("operation", ["esim", "create", "fund"])
async def test_a_purchase_that_fails_after_sending_is_never_replayed(operation: str) -> None:
    seen: list[httpx.Request] = []

    def broken(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(502, json={"message": "bad gateway"})

    dc = client(broken, api_version="2026-04-27")
    purchases: dict[str, Callable[[], Awaitable[object]]] = {
        "esim": lambda: dc.vas.esim.purchase(package_code="P", pin="1234", customer_ref="E-1"),
        "create": lambda: dc.vas.cards.create(customer_ref="E-1"),
        "fund": lambda: dc.vas.cards.fund("c1", amount=5, customer_ref="E-1"),
    }
    with pytest.raises(OutcomeUnknownError) as info:
        await purchases[operation]()
    assert info.value.reference == "E-1"
    assert "reconcile" in str(info.value)
    assert len(seen) == 1  # max_retries=1, yet a purchase is sent once


@pytest.mark.anyio
async def test_the_unified_validation_and_its_absence_name_the_right_generations() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"success": True, "data": {"customerName": "J"}})

    newer = client(answer, api_version="2026-05-09")
    result = await newer.vas.validation.electricity(
        meter_number="45012345678", biller="EKEDC", amount=2000, meter_type="prepaid"
    )
    assert result.customer_name == "J"
    assert json.loads(seen[0].content) == {
        "type": "electricity",
        "meterNumber": "45012345678",
        "productName": "EKEDC",
        "amount": 2000,
        "meterType": "prepaid",
    }
    with pytest.raises(UnsupportedOperationError) as info:
        await newer.vas.cable.validate(smartcard_number="1", cablename="DSTV")
    assert info.value.available_in == ("2026-04-27", "2026-05-31")
    assert "client.vas.validation.cable" in str(info.value)
    latest = client(answer)
    with pytest.raises(UnsupportedOperationError, match="'2026-05-09'") as info:
        await latest.vas.validation.cable(smartcard_number="1", cablename="DSTV")
    with pytest.raises(UnsupportedOperationError, match="2026-04-27', '2026-05-09'"):
        await latest.vas.cards.list()
    assert len(seen) == 1


def test_a_blocking_client_walks_pages_with_a_plain_for_loop() -> None:
    from dancity_sdk import DancityClient  # noqa: PLC0415 - the twin loads anyio's portal

    pages = Pages([[record(1), record(2)], [record(3), record(4)], [record(5)]])
    http = httpx.AsyncClient(transport=httpx.MockTransport(pages))
    with DancityClient(KEY, jwt=JWT, http_client=http) as dc:
        walk = dc.vas.transactions.iterate(limit=2)
        assert pages.requests == []
        first = next(walk)
        assert (first.tranx_id, len(pages.requests)) == ("DNTY0001", 1)
        assert [tx.tranx_id for tx in walk] == ["DNTY0002", "DNTY0003", "DNTY0004", "DNTY0005"]
        early = dc.app.transactions.iterate(limit=2)
        assert next(early).tranx_id == "DNTY0001"
        early.close()  # leaving a walk early closes it on the loop thread
    assert len(pages.requests) == 4
