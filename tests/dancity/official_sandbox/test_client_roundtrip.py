"""The SDK's typed method for every operation of every generation, against the real sandbox.

The client builds each request from the declarations and reads each answer into its models;
the sandbox implements the behaviour on its own. Every operation goes through both, and
the money that moves is the money the sandbox's wallet shows.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dancity_sdk import AsyncDancityClient
from dancity_sdk._spec import API_VERSIONS, GENERATIONS
from dancity_sdk.testing import DancitySandbox

PHONE = "08012345678"


class Seen:
    """Which declared operations the client's requests reached (an httpx event hook)."""

    def __init__(self, api_version: str) -> None:
        generation = GENERATIONS[api_version]
        self.routes = [
            (
                op.method,
                re.compile(re.sub(r"\{[^}]+\}", "[^/]+", generation.prefix + op.path)),
                name,
            )
            for name, op in generation.operations.items()
        ]
        self.names: set[str] = set()

    async def __call__(self, request: httpx.Request) -> None:
        for method, pattern, name in self.routes:
            if request.method == method and pattern.fullmatch(request.url.path):
                self.names.add(name)


def _legacy(api_version: str) -> dict[str, Any]:
    return {"pin": DancitySandbox.PIN} if api_version == "2026-04-27" else {}


def _external(api_version: str) -> bool:
    return GENERATIONS[api_version].prefix == "/api/external/v1"


async def _catalogue(dc: AsyncDancityClient, sandbox: DancitySandbox, version: str) -> None:
    wallets = await dc.vas.wallet.balances()
    assert {w.id for w in wallets} >= {sandbox.wallet_id}
    assert (await dc.vas.wallet.get(sandbox.wallet_id)).id == sandbox.wallet_id
    services = await dc.vas.catalog.services()
    if "services.get" in GENERATIONS[version].operations:
        first = services[0]
        assert (await dc.vas.catalog.service(first.id or "")).id == first.id
    products = await dc.vas.catalog.products(service="AIRTIME")
    if "products.get" in GENERATIONS[version].operations:
        assert (await dc.vas.catalog.product(products[0].id or "")).id == products[0].id
    plans = await dc.vas.catalog.data_plans(product="MTN GIFTING")
    cable = await dc.vas.catalog.cable_plans(product="GOTV")
    internet = await dc.vas.catalog.internet_plans(product="Spectranet")
    assert [len(plans) > 0, len(cable) > 0, len(internet) > 0] == [True, True, True]


async def _validations(dc: AsyncDancityClient, version: str) -> None:
    meter: dict[str, Any] = {"meter_number": "45012345678", "biller": "IKEDC", "amount": 1000}
    if "validate" in GENERATIONS[version].operations:
        card = await dc.vas.validation.cable(smartcard_number="1234567890", cablename="DSTV")
        found = await dc.vas.validation.electricity(**meter, meter_type="prepaid")
    else:
        plan: dict[str, Any] = {"cableplan": "GOtv_Max"} if version == "2026-04-27" else {}
        card = await dc.vas.cable.validate(smartcard_number="1234567890", cablename="GOTV", **plan)
        found = await dc.vas.electricity.validate(**meter, meter_type="prepaid")
    assert card.customer_name == found.customer_name == "John Doe"
    if "education.validate_product" in GENERATIONS[version].operations:
        quote = await dc.vas.education.validate_product(product="WAEC Result Checker", quantity=2)
        assert quote.total == Decimal(9000)


