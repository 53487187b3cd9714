"""The sandbox per official generation: selection, field names, eSIM, cards and limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from dancity_sdk import _spec
from dancity_sdk.testing import DancitySandbox
from dancity_sdk.testing._handlers import APP_HANDLERS, VAS_HANDLERS

EXTERNAL = "/api/external/v1"
CURRENT = "/api/v1"
RATE = DancitySandbox.EXCHANGE_RATE


def client(sandbox: DancitySandbox) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    return httpx.AsyncClient(transport=transport, base_url=sandbox.base_url)


def key(sandbox: DancitySandbox) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.api_key}", "channel": "API"}


def data(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


# --- choosing a generation -----------------------------------------------------------------


def test_default_generations_per_prefix() -> None:
    assert DancitySandbox().generations == {EXTERNAL: "2026-04-27", CURRENT: "2026-05-31"}


def test_api_version_takes_its_own_prefix_only() -> None:
    sandbox = DancitySandbox(api_version="2026-05-09")
    assert sandbox.generations == {EXTERNAL: "2026-05-09", CURRENT: "2026-05-31"}
    assert sandbox.prefix_of("2026-05-09") == EXTERNAL
    assert sandbox.prefix_of("2026-05-31") == CURRENT
    with pytest.raises(LookupError, match="api_version='2026-04-27'"):
        sandbox.prefix_of("2026-04-27")


def test_every_declared_operation_has_behaviour_and_nothing_else_does() -> None:
    declared = {name for g in _spec.GENERATIONS.values() for name in g.operations}
    assert set(VAS_HANDLERS) == declared
    assert set(APP_HANDLERS) == set(_spec.APP_OPERATIONS)


def test_unknown_api_version_is_refused() -> None:
    with pytest.raises(ValueError, match="2026-05-31"):
        DancitySandbox(api_version="2026-06-01")


@pytest.mark.anyio
async def test_the_seed_curl_example_answers_only_where_it_is_documented() -> None:
    # curl -sS "https://api.dancity.app/api/external/v1/cable/validate?smartcardNumber=...
    query = "smartcardNumber=1234567890&cableplan=GOtv_Max&cablename=GOTV"
    path = f"{EXTERNAL}/cable/validate?{query}"
    old, new = DancitySandbox(), DancitySandbox(api_version="2026-05-09")
    async with client(old) as http, client(new) as later:
        documented = await http.get(path, headers=key(old))
        gone = await later.get(path, headers=key(new))
    assert data(documented)["customerName"] == "John Doe"
    assert gone.status_code == 404
    assert gone.json()["message"] == f"Cannot GET {EXTERNAL}/cable/validate"


@pytest.mark.anyio
async def test_operations_a_generation_lacks_are_404() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        cards = await http.get(f"{CURRENT}/cards", headers=key(sandbox))
        unified = await http.post(f"{EXTERNAL}/validate", json={}, headers=key(sandbox))
        by_id = await http.get(f"{CURRENT}/products/abc", headers=key(sandbox))
    assert [r.status_code for r in (cards, unified, by_id)] == [404, 404, 404]


# --- request fields per generation ----------------------------------------------------------


@pytest.mark.anyio
async def test_2026_05_09_buys_take_no_pin_and_name_the_biller_product_name() -> None:
    sandbox = DancitySandbox(api_version="2026-05-09")
    airtime = {"product": "MTN Airtime", "phone": "08012345678", "amount": 100}
    power = {
        "meterNumber": "45012345678",
        "meterType": "prepaid",
        "amount": 1000,
        "customerName": "Jane Doe",
        "address": "12 Lekki Phase 1, Lagos",
    }
    async with client(sandbox) as http:
        no_pin = await http.post(f"{EXTERNAL}/airtime/buy", json=airtime, headers=key(sandbox))
        by_product_name = await http.post(
            f"{EXTERNAL}/electricity/buy",
            json={**power, "productName": "EKEDC"},
            headers=key(sandbox),
        )
        by_biller_name = await http.post(
            f"{EXTERNAL}/electricity/buy",
            json={**power, "billerName": "EKEDC"},
            headers=key(sandbox),
        )
    assert data(no_pin)["status"] == "SUCCESS"
    assert data(by_product_name)["product"] == "EKEDC"
    assert by_biller_name.status_code == 400
    assert by_biller_name.json()["errors"] == ["productName should not be empty"]


@pytest.mark.anyio
async def test_2026_05_09_unified_validation_of_a_meter_names_product_name() -> None:
    sandbox = DancitySandbox(api_version="2026-05-09")
    body = {
        "type": "electricity",
        "meterNumber": "45012345678",
        "productName": "Ikeja Electric",
        "amount": 1000,
        "meterType": "prepaid",
    }
    async with client(sandbox) as http:
        found = data(await http.post(f"{EXTERNAL}/validate", json=body, headers=key(sandbox)))
    assert (found["customerName"], found["productName"]) == ("John Doe", "IKEDC")


@pytest.mark.anyio
async def test_education_product_validation_prices_the_quantity() -> None:
    sandbox = DancitySandbox()
    body = {"product": "WAEC", "quantity": 3}
    async with client(sandbox) as http:
        priced = data(
            await http.post(
                f"{EXTERNAL}/education-pin/validate-product", json=body, headers=key(sandbox)
            )
        )
    assert priced == {
        "product": "WAEC Result Checker",
        "pricePerUnit": 4500,
        "quantity": 3,
        "total": 13500,
    }
    assert sandbox.transactions == []  # pricing is not a purchase


@pytest.mark.anyio
async def test_records_carry_transaction_id_and_the_documented_extras() -> None:
    sandbox = DancitySandbox()
    body = {"product": "MTN Airtime", "phone": "08012345678", "amount": 100}
    async with client(sandbox) as http:
        record = data(await http.post(f"{CURRENT}/airtime/buy", json=body, headers=key(sandbox)))
    assert record["transactionId"] == record["tranxId"]
    assert (record["type"], record["phone"], record["network"]) == ("DEBIT", "08012345678", "MTN")


# --- catalogue shapes -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_plan_rows_follow_each_generations_examples() -> None:
    stored, flat = DancitySandbox(api_version="2026-05-09"), DancitySandbox()
    params = {"product": "GOTV"}
    async with client(stored) as http, client(flat) as current:
        nested = data_rows(
            await http.get(f"{EXTERNAL}/plans/cable", params=params, headers=key(stored))
        )
        rows = data_rows(
            await current.get(f"{CURRENT}/plans/cable", params=params, headers=key(flat))
        )
        sizes = data_rows(
            await http.get(
                f"{EXTERNAL}/plans/data", params={"product": "MTN GIFTING"}, headers=key(stored)
            )
        )
    assert nested[0]["product"] == {"name": "GOTV"}
    assert nested[0]["sellingprice"] == rows[0]["price"] == 16800
    assert set(rows[0]) == {"_id", "product", "plan", "price", "planId"}
    forty = next(row for row in sizes if row["planId"] == "40MB_MTN_GIFTING_1Day")
    assert (forty["plansize"], forty["planvolume"], forty["plansizegb"]) == (40, "MB", 0.04)


def data_rows(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["data"]
    return rows


@pytest.mark.anyio
async def test_services_and_products_by_id_in_2026_04_27() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        services = (await http.get(f"{EXTERNAL}/services", headers=key(sandbox))).json()
        first = services["allServices"][0]
        one = await http.get(f"{EXTERNAL}/services/{first['_id']}", headers=key(sandbox))
        by_query = await http.get(
            f"{EXTERNAL}/services", params={"id": first["_id"]}, headers=key(sandbox)
        )
        products = (await http.get(f"{EXTERNAL}/products", headers=key(sandbox))).json()
        product = products["allProduct"][0]
        fetched = await http.get(f"{EXTERNAL}/products/{product['_id']}", headers=key(sandbox))
        missing = await http.get(f"{EXTERNAL}/products/nope", headers=key(sandbox))
    assert one.json()["service"] == by_query.json()["service"] == first
    assert data(fetched)["name"] == product["name"]
    assert missing.status_code == 404


# --- eSIM --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_esim_purchase_charges_naira_and_installs_an_esim() -> None:
    sandbox = DancitySandbox(main_balance=Decimal(50000))
    async with client(sandbox) as http:
        packages = data(
            await http.get(
                f"{CURRENT}/esim/packages", params={"regionCode": "NG"}, headers=key(sandbox)
            )
        )
        package = next(p for p in packages if p["packageCode"] == "NG-1GB-7D")
        bought = data(
            await http.post(
                f"{CURRENT}/esim/purchase",
                json={"packageCode": "NG-1GB-7D", "customerRef": "TRIP-1"},
                headers=key(sandbox),
            )
        )
        listed = data(await http.get(f"{CURRENT}/esim/my-esims", headers=key(sandbox)))
        by_ref = data(await http.get(f"{CURRENT}/esim/details/TRIP-1", headers=key(sandbox)))
        by_id = data(
            await http.get(f"{CURRENT}/esim/details/{bought['tranxId']}", headers=key(sandbox))
        )
    assert package["price"] == (Decimal("1.85") * RATE).quantize(Decimal(1))
    assert sandbox.balance() == Decimal(50000) - package["price"]
    assert bought["activationCode"].startswith("LPA:1$")
    assert [row["iccid"] for row in listed["esims"]] == [bought["iccid"]]
    assert listed["pagination"]["total"] == 1
    assert by_ref == by_id
    assert by_ref["dataUsageRemaining"] == 1024**3


@pytest.mark.anyio
async def test_top_ups_need_the_iccid_of_an_esim_in_the_same_region() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        base = data(
            await http.post(
                f"{CURRENT}/esim/purchase", json={"packageCode": "NG-1GB-7D"}, headers=key(sandbox)
            )
        )
        iccid = base["iccid"]
        offers = data(
            await http.get(
                f"{CURRENT}/esim/topup-packages", params={"iccid": iccid}, headers=key(sandbox)
            )
        )
        top_up = {"packageCode": "NG-500MB-7D-TOP"}
        without = await http.post(f"{CURRENT}/esim/purchase", json=top_up, headers=key(sandbox))
        foreign = await http.post(
            f"{CURRENT}/esim/purchase",
            json={"packageCode": "EU-1GB-7D-TOP", "iccid": iccid},
            headers=key(sandbox),
        )
        added = await http.post(
            f"{CURRENT}/esim/purchase", json={**top_up, "iccid": iccid}, headers=key(sandbox)
        )
        unknown = await http.get(
            f"{CURRENT}/esim/topup-packages", params={"iccid": "89000"}, headers=key(sandbox)
        )
    assert [p["packageCode"] for p in offers["packages"]] == ["NG-500MB-7D-TOP"]
    assert offers["exchangeRate"] == RATE
    assert without.status_code == foreign.status_code == 400
    assert data(added)["iccid"] == iccid
    assert unknown.status_code == 404


@pytest.mark.anyio
async def test_top_up_adds_data_to_the_installed_esim() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        base = data(
            await http.post(
                f"{CURRENT}/esim/purchase",
                json={"packageCode": "NG-1GB-7D", "customerRef": "E-1"},
                headers=key(sandbox),
            )
        )
        await http.post(
            f"{CURRENT}/esim/purchase",
            json={"packageCode": "NG-500MB-7D-TOP", "iccid": base["iccid"]},
            headers=key(sandbox),
        )
        details = data(await http.get(f"{CURRENT}/esim/details/E-1", headers=key(sandbox)))
    assert details["dataUsageRemaining"] == 1024**3 + 500 * 1024**2


@pytest.mark.anyio
async def test_2026_05_09_esim_answers_use_its_own_shapes() -> None:
    sandbox = DancitySandbox(api_version="2026-05-09")
    body = {"packageCode": "GH-1GB-7D", "wallettype": "main"}
    async with client(sandbox) as http:
        bought = data(await http.post(f"{EXTERNAL}/esim/purchase", json=body, headers=key(sandbox)))
        no_wallet = await http.post(
            f"{EXTERNAL}/esim/purchase", json={"packageCode": "GH-1GB-7D"}, headers=key(sandbox)
        )
        listed = data(await http.get(f"{EXTERNAL}/esim/my-esims", headers=key(sandbox)))
        details = data(
            await http.get(f"{EXTERNAL}/esim/details/{bought['_id']}", headers=key(sandbox))
        )
    assert no_wallet.json()["errors"] == ["wallettype should not be empty"]
    assert listed == [
        {
            "iccid": bought["iccid"],
            "status": "ACTIVE",
            "packageCode": "GH-1GB-7D",
            "expiresAt": listed[0]["expiresAt"],
        }
    ]
    assert details["dataRemaining"] == "1GB"


@pytest.mark.anyio
async def test_esim_regions_filter_by_type() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        single = data(await http.get(f"{CURRENT}/esim/regions?type=1", headers=key(sandbox)))
        multi = data(await http.get(f"{CURRENT}/esim/regions?type=2", headers=key(sandbox)))
        bad = await http.get(f"{CURRENT}/esim/regions?type=3", headers=key(sandbox))
    assert {r["type"] for r in single["regions"]} == {"country"}
    assert {r["type"] for r in multi["regions"]} == {"multi-country"}
    assert bad.status_code == 400


@pytest.mark.anyio
async def test_a_fault_hits_an_esim_purchase_after_it_was_charged() -> None:
    sandbox = DancitySandbox()
    sandbox.fail_next("server_error")
    async with client(sandbox) as http:
        failed = await http.post(
            f"{CURRENT}/esim/purchase",
            json={"packageCode": "NG-1GB-7D", "customerRef": "LOST-1"},
            headers=key(sandbox),
        )
        found = data(await http.get(f"{CURRENT}/transactions/LOST-1", headers=key(sandbox)))
    assert failed.status_code == 500
    assert (found["service"], found["status"]) == ("eSIM", "SUCCESS")


# --- virtual cards ----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_card_lifecycle_moves_naira_at_the_quoted_rate() -> None:
    sandbox = DancitySandbox(api_version="2026-05-09", main_balance=Decimal(100000))
    async with client(sandbox) as http:
        rate = data(await http.get(f"{EXTERNAL}/cards/exchange-rate", headers=key(sandbox)))
        created = await http.post(
            f"{EXTERNAL}/cards", json={"customerRef": "CARD-1"}, headers=key(sandbox)
        )
        card_id = data(created)["cardId"]
        funded = await http.post(
            f"{EXTERNAL}/cards/wallet",
            json={"cardId": card_id, "amount": 20, "action": "fund", "customerRef": "FUND-1"},
            headers=key(sandbox),
        )
        withdrawn = await http.post(
            f"{EXTERNAL}/cards/wallet",
            json={"cardId": card_id, "amount": 5, "action": "withdraw"},
            headers=key(sandbox),
        )
        card = data(await http.get(f"{EXTERNAL}/cards/{card_id}", headers=key(sandbox)))
        history = data(
            await http.get(f"{EXTERNAL}/cards/transactions/{card_id}", headers=key(sandbox))
        )
        funding = data(await http.get(f"{EXTERNAL}/transactions/FUND-1", headers=key(sandbox)))
    assert rate == {"currency": "USD", "rate": RATE, "baseCurrency": "NGN"}
    assert (created.status_code, funded.status_code, withdrawn.status_code) == (201, 201, 201)
    assert (card["balance"], card["status"], card["_id"]) == (15, "ACTIVE", card_id)
    spent = RATE * (DancitySandbox.CARD_CREATION_FEE_USD + 20 - 5)
    assert sandbox.balance() == Decimal(100000) - spent
    assert [row["amount"] for row in history["transactions"]] == [5, 20, 0]
    assert history["total"] == 3
    assert (funding["service"], funding["amount"]) == ("VIRTUAL CARD", 20 * RATE)


@pytest.mark.anyio
async def test_frozen_cards_and_overdrawn_withdrawals_are_refused_before_money_moves() -> None:
    sandbox = DancitySandbox(api_version="2026-05-09")
    async with client(sandbox) as http:
        card_id = data(await http.post(f"{EXTERNAL}/cards", json={}, headers=key(sandbox)))[
            "cardId"
        ]
        before = sandbox.balance()
        overdrawn = await http.post(
            f"{EXTERNAL}/cards/wallet",
            json={"cardId": card_id, "amount": 1, "action": "withdraw"},
            headers=key(sandbox),
        )
        frozen = data(
            await http.put(
                f"{EXTERNAL}/cards/{card_id}", json={"status": "frozen"}, headers=key(sandbox)
            )
        )
        refused = await http.post(
            f"{EXTERNAL}/cards/wallet",
            json={"cardId": card_id, "amount": 1},
            headers=key(sandbox),
        )
        bad_status = await http.put(
            f"{EXTERNAL}/cards/{card_id}", json={"status": "lost"}, headers=key(sandbox)
        )
        unknown = await http.get(f"{EXTERNAL}/cards/card_nope", headers=key(sandbox))
    assert overdrawn.json()["message"] == "Insufficient card balance"
    assert frozen["status"] == "FROZEN"
    assert refused.json()["message"] == "Card is frozen"
    assert bad_status.status_code == 400
    assert unknown.status_code == 404
    assert sandbox.balance() == before


# --- rate limits --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_purchase_limit_counts_only_the_purchases_the_guide_lists() -> None:
    sandbox = DancitySandbox(purchase_limit=1)
    internet = {"plan": "iplan_001", "accountid": "1234567", "phone": "08012345678"}
    betting = {"product": "SportyBet", "account_id": "12345678", "amount": 100}
    airtime = {"product": "MTN Airtime", "phone": "08012345678", "amount": 100}
    async with client(sandbox) as http:
        unlimited = [
            await http.post(f"{CURRENT}/internet/buy", json=internet, headers=key(sandbox)),
            await http.post(f"{CURRENT}/internet/buy", json=internet, headers=key(sandbox)),
            await http.post(f"{CURRENT}/betting/funding", json=betting, headers=key(sandbox)),
            await http.post(
                f"{CURRENT}/esim/purchase", json={"packageCode": "ES-1GB-7D"}, headers=key(sandbox)
            ),
        ]
        first = await http.post(f"{CURRENT}/airtime/buy", json=airtime, headers=key(sandbox))
        second = await http.post(f"{CURRENT}/airtime/buy", json=airtime, headers=key(sandbox))
    assert [r.status_code for r in unlimited] == [200, 200, 200, 200]
    assert (first.status_code, second.status_code) == (200, 429)
