"""A refusal's hint follows what the server said, through the client against the sandbox.

Only a message saying the product, plan or package is unknown gets the catalog advice; a
short balance points to ``wallet.balances()``; a wrong PIN says which PIN is meant; any
other refusal of a purchase gets no catalog advice it does not fit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dancity_sdk import AsyncDancityClient, BadRequestError
from dancity_sdk._errors import parse_error
from dancity_sdk.testing import DancitySandbox

CATALOG = "client.vas.catalog."
AIRTIME: dict[str, Any] = {"product": "MTN Airtime", "phone": "08012345678", "amount": 100}


@asynccontextmanager
async def _client(sandbox: DancitySandbox, version: str) -> AsyncIterator[AsyncDancityClient]:
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 50000))
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncDancityClient(
            sandbox.api_key, base_url=sandbox.base_url, http_client=http, api_version=version
        ) as dc,
    ):
        yield dc


@pytest.mark.anyio
async def test_a_short_balance_points_to_the_wallets_not_the_catalog() -> None:
    sandbox = DancitySandbox(main_balance=Decimal(10))
    async with _client(sandbox, "2026-05-31") as dc:
        with pytest.raises(BadRequestError) as info:
            await dc.vas.airtime.buy(**AIRTIME)
    text = str(info.value)
    assert "Insufficient wallet balance" in text
    assert "client.vas.wallet.balances()" in text
    assert CATALOG not in text


@pytest.mark.anyio
async def test_a_wrong_pin_says_which_pin_is_meant() -> None:
    sandbox = DancitySandbox()
    async with _client(sandbox, "2026-04-27") as dc:
        with pytest.raises(BadRequestError) as info:
            await dc.vas.airtime.buy(**AIRTIME, pin="9876")
    text = str(info.value)
    assert "Invalid transaction PIN" in text
    assert "transaction PIN of the Dancity account the API key belongs to" in text
    assert CATALOG not in text
    assert "9876" not in text


@pytest.mark.anyio
async def test_another_refusal_of_a_purchase_gets_no_catalog_advice() -> None:
    sandbox = DancitySandbox(main_balance=Decimal(10**7))
    async with _client(sandbox, "2026-05-31") as dc:
        with pytest.raises(BadRequestError) as info:
            await dc.vas.electricity.buy(
                meter_number="45031234567",
                biller="IKEDC",
                meter_type="prepaid",
                amount=Decimal(10**6),
                customer_name="Ada",
                address="1 Marina",
            )
    text = str(info.value)
    assert "must not be greater than" in text
    assert CATALOG not in text


@pytest.mark.anyio
async def test_an_unknown_product_still_points_to_the_catalog() -> None:
    sandbox = DancitySandbox()
    async with _client(sandbox, "2026-05-31") as dc:
        with pytest.raises(BadRequestError) as info:
            await dc.vas.airtime.buy(**{**AIRTIME, "product": "No Such Airtime"})
    assert "client.vas.catalog.products(" in str(info.value)
    assert "wallet.balances" not in str(info.value)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Product not found", None),  # the route's catalog advice applies
        ("Invalid plan", None),
        ("eSIM package not found", None),
        ("Insufficient wallet balance", "client.vas.wallet.balances()"),
        ("Insufficient card balance", "client.vas.cards.get(card_id)"),
        ("Invalid transaction PIN", "transaction PIN"),
        ("pin must be exactly 5 digits", "transaction PIN"),
        ("amount must not be greater than 50000", ""),  # no advice that does not fit
        ("Meter number not found", ""),
    ],
)
def test_the_hint_per_message(message: str, expected: str | None) -> None:
    hint = parse_error(400, {"message": message}, None).hint
    if expected is None or expected == "":
        assert hint == expected
    else:
        assert hint is not None
        assert expected in hint


def test_statuses_keep_their_own_hint_and_a_body_without_message_leaves_the_route_advice() -> None:
    assert "Tier 3" in (
        parse_error(403, {"message": "Insufficient wallet balance"}, None).hint or ""
    )
    assert parse_error(400, None, None).hint is None
    assert parse_error(500, {"message": "Insufficient wallet balance"}, None).hint is None