async def _purchases(dc: AsyncDancityClient, version: str) -> str:
    pin = _legacy(version)
    provider: dict[str, Any] = {"cablename": "GOTV"} if _external(version) else {}
    bought = [
        await dc.vas.airtime.buy(product="MTN Airtime", phone=PHONE, amount=100, **pin),
        await dc.vas.data.buy(plan="1GB_MTN_GIFTING_1Day", phone=PHONE, **pin),
        await dc.vas.cable.buy(
            smartcard_number="1234567890",
            cableplan="GOtv_Max",
            customer_name="John Doe",
            **provider,
            **pin,
        ),
        await dc.vas.electricity.buy(
            meter_number="45012345678",
            biller="IKEDC",
            amount=Decimal("1500.50"),
            meter_type="prepaid",
            customer_name="John Doe",
            address="12 Example Street, Lagos",
            **pin,
        ),
        await dc.vas.internet.buy(
            plan="iplan_001", account_id="1234567", phone=PHONE, **_internet_pin(version)
        ),
        await dc.vas.betting.fund(product="SportyBet", account_id="12345678", amount=1000, **pin),
        await dc.vas.education.purchase(product="WAEC Result Checker", quantity=2, **pin),
    ]
    assert all(tx.succeeded for tx in bought)
    assert bought[3].amount == Decimal("1500.50")
    return bought[0].tranx_id or ""


def _internet_pin(version: str) -> dict[str, Any]:
    return {"pin": DancitySandbox.INTERNET_PIN} if version == "2026-04-27" else {}


async def _esim(dc: AsyncDancityClient, version: str) -> None:
    await dc.vas.esim.regions(region_kind=1)
    packages = await dc.vas.esim.packages(region_code="NG")
    extra = {"wallettype": "main", **_legacy(version)} if _external(version) else {}
    code = next(p.package_code for p in packages if p.package_code == "NG-1GB-7D")
    esim = await dc.vas.esim.purchase(package_code=code or "", customer_ref="TRIP-1", **extra)
    assert esim.succeeded
    assert esim.iccid
    await dc.vas.esim.topup_packages(iccid=esim.iccid)
    page = await dc.vas.esim.my_esims(page=1, limit=20)
    assert [row.iccid for row in page] == [esim.iccid]
    assert (await dc.vas.esim.details("TRIP-1")).iccid == esim.iccid


async def _cards(dc: AsyncDancityClient, version: str) -> None:
    if "cards.create" not in GENERATIONS[version].operations:
        return
    rate = await dc.vas.cards.exchange_rate()
    card = await dc.vas.cards.create(customer_ref="CARD-1")
    await dc.vas.cards.fund(card.card_id or "", amount=Decimal(10), action="fund")
    await dc.vas.cards.update(card.card_id or "", status="frozen")
    fetched = await dc.vas.cards.get(card.card_id or "")
    assert (fetched.balance, fetched.status) == (Decimal(10), "FROZEN")
    assert [c.card_id for c in await dc.vas.cards.list()] == [card.card_id]
    await dc.vas.cards.transactions(card.card_id or "")
    assert rate.rate == DancitySandbox.EXCHANGE_RATE


@pytest.mark.parametrize("api_version", API_VERSIONS)
@pytest.mark.anyio
async def test_every_typed_method_works_against_the_sandbox(api_version: str) -> None:
    sandbox = DancitySandbox(api_version=api_version, seed=5)
    seen = Seen(api_version)
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    async with (
        httpx.AsyncClient(transport=transport, event_hooks={"request": [seen]}) as http,
        AsyncDancityClient(
            sandbox.api_key, base_url=sandbox.base_url, http_client=http, api_version=api_version
        ) as dc,
    ):
        await _catalogue(dc, sandbox, api_version)
        await _validations(dc, api_version)
        tranx_id = await _purchases(dc, api_version)
        page = await dc.vas.transactions.list(page=1, limit=50)
        assert (await dc.vas.transactions.get(tranx_id)).tranx_id == tranx_id
        await _esim(dc, api_version)
        await _cards(dc, api_version)
    assert seen.names == set(GENERATIONS[api_version].operations)
    assert len(page.transactions) == 7
    spent = sum((Decimal(str(tx["amountPaid"])) for tx in sandbox.transactions), Decimal(0))
    assert sandbox.balance() == Decimal(50000) - spent
