"""The Dancity sandbox, driven in-process with raw httpx (never through an SDK client)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest

import dancity_sdk.testing as testing_pkg
from dancity_sdk.testing import DancitySandbox, DroppedConnectionError
from tests._json import at

G1 = "/api/external/v1"
G3 = "/api/v1"
PREFIXES = pytest.mark.parametrize("prefix", [G1, G3], ids=["G1", "G3"])
INVALID_KEY = "Invalid API key or IP not allowlisted"
STATUSES = ("SUCCESS", "FAILED", "PROCESSING", "PENDING", "CANCELLED")
T0 = 1_780_000_000.0
AIRTIME = {"product": "MTN Airtime", "phone": "08012345678", "amount": 100}
DOCUMENTED_RECORD_FIELDS = {
    "_id",
    "tranxId",
    "service",
    "product",
    "tranxType",
    "status",
    "currency",
    "remarks",
    "amount",
    "fee",
    "amountPaid",
    "balanceBefore",
    "balanceAfter",
    "number",
    "customerRef",
    "channel",
    "paymentMedium",
    "tranxDate",
    "createdAt",
    "apiResponse",
    "isReversal",
    "quantity",
}


class FakeClock:
    """A Unix clock the test moves by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def client(sandbox: DancitySandbox, host: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=sandbox.app, client=(host, 123))
    return httpx.AsyncClient(transport=transport, base_url=sandbox.base_url)


def key(sandbox: DancitySandbox, channel: str = "API") -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.api_key}", "channel": channel}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def airtime(prefix: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = dict(AIRTIME)
    if prefix == G1:
        body["pin"] = DancitySandbox.PIN
    body.update(overrides)
    return body


async def buy(
    http: httpx.AsyncClient, sandbox: DancitySandbox, prefix: str = G1, **overrides: Any
) -> httpx.Response:
    return await http.post(
        f"{prefix}/airtime/buy", json=airtime(prefix, **overrides), headers=key(sandbox)
    )


PHRASES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict"}


def error_body(status: int, message: str | list[str]) -> dict[str, Any]:
    """Every error's shape: the OpenAPI examples' envelope plus NestJS's reason phrase."""
    phrase = {429: "Too Many Requests", 500: "Internal Server Error"}.get(status)
    body: dict[str, Any] = {
        "success": False,
        "statusCode": status,
        "message": "; ".join(message) if isinstance(message, list) else message,
        "error": phrase or PHRASES[status],
    }
    if isinstance(message, list):
        body["errors"] = message
    return body


def tranx(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    data: dict[str, Any] = body["data"]
    return data


# --- package surface ----------------------------------------------------------------------


def test_all_is_sorted_and_complete() -> None:
    assert testing_pkg.__all__ == sorted(testing_pkg.__all__)
    assert all(hasattr(testing_pkg, name) for name in testing_pkg.__all__)
    assert "DancitySandbox" in testing_pkg.__all__


def test_credentials_have_the_documented_formats() -> None:
    sandbox = DancitySandbox()
    assert re.fullmatch(r"dcy_live_[0-9a-f]{40}", sandbox.api_key)
    assert re.fullmatch(r"[0-9a-f]{24}", sandbox.wallet_id)
    assert sandbox.webhook_secret
    assert sandbox.base_url == "http://localhost"


def test_instances_share_no_state() -> None:
    one, two = DancitySandbox(), DancitySandbox()
    assert one.api_key != two.api_key
    assert one.webhook_secret != two.webhook_secret
    assert one.wallet_id != two.wallet_id


def test_seed_makes_credentials_reproducible() -> None:
    assert DancitySandbox(seed=7).api_key == DancitySandbox(seed=7).api_key


def test_repr_hides_credentials() -> None:
    sandbox = DancitySandbox()
    text = repr(sandbox)
    assert sandbox.api_key not in text
    assert sandbox.webhook_secret not in text


def test_float_balances_are_refused() -> None:
    with pytest.raises(TypeError, match="main_balance"):
        DancitySandbox(main_balance=10.5)  # type: ignore[arg-type]


# --- merchant (VAS) authentication --------------------------------------------------------


@PREFIXES
@pytest.mark.anyio
async def test_missing_key_is_401_missing_api_key(prefix: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.get(f"{prefix}/wallet", headers={"channel": "API"})
    assert response.status_code == 401
    assert response.json() == error_body(401, "Missing API key")


@pytest.mark.anyio
async def test_key_without_bearer_scheme_counts_as_missing() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        headers = {"Authorization": sandbox.api_key, "channel": "API"}
        response = await http.get(f"{G1}/wallet", headers=headers)
    assert response.json() == error_body(401, "Missing API key")


@pytest.mark.parametrize(
    "token",
    [
        "dcy_live_" + "x" * 36,  # the docs' own placeholder
        "dcy_live_" + "a" * 39,
        "dcy_live_" + "A" * 40,
        "dcy_test_" + "a" * 40,
        "dcy_live_" + "a" * 40,  # well formed, never issued
    ],
)
@pytest.mark.anyio
async def test_malformed_or_unknown_keys_are_rejected(token: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.get(f"{G3}/wallet", headers={**bearer(token), "channel": "API"})
    assert response.status_code == 401
    assert response.json() == error_body(401, INVALID_KEY)


@PREFIXES
@pytest.mark.anyio
async def test_jwt_on_a_merchant_route_is_rejected(prefix: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        headers = {**bearer(sandbox.issue_jwt()), "channel": "API"}
        response = await http.get(f"{prefix}/wallet", headers=headers)
    assert response.status_code == 401
    assert response.json()["message"] == INVALID_KEY


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{G1}/wallet"),
        ("GET", f"{G1}/services"),
        ("GET", f"{G1}/transactions"),
        ("GET", f"{G1}/cable/validate?smartcardNumber=1&cableplan=x&cablename=DSTV"),
        ("POST", f"{G1}/airtime/buy"),
        ("GET", f"{G3}/wallet"),
        ("GET", f"{G3}/plans/data"),
        ("POST", f"{G3}/cable/validate"),
        ("POST", f"{G3}/betting/funding"),
    ],
)
@pytest.mark.anyio
async def test_every_merchant_route_requires_channel(method: str, path: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.request(method, path, headers=bearer(sandbox.api_key))
    assert response.status_code == 401
    assert response.json() == error_body(401, "Missing channel header")
    assert sandbox.transactions == []


@pytest.mark.parametrize("channel", ["API", "WEB", "IOS APP", "ANDROID APP", "USSD"])
@pytest.mark.anyio
async def test_documented_channels_are_accepted_and_recorded(channel: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.post(
            f"{G3}/airtime/buy", json=airtime(G3), headers=key(sandbox, channel)
        )
    assert tranx(response)["channel"] == channel


@pytest.mark.anyio
async def test_unknown_channel_value_is_rejected() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.get(f"{G1}/wallet", headers=key(sandbox, "api-key"))
    assert response.status_code == 401
    assert response.json() == error_body(401, "Invalid channel header")


@PREFIXES
@pytest.mark.anyio
async def test_ip_outside_allowlist_is_denied(prefix: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox, host="203.0.113.5") as http:
        response = await http.get(f"{prefix}/wallet", headers=key(sandbox))
    assert response.status_code == 401
    assert response.json() == error_body(401, INVALID_KEY)


@pytest.mark.anyio
async def test_allowlist_accepts_ips_and_cidrs_of_both_families() -> None:
    sandbox = DancitySandbox(allowlist=["203.0.113.5", "192.168.1.0/24", "2001:db8::/32"])
    for host in ("203.0.113.5", "192.168.1.77", "2001:db8::1"):
        async with client(sandbox, host=host) as http:
            response = await http.get(f"{G1}/wallet", headers=key(sandbox))
        assert response.status_code == 200, host
    async with client(sandbox, host="127.0.0.1") as http:
        response = await http.get(f"{G1}/wallet", headers=key(sandbox))
    assert response.status_code == 401


@pytest.mark.anyio
async def test_default_allowlist_covers_ipv6_loopback() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox, host="::1") as http:
        response = await http.get(f"{G3}/wallet", headers=key(sandbox))
    assert response.status_code == 200


@pytest.mark.anyio
async def test_empty_allowlist_blocks_all_traffic() -> None:
    sandbox = DancitySandbox()
    sandbox.set_allowlist([])
    async with client(sandbox) as http:
        response = await http.post(f"{G1}/airtime/buy", json=airtime(G1), headers=key(sandbox))
    assert response.status_code == 401
    assert response.json()["message"] == INVALID_KEY
    assert sandbox.transactions == []
    assert sandbox.allowlist == ()


def test_allowlist_rejects_bad_entries_and_more_than_twenty() -> None:
    sandbox = DancitySandbox()
    with pytest.raises(ValueError, match="20"):
        sandbox.set_allowlist([f"10.0.0.{n}" for n in range(21)])
    with pytest.raises(ValueError, match="does not appear"):
        sandbox.set_allowlist(["not-an-ip"])
    sandbox.set_allowlist([f"10.0.0.{n}" for n in range(20)])
    assert len(sandbox.allowlist) == 20


@pytest.mark.anyio
async def test_regenerated_key_replaces_the_old_one_immediately() -> None:
    sandbox = DancitySandbox()
    old = sandbox.api_key
    new = sandbox.regenerate_key()
    assert new == sandbox.api_key != old
    assert re.fullmatch(r"dcy_live_[0-9a-f]{40}", new)
    async with client(sandbox) as http:
        stale = await http.get(f"{G1}/wallet", headers={**bearer(old), "channel": "API"})
        fresh = await http.get(f"{G1}/wallet", headers=key(sandbox))
        sandbox.regenerate_key()
        older = await http.get(f"{G3}/wallet", headers={**bearer(new), "channel": "API"})
    assert stale.status_code == 401
    assert stale.json() == error_body(401, "Your API key is not active")
    assert fresh.status_code == 200
    assert older.json()["message"] == "Your API key is not active"


@pytest.mark.anyio
async def test_a_key_from_another_sandbox_is_unknown_here() -> None:
    sandbox, other = DancitySandbox(), DancitySandbox()
    async with client(sandbox) as http:
        response = await http.get(f"{G1}/wallet", headers=key(other))
    assert response.json() == error_body(401, INVALID_KEY)


# --- App API (JWT) ------------------------------------------------------------------------


def _claims(token: str) -> dict[str, Any]:
    header, payload, _ = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=="))
    return claims


def test_issued_jwt_has_sub_exp_and_iat() -> None:
    clock = FakeClock()
    claims = _claims(DancitySandbox(clock=clock).issue_jwt("usr_9", ttl=600))
    assert claims == {"sub": "usr_9", "iat": int(T0), "exp": int(T0) + 600}


@pytest.mark.anyio
async def test_wallet_by_id_with_jwt_needs_no_channel() -> None:
    sandbox = DancitySandbox(main_balance=Decimal("15000.50"))
    async with client(sandbox) as http:
        response = await http.get(
            f"/api/wallet/{sandbox.wallet_id}", headers=bearer(sandbox.issue_jwt())
        )
    assert response.status_code == 200
    wallet = response.json()["data"]
    assert wallet["_id"] == sandbox.wallet_id
    assert wallet["balance"] == 15000.5
    assert wallet["currency"] == "NGN"
    assert wallet["wallettype"] == "main"


@pytest.mark.anyio
async def test_merchant_key_on_an_app_route_is_rejected() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.get(f"/api/wallet/{sandbox.wallet_id}", headers=key(sandbox))
        listing = await http.get("/api/transactions", headers=key(sandbox))
    assert response.status_code == 401
    assert response.json() == error_body(401, "Unauthorized")
    assert listing.status_code == 401


def _tamper(token: str) -> str:
    header, _, signature = token.split(".")
    claims = _claims(token) | {"sub": "usr_admin"}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _unsigned(token: str) -> str:
    _, payload, _ = token.split(".")
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    return f"{header}.{payload}."


@pytest.mark.anyio
async def test_expired_forged_or_foreign_jwts_are_unauthorized() -> None:
    clock = FakeClock()
    sandbox = DancitySandbox(clock=clock)
    short = sandbox.issue_jwt(ttl=10)
    tokens = [
        sandbox.issue_jwt(ttl=-1),
        _tamper(sandbox.issue_jwt()),
        _unsigned(sandbox.issue_jwt()),
        DancitySandbox().issue_jwt(),
        "not-a-jwt",
    ]
    async with client(sandbox) as http:
        for token in tokens:
            response = await http.get("/api/transactions", headers=bearer(token))
            assert response.status_code == 401, token
            assert response.json() == error_body(401, "Unauthorized")
        assert (await http.get("/api/transactions", headers=bearer(short))).status_code == 200
        clock.advance(10)
        assert (await http.get("/api/transactions", headers=bearer(short))).status_code == 401


@pytest.mark.anyio
async def test_only_the_token_users_wallet_is_returned() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        mine = bearer(sandbox.issue_jwt())
        stranger = bearer(sandbox.issue_jwt("usr_2"))
        other_id = await http.get("/api/wallet/0123456789abcdef01234567", headers=mine)
        not_theirs = await http.get(f"/api/wallet/{sandbox.wallet_id}", headers=stranger)
        bonus = await http.get(f"/api/wallet/{sandbox.bonus_wallet_id}", headers=mine)
    assert other_id.status_code == 404
    assert other_id.json() == error_body(404, "Not found")
    assert not_theirs.status_code == 404
    assert bonus.json()["data"]["wallettype"] == "bonus"


@pytest.mark.anyio
async def test_app_transactions_belong_to_the_token_user() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        record = tranx(await buy(http, sandbox, customerRef="APP-1"))
        mine = bearer(sandbox.issue_jwt())
        stranger = bearer(sandbox.issue_jwt("usr_2"))
        listing = (await http.get("/api/transactions", headers=mine)).json()
        one = await http.get(f"/api/transactions/{record['tranxId']}", headers=mine)
        theirs = (await http.get("/api/transactions", headers=stranger)).json()
        hidden = await http.get(f"/api/transactions/{record['_id']}", headers=stranger)
    assert [row["tranxId"] for row in listing["data"]["transactions"]] == [record["tranxId"]]
    assert one.json()["data"]["customerRef"] == "APP-1"
    assert theirs["data"]["transactions"] == []
    assert hidden.status_code == 404


@pytest.mark.anyio
async def test_sandbox_jwt_route_issues_working_tokens() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        issued = await http.post("/_sandbox/jwt", json={"user_id": "usr_1", "ttl": 60})
        token = issued.json()["data"]["token"]
        wallet = await http.get(f"/api/wallet/{sandbox.wallet_id}", headers=bearer(token))
        bad = await http.post("/_sandbox/jwt", json={"ttl": "soon"})
    assert issued.status_code == 200
    assert _claims(token)["sub"] == "usr_1"
    assert wallet.status_code == 200
    assert bad.status_code == 400
    assert bad.json()["errors"] == ["ttl must be a number"]


# --- wallet and catalogue -----------------------------------------------------------------


@PREFIXES
@pytest.mark.anyio
async def test_wallets_lists_main_and_bonus(prefix: str) -> None:
    sandbox = DancitySandbox(main_balance=Decimal(15000), bonus_balance=Decimal(250))
    async with client(sandbox) as http:
        body = (await http.get(f"{prefix}/wallet", headers=key(sandbox))).json()
    assert body["success"] is True
    assert body["message"] == "Wallets retrieved successfully"  # the official examples' wording
    rows = {row["wallettype"]: row for row in body["data"]}
    assert rows["main"]["balance"] == 15000
    assert rows["bonus"]["balance"] == 250
    assert rows["main"]["_id"] == sandbox.wallet_id
    assert {row["currency"] for row in body["data"]} == {"NGN"}


@PREFIXES
@pytest.mark.anyio
async def test_services_and_products(prefix: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        services = (await http.get(f"{prefix}/services", headers=key(sandbox))).json()
        airtime_rows = await http.get(
            f"{prefix}/products", params={"service": "AIRTIME"}, headers=key(sandbox)
        )
        exams = await http.get(
            f"{prefix}/products", params={"service": "EXAM_PIN"}, headers=key(sandbox)
        )
    assert services["message"] == "SUCCESS"
    assert {"AIRTIME", "DATA", "Cable", "Electricity", "Betting"} <= {
        row["name"] for row in services["allServices"]
    }
    body = airtime_rows.json()
    assert (body["statusCode"], body["message"]) == (200, "SUCCESS")
    mtn = next(row for row in body["allProduct"] if row["name"] == "MTN Airtime")
    assert (mtn["min"], mtn["max"], mtn["discount"]) == (50, 50000, 1.5)
    assert any(row["name"].startswith("WAEC") for row in exams.json()["allProduct"])


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("Cable", {"DSTV", "GOTV", "Startimes"}),
        ("Electricity", {"EKEDC", "IKEDC", "AEDC"}),
        ("Betting", {"1XBET"}),
    ],
)
@pytest.mark.anyio
async def test_products_per_service(service: str, expected: set[str]) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.get(
            f"{G3}/products", params={"service": service}, headers=key(sandbox)
        )
    assert expected <= {row["name"] for row in response.json()["allProduct"]}


@pytest.mark.anyio
async def test_plan_lists_have_the_documented_shapes() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        data = await http.get(
            f"{G3}/plans/data", params={"product": "MTN-GIFTING"}, headers=key(sandbox)
        )
        cable = await http.get(
            f"{G1}/plans/cable", params={"product": "GOTV"}, headers=key(sandbox)
        )
        internet = await http.get(f"{G3}/plans/internet", headers=key(sandbox))
    rows = data.json()["data"]
    assert data.json()["message"] == "SUCCESS"
    assert {"_id", "product", "plan", "price", "validity", "planId"} == set(rows[0])
    smallest = next(row for row in rows if row["planId"] == "40MB_MTN_GIFTING_1Day")
    assert (smallest["plan"], smallest["price"]) == ("40MB", 50)
    assert {row["product"] for row in rows} == {"MTN GIFTING"}
    cable_ids = {row["planId"] for row in cable.json()["data"]}
    assert {"GOtv_Supa_monthly_N11_400", "GOtv_Max"} <= cable_ids
    body = internet.json()
    assert (body["success"], body["message"]) == (True, "Internet plans fetched")
    assert body["data"][0] == {
        "_id": "iplan_001",
        "name": "Spectranet 10GB",
        "product": "Spectranet",
        "amount": 5000,
    }


# --- validation endpoints -----------------------------------------------------------------


@pytest.mark.anyio
async def test_g1_cable_validation_is_a_get_with_three_query_fields() -> None:
    sandbox = DancitySandbox()
    query = {"smartcardNumber": "1234567890", "cableplan": "DStv Compact", "cablename": "DSTV"}
    async with client(sandbox) as http:
        good = await http.get(f"{G1}/cable/validate", params=query, headers=key(sandbox))
        partial = await http.get(
            f"{G1}/cable/validate",
            params={"smartcardNumber": "1234567890", "cablename": "DSTV"},
            headers=key(sandbox),
        )
        post = await http.post(f"{G1}/cable/validate", json=query, headers=key(sandbox))
    assert good.status_code == 200
    assert good.json()["data"]["customerName"] == "John Doe"
    assert good.json()["data"]["cablename"] == "DSTV"
    assert partial.status_code == 400
    assert partial.json()["errors"] == ["cableplan should not be empty"]
    assert post.status_code == 405


@pytest.mark.anyio
async def test_g3_cable_validation_is_a_post_with_two_body_fields() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        good = await http.post(
            f"{G3}/cable/validate",
            json={"smartcardNumber": "1234567890", "cablename": "go-tv"},
            headers=key(sandbox),
        )
        gotv = await http.post(
            f"{G3}/cable/validate",
            json={"smartcardNumber": "1234567890", "cablename": "GOTV"},
            headers=key(sandbox),
        )
        get = await http.get(f"{G3}/cable/validate", headers=key(sandbox))
    assert good.json() == error_body(400, "Product not found")
    body = gotv.json()
    assert (body["success"], body["message"]) == (True, "Validation successful")
    assert body["data"]["smartcardNumber"] == "1234567890"
    assert get.status_code == 405


@PREFIXES
@pytest.mark.anyio
async def test_unknown_smartcard_fails_validation(prefix: str) -> None:
    sandbox = DancitySandbox()
    fields = {"smartcardNumber": "0000000000", "cablename": "DSTV", "cableplan": "DStv_Padi"}
    async with client(sandbox) as http:
        if prefix == G1:
            response = await http.get(
                f"{prefix}/cable/validate", params=fields, headers=key(sandbox)
            )
        else:
            response = await http.post(
                f"{prefix}/cable/validate", json=fields, headers=key(sandbox)
            )
    assert response.status_code == 400
    assert response.json() == error_body(400, "Smartcard number not found")


@pytest.mark.anyio
async def test_meter_validation_uses_billername_in_g1_and_billercode_in_g3() -> None:
    sandbox = DancitySandbox()
    meter = {"meterNumber": "45012345678", "amount": 2000, "meterType": "prepaid"}
    async with client(sandbox) as http:
        g1 = await http.post(
            f"{G1}/electricity/validate",
            json={**meter, "billerName": "IKEDC"},
            headers=key(sandbox),
        )
        g3 = await http.post(
            f"{G3}/electricity/validate",
            json={**meter, "billerCode": "Eko Electricity"},
            headers=key(sandbox),
        )
        swapped = await http.post(
            f"{G3}/electricity/validate",
            json={**meter, "billerName": "EKEDC"},
            headers=key(sandbox),
        )
        unknown = await http.post(
            f"{G3}/electricity/validate",
            json={**meter, "billerCode": "EKEDC", "meterNumber": "45012349999"},
            headers=key(sandbox),
        )
    assert g1.json()["data"]["billerName"] == "IKEDC"
    assert g3.json()["data"]["billerCode"] == "EKEDC"
    assert g3.json()["data"]["address"]
    assert swapped.json()["errors"] == ["billerCode should not be empty"]
    assert unknown.json() == error_body(400, "Meter number not found")


@pytest.mark.anyio
async def test_unified_validate_route_is_2026_05_09_only() -> None:
    sandbox = DancitySandbox(api_version="2026-05-09")
    older = DancitySandbox()
    async with client(sandbox) as http, client(older) as old_http:
        absent = await old_http.post(f"{G1}/validate", json={"type": "cable"}, headers=key(older))
        cable = await http.post(
            f"{G1}/validate",
            json={"type": "cable", "smartcardNumber": "1234567890", "cablename": "Startimes"},
            headers=key(sandbox),
        )
        bad = await http.post(f"{G1}/validate", json={"type": "bank"}, headers=key(sandbox))
        missing = await http.post(f"{G3}/validate", json={"type": "cable"}, headers=key(sandbox))
    assert cable.json()["data"]["cablename"] == "Startimes"
    assert bad.json()["errors"] == ["type must be one of the following values: cable, electricity"]
    assert missing.status_code == 404
    assert absent.status_code == 404  # 2026-04-27 validates cable and meters separately


# --- purchases ----------------------------------------------------------------------------


@PREFIXES
@pytest.mark.anyio
async def test_airtime_success_returns_the_full_record_and_debits_after_discount(
    prefix: str,
) -> None:
    sandbox = DancitySandbox(main_balance=Decimal(50000))
    async with client(sandbox) as http:
        response = await buy(http, sandbox, prefix, customerRef="REF-1")
    body = response.json()
    assert body["message"] == "Airtime purchase processed"
    record = body["data"]
    assert set(record) >= DOCUMENTED_RECORD_FIELDS
    assert re.fullmatch(r"[0-9a-f]{24}", record["_id"])
    assert re.fullmatch(r"DNTY[0-9A-Z]{12}", record["tranxId"])
    assert record["status"] == "SUCCESS"
    assert (record["service"], record["product"], record["tranxType"]) == (
        "AIRTIME",
        "MTN Airtime",
        "DEBIT",
    )
    assert (record["amount"], record["fee"], record["amountPaid"]) == (100, 0, 98.5)
    assert '"amountPaid":98.5' in response.text  # a JSON number, not a string
    assert (record["balanceBefore"], record["balanceAfter"]) == (50000, 49901.5)
    assert (record["number"], record["customerRef"]) == ("08012345678", "REF-1")
    assert (record["currency"], record["paymentMedium"]) == ("NGN", "MAIN WALLET")
    assert record["createdAt"].endswith("Z")
    assert record["isReversal"] is False
    assert sandbox.balance() == Decimal("49901.5")
    assert sandbox.transactions[0]["amountPaid"] == Decimal("98.5")


@pytest.mark.anyio
async def test_customer_ref_defaults_to_empty_string_and_names_are_normalised() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        hyphen = tranx(await buy(http, sandbox, G3, product="MTN-Airtime"))
        underscore = tranx(await buy(http, sandbox, G1, product="MTN_Airtime"))
    assert hyphen["customerRef"] == ""
    assert hyphen["product"] == underscore["product"] == "MTN Airtime"


@pytest.mark.anyio
async def test_g3_buys_need_no_pin_and_ignore_one() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        without = tranx(await buy(http, sandbox, G3))
        ignored = tranx(await buy(http, sandbox, G3, pin="0000"))
    assert without["status"] == ignored["status"] == "SUCCESS"


@pytest.mark.anyio
async def test_g1_buys_require_the_pin() -> None:
    sandbox = DancitySandbox()
    body = {key_: value for key_, value in airtime(G1).items() if key_ != "pin"}
    async with client(sandbox) as http:
        missing = await http.post(f"{G1}/airtime/buy", json=body, headers=key(sandbox))
        short = await buy(http, sandbox, G1, pin="12")
        wrong = await buy(http, sandbox, G1, pin="9999")
    assert missing.json()["errors"] == ["pin should not be empty"]
    assert short.json()["errors"] == ["pin must be exactly 4 digits"]
    assert wrong.status_code == 400
    assert wrong.json() == error_body(400, "Invalid transaction PIN")
    assert sandbox.transactions == []
    assert sandbox.balance() == Decimal(50000)


@PREFIXES
@pytest.mark.anyio
async def test_validation_errors_list_every_failed_constraint(prefix: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        low = await buy(http, sandbox, prefix, phone="0801234", amount=10)
        high = await buy(http, sandbox, prefix, amount=1001)
        text = await buy(http, sandbox, prefix, phone="+2348012345678", amount="200")
    assert low.status_code == 400
    assert low.json() == error_body(
        400, ["phone must be 11 digits", "amount must not be less than 50"]
    )
    # Every description caps airtime at 1000, below the catalog's product maximum.
    assert high.json()["errors"] == ["amount must not be greater than 1000"]
    assert text.json()["errors"] == [
        "phone must be 11 digits",
        "amount must be a number conforming to the specified constraints",
    ]
    assert sandbox.transactions == []


@pytest.mark.anyio
async def test_unknown_product_and_bad_bodies() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        unknown = await buy(http, sandbox, G3, product="Vodafone Airtime")
        broken = await http.post(
            f"{G3}/airtime/buy",
            content=b"{not json",
            headers={**key(sandbox), "Content-Type": "application/json"},
        )
        array = await http.post(f"{G3}/airtime/buy", json=[1, 2], headers=key(sandbox))
        empty = await http.post(f"{G3}/airtime/buy", headers=key(sandbox))
    assert unknown.json() == error_body(400, "Product not found")
    assert broken.status_code == 400
    assert array.json()["message"] == "Request body must be a JSON object"
    assert empty.json()["errors"] == [
        "product should not be empty",
        "phone should not be empty",
        "amount should not be empty",
    ]


@pytest.mark.anyio
async def test_unknown_routes_answer_json_404() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.get(f"{G3}/bulk/airtime", headers=key(sandbox))
    assert response.status_code == 404
    assert response.json() == error_body(404, "Cannot GET /api/v1/bulk/airtime")


@PREFIXES
@pytest.mark.anyio
async def test_recipient_ending_0000_fails_inside_a_200_without_debit(prefix: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await buy(http, sandbox, prefix, phone="08010000000")
    record = tranx(response)
    assert record["status"] == "FAILED"
    assert record["balanceAfter"] == record["balanceBefore"] == 50000
    assert "failed" in record["apiResponse"]
    assert sandbox.balance() == Decimal(50000)
    assert [delivery.event for delivery in sandbox.deliveries] == ["transaction.failed"]


@PREFIXES
@pytest.mark.anyio
async def test_pending_settles_to_success_on_the_second_requery(prefix: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        record = tranx(await buy(http, sandbox, prefix, phone="08011111111"))
        path = f"{prefix}/transactions/{record['tranxId']}"
        first = tranx(await http.get(path, headers=key(sandbox)))
        second = tranx(await http.get(path, headers=key(sandbox)))
        third = tranx(await http.get(path, headers=key(sandbox)))
    assert record["status"] == first["status"] == "PENDING"
    assert second["status"] == third["status"] == "SUCCESS"
    assert record["balanceAfter"] == 49901.5  # PENDING money has left the wallet
    assert sandbox.balance() == Decimal("49901.5")
    assert [d.event for d in sandbox.deliveries] == [
        "wallet.debited",
        "transaction.pending",
        "transaction.success",
    ]


@pytest.mark.anyio
async def test_control_route_settles_a_pending_transaction() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        record = tranx(await buy(http, sandbox, G3, phone="08011111111"))
        route = f"/_sandbox/transactions/{record['tranxId']}/status"
        failed = await http.post(route, json={"status": "FAILED"})
        again = await http.post(route, json={"status": "SUCCESS"})
        unknown = await http.post(
            "/_sandbox/transactions/DNTY000000000000/status", json={"status": "SUCCESS"}
        )
        invalid = await http.post(route, json={"status": "DONE"})
    assert failed.json()["data"]["status"] == "FAILED"
    assert sandbox.balance() == Decimal(50000)  # the PENDING debit was refunded
    assert again.status_code == 409
    assert unknown.status_code == 404
    assert invalid.status_code == 400
    assert sandbox.deliveries[-1].event == "transaction.failed"


@pytest.mark.anyio
async def test_set_transaction_status_from_python() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        record = tranx(await buy(http, sandbox, G1, phone="08011111111"))
    settled = await sandbox.set_transaction_status(record["tranxId"], "SUCCESS")
    assert settled["status"] == "SUCCESS"
    assert sandbox.transactions[0]["status"] == "SUCCESS"
    with pytest.raises(LookupError, match="already SUCCESS"):
        await sandbox.set_transaction_status(record["tranxId"], "FAILED")


@PREFIXES
@pytest.mark.anyio
async def test_insufficient_balance_is_a_400_and_records_nothing(prefix: str) -> None:
    sandbox = DancitySandbox(main_balance=Decimal(60), bonus_balance=Decimal(250))
    async with client(sandbox) as http:
        main = await buy(http, sandbox, prefix, amount=100)
        bonus = await buy(http, sandbox, prefix, amount=1000, wallettype="bonus")
    for response in (main, bonus):
        assert response.status_code == 400
        assert response.json() == error_body(400, "Insufficient wallet balance")
    assert sandbox.transactions == []
    assert sandbox.balance() == Decimal(60)


@pytest.mark.anyio
async def test_wallettype_bonus_debits_the_bonus_wallet() -> None:
    sandbox = DancitySandbox(bonus_balance=Decimal(250))
    async with client(sandbox) as http:
        record = tranx(await buy(http, sandbox, G3, amount=200, wallettype="bonus"))
        bad = await buy(http, sandbox, G3, wallettype="savings")
    assert record["paymentMedium"] == "BONUS WALLET"
    assert sandbox.balance("bonus") == Decimal(53)
    assert sandbox.balance("main") == Decimal(50000)
    assert bad.json()["errors"] == ["wallettype must be one of the following values: main, bonus"]


@pytest.mark.anyio
async def test_data_buys_by_plan_id_or_mongo_id() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        plans = (await http.get(f"{G3}/plans/data", headers=key(sandbox))).json()["data"]
        one_gig = next(p for p in plans if p["planId"] == "1GB_MTN_GIFTING_1Day")
        by_plan_id = await http.post(
            f"{G3}/data/buy",
            json={"plan": one_gig["planId"], "phone": "08012345678"},
            headers=key(sandbox),
        )
        by_mongo_id = await http.post(
            f"{G1}/data/buy",
            json={
                "plan": one_gig["_id"],
                "phone": "08012345678",
                "wallettype": "main",
                "pin": "1234",
            },
            headers=key(sandbox),
        )
        g1_missing = await http.post(
            f"{G1}/data/buy",
            json={"plan": one_gig["_id"], "phone": "08012345678"},
            headers=key(sandbox),
        )
        unknown = await http.post(
            f"{G3}/data/buy",
            json={"plan": "1TB_FOREVER", "phone": "08012345678"},
            headers=key(sandbox),
        )
    record = tranx(by_plan_id)
    assert by_plan_id.json()["message"] == "Data purchase processed"
    assert (record["service"], record["product"], record["amount"]) == ("DATA", "MTN GIFTING", 500)
    assert record["remarks"] == "MTN GIFTING 1GB for 1 Day"
    assert tranx(by_mongo_id)["amountPaid"] == 500
    assert g1_missing.json()["errors"] == [
        "wallettype should not be empty",
        "pin should not be empty",
    ]
    assert unknown.json()["message"] == "Product not found"


@pytest.mark.anyio
async def test_cable_buy_names_the_provider_in_g1_and_derives_it_in_g3() -> None:
    sandbox = DancitySandbox()
    common = {"smartcardNumber": "1234567890", "customerName": "John Doe"}
    async with client(sandbox) as http:
        g1 = await http.post(
            f"{G1}/cable/buy",
            json={
                **common,
                "cableplan": "DStv Compact",
                "cablename": "DSTV",
                "pin": DancitySandbox.PIN,
            },
            headers=key(sandbox),
        )
        g3 = await http.post(
            f"{G3}/cable/buy",
            json={**common, "cableplan": "GOtv_Supa_Plus_monthly_N16_800"},
            headers=key(sandbox),
        )
        mismatch = await http.post(
            f"{G1}/cable/buy",
            json={
                **common,
                "cableplan": "GOtv_Max",
                "cablename": "DSTV",
                "pin": DancitySandbox.PIN,
            },
            headers=key(sandbox),
        )
        failed = await http.post(
            f"{G3}/cable/buy",
            json={**common, "cableplan": "GOtv_Max", "smartcardNumber": "0000000000"},
            headers=key(sandbox),
        )
    first = tranx(g1)
    assert (first["service"], first["product"], first["amount"]) == ("CABLE", "DSTV", 19000)
    second = tranx(g3)
    assert (second["product"], second["amount"], second["number"]) == ("GOTV", 16800, "1234567890")
    assert mismatch.json()["message"] == "Product not found"
    assert tranx(failed)["status"] == "FAILED"


@PREFIXES
@pytest.mark.anyio
async def test_electricity_buy_minimum_and_token(prefix: str) -> None:
    sandbox = DancitySandbox()
    biller = {"billerName": "EKEDC"} if prefix == G1 else {"billerCode": "EKEDC"}
    body = {
        "meterNumber": "45012345678",
        "meterType": "prepaid",
        "amount": 2000,
        "customerName": "John Doe",
        "address": "12 Lekki Phase 1, Lagos",
        **biller,
    }
    if prefix == G1:
        body["pin"] = DancitySandbox.PIN
    async with client(sandbox) as http:
        good = await http.post(f"{prefix}/electricity/buy", json=body, headers=key(sandbox))
        low = await http.post(
            f"{prefix}/electricity/buy", json={**body, "amount": 499}, headers=key(sandbox)
        )
    record = tranx(good)
    assert good.json()["message"] == "Electricity purchase processed"
    assert re.fullmatch(r"\d{4}(-\d{4}){4}", record["token"])
    assert (record["service"], record["product"]) == ("ELECTRICITY", "EKEDC")
    assert low.json()["errors"] == ["amount must not be less than 500"]


@pytest.mark.anyio
async def test_internet_buy_uses_a_five_digit_pin_in_g1() -> None:
    sandbox = DancitySandbox()
    body = {"plan": "iplan_001", "accountid": "1234567", "phone": "08123456789"}
    async with client(sandbox) as http:
        g1 = await http.post(
            f"{G1}/internet/buy",
            json={**body, "pin": DancitySandbox.INTERNET_PIN},
            headers=key(sandbox),
        )
        four = await http.post(
            f"{G1}/internet/buy", json={**body, "pin": "1234"}, headers=key(sandbox)
        )
        g3 = await http.post(f"{G3}/internet/buy", json=body, headers=key(sandbox))
    assert tranx(g1)["amount"] == 5000
    assert four.json()["errors"] == [
        "pin must be exactly 5 digits",
        "pin must be longer than or equal to 5 characters",
    ]
    assert tranx(g3)["product"] == "Spectranet"


@pytest.mark.anyio
async def test_education_uses_product_and_pin_in_g1_exam_name_in_g3() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        g1 = await http.post(
            f"{G1}/education-pin/purchase",
            json={"product": "WAEC", "quantity": 2, "pin": DancitySandbox.PIN},
            headers=key(sandbox),
        )
        g3 = await http.post(
            f"{G3}/education-pin/purchase",
            json={"exam_name": "WAEC Result Checker", "quantity": 1},
            headers=key(sandbox),
        )
        too_many = await http.post(
            f"{G3}/education-pin/purchase",
            json={"exam_name": "WAEC", "quantity": 6},
            headers=key(sandbox),
        )
        jamb = await http.post(
            f"{G3}/education-pin/purchase",
            json={"exam_name": "JAMB", "quantity": 2},
            headers=key(sandbox),
        )
    first = tranx(g1)
    assert (first["service"], first["quantity"], first["amount"]) == ("EXAM PIN", 2, 9000)
    assert len(first["pins"]) == 2
    assert tranx(g3)["product"] == "WAEC Result Checker"
    assert too_many.json()["errors"] == ["quantity must not be greater than 5"]
    assert jamb.json()["errors"] == [
        "quantity must be 1 for JAMB",
        "examNumber should not be empty",
    ]


@pytest.mark.anyio
async def test_betting_uses_customer_identifier_in_g1_and_account_id_in_g3() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        g1 = await http.post(
            f"{G1}/betting/funding",
            json={
                "product": "1XBET",
                "customerIdentifier": "12345678",
                "amount": 1000,
                "pin": "1234",
            },
            headers=key(sandbox),
        )
        g3 = await http.post(
            f"{G3}/betting/funding",
            json={"product": "SportyBet", "account_id": "87654321", "amount": 500},
            headers=key(sandbox),
        )
        swapped = await http.post(
            f"{G3}/betting/funding",
            json={"product": "SportyBet", "customerIdentifier": "87654321", "amount": 50},
            headers=key(sandbox),
        )
    assert tranx(g1)["number"] == "12345678"
    assert tranx(g3)["account_id"] == "87654321"
    assert swapped.json()["errors"] == [
        "account_id should not be empty",
        "amount must not be less than 100",
    ]


# --- transactions -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_transaction_list_filters_and_paginates_newest_first() -> None:
    clock = FakeClock()
    sandbox = DancitySandbox(clock=clock)
    async with client(sandbox) as http:
        first = tranx(await buy(http, sandbox, G3, customerRef="A-1"))
        clock.advance(60)
        failed = tranx(await buy(http, sandbox, G3, phone="08010000000"))
        clock.advance(60)
        third = tranx(await buy(http, sandbox, G1, customerRef="A-3"))

        async def listing(**params: Any) -> dict[str, Any]:
            response = await http.get(f"{G3}/transactions", params=params, headers=key(sandbox))
            assert response.status_code == 200, response.text
            data: dict[str, Any] = response.json()["data"]
            return data

        page1 = await listing(limit=2)
        page2 = await listing(limit=2, page=2)
        only_failed = await listing(status="FAILED")
        airtime_rows = await listing(service="airtime")
        credit_rows = await listing(tranxType="CREDIT")
        search = await listing(query="a-3")
        since = await listing(start_date="2026-05-28T20:28:10.000Z")  # T0 + 90 s
    ids = [row["tranxId"] for row in page1["transactions"] + page2["transactions"]]
    assert ids == [third["tranxId"], failed["tranxId"], first["tranxId"]]
    assert page1["pagination"] == {
        "page": 1,
        "limit": 2,
        "total": 3,
        "pages": 2,
        "totalPages": 2,
        "hasPrevious": False,
        "hasNext": True,
    }
    assert [row["tranxId"] for row in only_failed["transactions"]] == [failed["tranxId"]]
    assert airtime_rows["pagination"]["total"] == 3
    assert credit_rows["transactions"] == []
    assert [row["customerRef"] for row in search["transactions"]] == ["A-3"]
    assert [row["tranxId"] for row in since["transactions"]] == [third["tranxId"]]


@pytest.mark.anyio
async def test_transaction_list_rejects_bad_query_parameters() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        response = await http.get(
            f"{G1}/transactions",
            params={"limit": 101, "page": 0, "start_date": "yesterday", "status": "DONE"},
            headers=key(sandbox),
        )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "page must be a positive integer",
        "limit must not be greater than 100",
        "start_date must be a valid ISO 8601 date string",
        f"status must be one of the following values: {', '.join(STATUSES)}",
    ]


@PREFIXES
@pytest.mark.anyio
async def test_requery_by_mongo_id_tranx_id_or_latest_customer_ref(prefix: str) -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        older = tranx(await buy(http, sandbox, prefix, customerRef="DUP"))
        newer = tranx(await buy(http, sandbox, prefix, customerRef="DUP", amount=200))

        async def get(ident: str) -> httpx.Response:
            return await http.get(f"{prefix}/transactions/{ident}", headers=key(sandbox))

        by_mongo = await get(older["_id"])
        by_tranx = await get(older["tranxId"])
        by_ref = await get("DUP")
        missing = await get("NOPE-404")
    assert by_mongo.json()["message"] == "Transaction fetched"
    assert tranx(by_mongo)["tranxId"] == older["tranxId"]
    assert tranx(by_tranx)["_id"] == older["_id"]
    assert tranx(by_ref)["tranxId"] == newer["tranxId"]
    assert missing.status_code == 404
    assert missing.json() == error_body(404, "Transaction not found")


# --- rate limits --------------------------------------------------------------------------


@pytest.mark.anyio
async def test_every_response_carries_rate_limit_headers() -> None:
    clock = FakeClock(T0 + 0.25)
    sandbox = DancitySandbox(clock=clock)
    async with client(sandbox) as http:
        ok = await http.get(f"{G1}/wallet", headers=key(sandbox))
        unauthorized = await http.get(f"{G1}/wallet", headers={"channel": "API"})
        app = await http.get("/api/transactions", headers=bearer(sandbox.issue_jwt()))
        purchase = await buy(http, sandbox)
        after = await http.get(f"{G1}/wallet", headers=key(sandbox))
    reset = str(math.ceil(T0 + 0.25 + 60))
    assert (ok.headers["X-RateLimit-Limit"], ok.headers["X-RateLimit-Remaining"]) == ("120", "119")
    assert ok.headers["X-RateLimit-Reset"] == reset
    assert "Retry-After" not in ok.headers
    assert unauthorized.headers["X-RateLimit-Limit"] == "120"
    assert app.headers["X-RateLimit-Remaining"] == "119"
    # A purchase reports the tighter purchase window.
    assert (purchase.headers["X-RateLimit-Limit"], purchase.headers["X-RateLimit-Remaining"]) == (
        "30",
        "29",
    )
    assert after.headers["X-RateLimit-Remaining"] == "117"


@pytest.mark.anyio
async def test_per_key_limit_answers_429_until_the_window_slides() -> None:
    clock = FakeClock()
    sandbox = DancitySandbox(per_key_limit=3, clock=clock)
    async with client(sandbox) as http:
        for _ in range(2):
            await http.get(f"{G3}/wallet", headers=key(sandbox))
        clock.advance(30)
        third = await http.get(f"{G3}/wallet", headers=key(sandbox))
        refused = await http.get(f"{G3}/wallet", headers=key(sandbox))
        clock.advance(30)  # the first two hits leave the window
        again = await http.get(f"{G3}/wallet", headers=key(sandbox))
    assert third.headers["X-RateLimit-Remaining"] == "0"
    assert refused.status_code == 429
    assert refused.json() == error_body(429, "Too Many Requests")
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Reset"] == str(int(T0 + 60))
    assert refused.headers["Retry-After"] == "30"
    assert again.status_code == 200
    assert again.headers["X-RateLimit-Remaining"] == "1"


@pytest.mark.anyio
async def test_purchase_limit_is_separate_from_the_per_key_limit() -> None:
    clock = FakeClock()
    sandbox = DancitySandbox(per_key_limit=10, purchase_limit=2, clock=clock)
    async with client(sandbox) as http:
        bought = [await buy(http, sandbox) for _ in range(2)]
        refused = await buy(http, sandbox)
        read = await http.get(f"{G1}/wallet", headers=key(sandbox))
        clock.advance(60)
        later = await buy(http, sandbox)
    assert [response.status_code for response in bought] == [200, 200]
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Limit"] == "2"
    assert refused.headers["Retry-After"] == "60"
    assert len(sandbox.transactions) == 3
    assert read.status_code == 200
    assert read.headers["X-RateLimit-Remaining"] == "7"  # refused calls are not counted
    assert later.status_code == 200


@pytest.mark.anyio
async def test_each_credential_has_its_own_window() -> None:
    sandbox = DancitySandbox(per_key_limit=1)
    async with client(sandbox) as http:
        assert (await http.get(f"{G1}/wallet", headers=key(sandbox))).status_code == 200
        assert (await http.get(f"{G1}/wallet", headers=key(sandbox))).status_code == 429
        sandbox.regenerate_key()
        assert (await http.get(f"{G1}/wallet", headers=key(sandbox))).status_code == 200


def test_rate_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        DancitySandbox(per_key_limit=0)


# --- fault injection ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_server_error_fault_processes_then_answers_500() -> None:
    sandbox = DancitySandbox()
    sandbox.fail_next("server_error")
    async with client(sandbox) as http:
        failed = await buy(http, sandbox, customerRef="FAULT-1")
        normal = await buy(http, sandbox)
        found = await http.get(f"{G1}/transactions/FAULT-1", headers=key(sandbox))
    assert failed.status_code == 500
    assert failed.json() == error_body(500, "Sorry, something went wrong. Please try again later")
    assert "X-RateLimit-Remaining" in failed.headers
    assert normal.status_code == 200
    assert len(sandbox.transactions) == 2
    assert tranx(found)["status"] == "SUCCESS"
    assert sandbox.balance() == Decimal(50000) - 2 * Decimal("98.5")


@pytest.mark.anyio
async def test_delay_fault_outlasts_a_client_deadline_after_processing() -> None:
    sandbox = DancitySandbox()
    sandbox.fail_next("delay", delay=30)
    async with client(sandbox) as http:
        with anyio.move_on_after(0.2) as scope:
            await buy(http, sandbox)
    assert scope.cancelled_caught
    assert len(sandbox.transactions) == 1
    assert sandbox.balance() == Decimal(50000) - Decimal("98.5")


@pytest.mark.anyio
async def test_short_delay_fault_still_answers() -> None:
    sandbox = DancitySandbox()
    sandbox.fail_next("delay", delay=0.05)
    async with client(sandbox) as http:
        started = time.monotonic()
        response = await buy(http, sandbox)
    assert time.monotonic() - started >= 0.05
    assert tranx(response)["status"] == "SUCCESS"


@pytest.mark.anyio
async def test_drop_fault_is_a_transport_error_after_processing() -> None:
    sandbox = DancitySandbox()
    sandbox.fail_next("drop")
    async with client(sandbox) as http:
        with pytest.raises(httpx.TransportError) as caught:
            await buy(http, sandbox, customerRef="DROP-1")
        after = await http.get(f"{G1}/transactions/DROP-1", headers=key(sandbox))
    assert isinstance(caught.value, DroppedConnectionError)
    assert caught.value.request.method == "POST"
    assert tranx(after)["customerRef"] == "DROP-1"


@pytest.mark.anyio
async def test_rejected_purchase_does_not_consume_the_fault() -> None:
    sandbox = DancitySandbox()
    sandbox.fail_next("server_error")
    async with client(sandbox) as http:
        rejected = await buy(http, sandbox, amount=1)
        read = await http.get(f"{G1}/wallet", headers=key(sandbox))
        hit = await buy(http, sandbox)
    assert rejected.status_code == 400
    assert read.status_code == 200
    assert hit.status_code == 500


@pytest.mark.anyio
async def test_faults_can_be_queued_over_http() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        queued = await http.post("/_sandbox/faults", json={"kind": "server_error"})
        hit = await buy(http, sandbox, G3)
        bad = await http.post("/_sandbox/faults", json={"kind": "explode"})
    assert queued.json()["data"] == {"kind": "server_error", "delay": 30.0}
    assert hit.status_code == 500
    assert bad.status_code == 400


def test_fail_next_rejects_unknown_kinds() -> None:
    sandbox = DancitySandbox()
    with pytest.raises(ValueError, match="kind"):
        sandbox.fail_next("explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        sandbox.fail_next("delay", delay=-1)


# --- webhooks -----------------------------------------------------------------------------


def _verify(secret: str, body: bytes, signature: str) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@pytest.mark.anyio
async def test_deliveries_are_signed_over_the_exact_body() -> None:
    clock = FakeClock()
    sandbox = DancitySandbox(clock=clock)
    async with client(sandbox) as http:
        record = tranx(await buy(http, sandbox, customerRef="HOOK-1"))
    debit, success = sandbox.deliveries
    for delivery in (debit, success):
        assert delivery.url is None
        assert delivery.status is None
        assert re.fullmatch(r"[0-9a-f]{64}", delivery.signature)
        assert _verify(sandbox.webhook_secret, delivery.body, delivery.signature)
        assert not _verify(sandbox.webhook_secret, delivery.body + b" ", delivery.signature)
    payload = json.loads(success.body)
    assert payload == {
        "event": "transaction.success",
        "timestamp": "2026-05-28T20:26:40.000Z",
        "data": {
            "transactionId": record["tranxId"],
            "type": "AIRTIME",
            "status": "success",
            "amount": 100,
            "currency": "NGN",
            "phone": "08012345678",
            "reference": "HOOK-1",
            "createdAt": record["createdAt"],
        },
    }
    assert debit.event == "wallet.debited"
    assert at(debit.payload, "data", "amount") == 98.5


@pytest.mark.anyio
async def test_reference_falls_back_to_the_tranx_id() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        record = tranx(await buy(http, sandbox, G3))
    assert at(sandbox.deliveries[-1].payload, "data", "reference") == record["tranxId"]


@pytest.mark.anyio
async def test_deliveries_are_posted_through_the_transport() -> None:
    received: list[httpx.Request] = []

    async def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200)

    sandbox = DancitySandbox(
        webhook_url="https://merchant.example/hooks/dancity",
        webhook_transport=httpx.MockTransport(receiver),
    )
    async with client(sandbox) as http:
        tranx(await buy(http, sandbox))
    assert len(received) == 2
    for request, delivery in zip(received, sandbox.deliveries, strict=True):
        assert str(request.url) == "https://merchant.example/hooks/dancity"
        assert request.method == "POST"
        assert request.content == delivery.body
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["X-Dancity-Signature"] == delivery.signature
        assert _verify(
            sandbox.webhook_secret, request.content, request.headers["X-Dancity-Signature"]
        )
        assert delivery.status == 200


@pytest.mark.anyio
async def test_a_failing_receiver_never_fails_the_purchase() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def crash(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    for handler, status in ((refuse, None), (crash, 503)):
        sandbox = DancitySandbox(
            webhook_url="https://merchant.example/hook",
            webhook_transport=httpx.MockTransport(handler),
        )
        async with client(sandbox) as http:
            response = await buy(http, sandbox)
        assert tranx(response)["status"] == "SUCCESS"
        assert [delivery.status for delivery in sandbox.deliveries] == [status, status]


@pytest.mark.anyio
async def test_deliveries_are_listed_over_http() -> None:
    sandbox = DancitySandbox()
    async with client(sandbox) as http:
        await buy(http, sandbox, phone="08010000000")
        listed = (await http.get("/_sandbox/deliveries")).json()["data"]
    (delivery,) = sandbox.deliveries
    assert listed == [
        {
            "url": None,
            "body": delivery.body.decode(),
            "signature": delivery.signature,
            "status": None,
        }
    ]
