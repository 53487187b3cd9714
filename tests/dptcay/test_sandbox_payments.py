"""The dptcay sandbox: payments, their lifecycle and expiry, refunds, and currencies."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dptcay_sdk.testing import DptcaySandbox, ManualClock, SandboxError

PAYMENT_FIELDS = {
    "id",
    "object",
    "status",
    "amount",
    "currency",
    "network",
    "wallet_address",
    "amount_received",
    "confirmations",
    "required_confirmations",
    "order_id",
    "metadata",
    "description",
    "expires_at",
    "created_at",
}
ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def api(sb: DptcaySandbox, key: str | None = None) -> httpx.AsyncClient:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sb.app), base_url=sb.base_url, headers=headers
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sb(clock: ManualClock) -> DptcaySandbox:
    return DptcaySandbox(clock=clock, wall_clock=clock)


async def create(sb: DptcaySandbox, **body: Any) -> dict[str, Any]:
    async with api(sb, sb.write_key) as http:
        response = await http.post("/payments/create", json=body)
    assert response.status_code == 200, response.text
    payment: dict[str, Any] = response.json()
    return payment


async def completed(sb: DptcaySandbox, amount: str = "100.00") -> dict[str, Any]:
    payment = await create(sb, amount=amount, currency="USDC")
    return sb.transition_payment(payment["id"], "completed")


async def refund(sb: DptcaySandbox, **body: Any) -> httpx.Response:
    async with api(sb, sb.write_key) as http:
        return await http.post("/refunds", json=body)


async def move(sb: DptcaySandbox, payment_id: str, status: object) -> httpx.Response:
    async with api(sb, sb.read_key) as http:
        return await http.post(
            f"/_sandbox/payments/{payment_id}/transition", json={"status": status}
        )


# --- create and read ------------------------------------------------------------------


@pytest.mark.anyio
async def test_create_payment_returns_the_contract_object(sb: DptcaySandbox) -> None:
    payment = await create(
        sb,
        amount="125.50",
        currency="USDC",
        order_id="A-1",
        metadata={"order": "A-1"},
        description="Two mugs",
    )
    assert set(payment) == PAYMENT_FIELDS
    assert re.fullmatch(r"pay_[A-Za-z0-9]{24}", payment["id"])
    assert payment["object"] == "payment"
    assert payment["status"] == "pending"
    assert payment["amount"] == "125.50"
    assert (payment["currency"], payment["network"]) == ("USDC", "ethereum")
    assert re.fullmatch(r"0x[0-9a-f]{40}", payment["wallet_address"])
    assert payment["amount_received"] == "0"
    assert payment["confirmations"] == 0
    assert payment["required_confirmations"] == 12
    assert payment["order_id"] == "A-1"
    assert payment["metadata"] == {"order": "A-1"}
    assert payment["description"] == "Two mugs"
    assert payment["created_at"] == "2027-01-15T08:00:00Z"
    assert payment["expires_at"] == "2027-01-15T08:15:00Z"  # default expires_in: 900 s


@pytest.mark.anyio
async def test_optional_fields_default_to_null_and_empty(sb: DptcaySandbox) -> None:
    payment = await create(sb, amount="0.5", currency="ETH", expires_in=60)
    assert payment["order_id"] is None
    assert payment["description"] is None
    assert payment["metadata"] == {}
    assert payment["expires_at"] == "2027-01-15T08:01:00Z"


@pytest.mark.parametrize(
    ("currency", "network", "address", "confirmations"),
    [
        ("BTC", None, r"bc1q[02-9ac-hj-np-z]{38}", 2),
        ("LTC", None, r"ltc1q[02-9ac-hj-np-z]{38}", 6),
        ("SOL", None, r"[1-9A-HJ-NP-Za-km-z]{44}", 32),
        ("USDC", "polygon", r"0x[0-9a-f]{40}", 64),
        ("USDT", "tron", r"T[1-9A-HJ-NP-Za-km-z]{33}", 20),
    ],
)
@pytest.mark.anyio
async def test_wallet_addresses_fit_the_network(
    sb: DptcaySandbox, currency: str, network: str | None, address: str, confirmations: int
) -> None:
    body: dict[str, Any] = {"amount": "1", "currency": currency}
    if network is not None:
        body["network"] = network
    payment = await create(sb, **body)
    assert re.fullmatch(address, payment["wallet_address"])
    assert payment["required_confirmations"] == confirmations
    assert payment["network"] == (network or payment["network"])


@pytest.mark.anyio
async def test_get_payment_and_unknown_payment(sb: DptcaySandbox) -> None:
    payment = await create(sb, amount="1", currency="BTC")
    async with api(sb, sb.read_key) as http:
        fetched = await http.get(f"/payments/{payment['id']}")
        missing = await http.get("/payments/pay_x")
    assert fetched.json() == payment
    assert sb.get_payment(payment["id"]) == payment
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"code": "resource_missing", "message": "No such payment: pay_x"}
    }


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"currency": "USDC"}, "amount is required"),
        ({"amount": 10, "currency": "USDC"}, "decimal string"),
        ({"amount": 10.5, "currency": "USDC"}, "decimal string"),
        ({"amount": "0", "currency": "USDC"}, "greater than 0"),
        ({"amount": "0.000", "currency": "USDC"}, "greater than 0"),
        ({"amount": "-1", "currency": "USDC"}, "decimal string"),
        ({"amount": "1e3", "currency": "USDC"}, "decimal string"),
        ({"amount": "NaN", "currency": "USDC"}, "decimal string"),
        ({"amount": "1"}, "currency is required"),
        ({"amount": "1", "currency": "DOGE"}, "Unsupported currency 'DOGE'"),
        ({"amount": "1", "currency": "btc"}, "Unsupported currency"),
        ({"amount": "1", "currency": "BTC", "network": "ethereum"}, "not offered on network"),
        ({"amount": "0.000000001", "currency": "BTC"}, "more than 8 decimal places"),
        ({"amount": "1", "currency": "USDC", "amout": "1"}, "Unknown field(s): amout"),
        ({"amount": "1", "currency": "USDC", "metadata": {"n": 1}}, "metadata"),
        ({"amount": "1", "currency": "USDC", "metadata": ["a"]}, "metadata"),
        ({"amount": "1", "currency": "USDC", "expires_in": True}, "expires_in"),
        ({"amount": "1", "currency": "USDC", "expires_in": 0}, "expires_in"),
        ({"amount": "1", "currency": "USDC", "expires_in": "900"}, "expires_in"),
        ({"amount": "1", "currency": "USDC", "order_id": ""}, "order_id"),
        ({"amount": "1", "currency": "USDC", "description": "x" * 501}, "at most 500"),
    ],
)
@pytest.mark.anyio
async def test_create_payment_validation_is_400(
    sb: DptcaySandbox, body: dict[str, Any], fragment: str
) -> None:
    async with api(sb, sb.write_key) as http:
        response = await http.post("/payments/create", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert fragment in error["message"]


@pytest.mark.anyio
async def test_small_amounts_render_without_scientific_notation(sb: DptcaySandbox) -> None:
    payment = await create(sb, amount="0.00000001", currency="BTC")
    assert payment["amount"] == "0.00000001"


# --- lifecycle ------------------------------------------------------------------------


@pytest.mark.anyio
async def test_pending_payment_reads_back_expired_after_expires_at(
    sb: DptcaySandbox, clock: ManualClock
) -> None:
    payment = await create(sb, amount="1", currency="USDC", expires_in=60)
    clock.advance(59)
    assert sb.get_payment(payment["id"])["status"] == "pending"
    clock.advance(1)
    async with api(sb, sb.read_key) as http:
        fetched = (await http.get(f"/payments/{payment['id']}")).json()
    assert fetched["status"] == "expired"
    conflict = await move(sb, payment["id"], "completed")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "invalid_state"


@pytest.mark.anyio
async def test_confirming_payments_do_not_expire(sb: DptcaySandbox, clock: ManualClock) -> None:
    payment = await create(sb, amount="1", currency="USDC", expires_in=60)
    sb.transition_payment(payment["id"], "confirming")
    clock.advance(3600)
    assert sb.get_payment(payment["id"])["status"] == "confirming"


@pytest.mark.anyio
async def test_control_route_walks_the_lifecycle(sb: DptcaySandbox) -> None:
    payment = await create(sb, amount="125.50", currency="USDC")
    confirming = await move(sb, payment["id"], "confirming")
    assert confirming.status_code == 200
    assert confirming.json()["status"] == "confirming"
    assert confirming.json()["amount_received"] == "125.50"
    assert 0 < confirming.json()["confirmations"] < 12
    done = (await move(sb, payment["id"], "completed")).json()
    assert done["status"] == "completed"
    assert done["amount_received"] == "125.50"
    assert done["confirmations"] == done["required_confirmations"] == 12
    assert sb.get_payment(payment["id"]) == done
    backwards = await move(sb, payment["id"], "failed")
    assert backwards.status_code == 409
    assert "cannot move from completed to failed" in backwards.json()["error"]["message"]


@pytest.mark.anyio
async def test_completed_from_pending_passes_through_confirming(sb: DptcaySandbox) -> None:
    payment = await create(sb, amount="2", currency="BTC")
    done = sb.transition_payment(payment["id"], "completed")
    assert (done["status"], done["confirmations"], done["amount_received"]) == (
        "completed",
        2,
        "2",
    )


@pytest.mark.parametrize(("first", "then"), [("failed", "completed"), ("expired", "confirming")])
@pytest.mark.anyio
async def test_terminal_states_refuse_further_moves(
    sb: DptcaySandbox, first: str, then: str
) -> None:
    payment = await create(sb, amount="1", currency="USDC")
    assert sb.transition_payment(payment["id"], first)["status"] == first
    with pytest.raises(SandboxError) as raised:
        sb.transition_payment(payment["id"], then)
    assert raised.value.status == 409
    assert raised.value.code == "invalid_state"


@pytest.mark.parametrize(
    ("status", "code"), [("refunded", 400), ("pending", 400), (7, 400), ("completed", 404)]
)
@pytest.mark.anyio
async def test_control_route_rejects_bad_targets_and_unknown_payments(
    sb: DptcaySandbox, status: object, code: int
) -> None:
    payment = await create(sb, amount="1", currency="USDC")
    target = "pay_unknown" if code == 404 else payment["id"]
    response = await move(sb, target, status)
    assert response.status_code == code
    assert sb.get_payment(payment["id"])["status"] == "pending"


# --- refunds --------------------------------------------------------------------------


@pytest.mark.anyio
async def test_partial_then_remainder_refunds(sb: DptcaySandbox) -> None:
    payment = await completed(sb, "100.00")
    first = await refund(sb, payment_id=payment["id"], amount="30", reason="damaged")
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {
        "id",
        "object",
        "payment_id",
        "amount",
        "currency",
        "status",
        "to_address",
        "created_at",
    }
    assert re.fullmatch(r"ref_[A-Za-z0-9]{24}", body["id"])
    assert (body["object"], body["payment_id"], body["amount"], body["currency"]) == (
        "refund",
        payment["id"],
        "30",
        "USDC",
    )
    assert body["status"] == "pending"
    assert re.fullmatch(r"0x[0-9a-f]{40}", body["to_address"])
    assert body["to_address"] != payment["wallet_address"]  # back to the sender
    assert ISO_Z.fullmatch(body["created_at"])
    assert sb.get_payment(payment["id"])["status"] == "partially_refunded"

    rest = (await refund(sb, payment_id=payment["id"])).json()
    assert rest["amount"] == "70.00"
    assert rest["to_address"] == body["to_address"]
    assert sb.get_payment(payment["id"])["status"] == "refunded"

    again = await refund(sb, payment_id=payment["id"], amount="1")
    assert again.status_code == 400
    assert "refunded" in again.json()["error"]["message"]


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [
        ("100.01", "exceeds the refundable remainder 100.00"),
        ("0", "greater than 0"),
        (5, "decimal string"),
        ("0.0000001", "more than 6 decimal places"),
    ],
)
@pytest.mark.anyio
async def test_refund_amount_rules(sb: DptcaySandbox, amount: object, fragment: str) -> None:
    payment = await completed(sb, "100.00")
    response = await refund(sb, payment_id=payment["id"], amount=amount)
    assert response.status_code == 400
    assert fragment in response.json()["error"]["message"]
    assert sb.get_payment(payment["id"])["status"] == "completed"


@pytest.mark.anyio
async def test_refund_above_remainder_after_partial(sb: DptcaySandbox) -> None:
    payment = await completed(sb, "10")
    assert (await refund(sb, payment_id=payment["id"], amount="4")).status_code == 200
    response = await refund(sb, payment_id=payment["id"], amount="6.01")
    assert response.status_code == 400
    assert "remainder 6" in response.json()["error"]["message"]
    assert (await refund(sb, payment_id=payment["id"], amount="6")).status_code == 200


@pytest.mark.parametrize("status", ["pending", "confirming", "failed", "expired"])
@pytest.mark.anyio
async def test_only_completed_payments_can_be_refunded(sb: DptcaySandbox, status: str) -> None:
    payment = await create(sb, amount="1", currency="USDC")
    if status != "pending":
        sb.transition_payment(payment["id"], status)
    response = await refund(sb, payment_id=payment["id"])
    assert response.status_code == 400
    assert f"is {status}" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"payment_id": "pay_nope"}, 404), ({"payment_id": "x", "extra": 1}, 400)],
)
@pytest.mark.anyio
async def test_refund_request_errors(sb: DptcaySandbox, body: dict[str, Any], status: int) -> None:
    response = await refund(sb, **body)
    assert response.status_code == status


@pytest.mark.anyio
async def test_failed_refund_frees_its_amount(sb: DptcaySandbox) -> None:
    payment = await completed(sb, "50")
    whole = (await refund(sb, payment_id=payment["id"])).json()
    assert sb.get_payment(payment["id"])["status"] == "refunded"
    async with api(sb, sb.write_key) as http:
        response = await http.post(
            f"/_sandbox/refunds/{whole['id']}/transition", json={"status": "failed"}
        )
    assert response.json()["status"] == "failed"
    assert sb.get_payment(payment["id"])["status"] == "completed"
    half = (await refund(sb, payment_id=payment["id"], amount="25")).json()
    assert sb.transition_refund(half["id"], "completed")["status"] == "completed"
    assert sb.get_refund(half["id"])["status"] == "completed"
    assert sb.get_payment(payment["id"])["status"] == "partially_refunded"
    with pytest.raises(SandboxError) as raised:
        sb.transition_refund(half["id"], "failed")
    assert raised.value.status == 409


# --- currencies -----------------------------------------------------------------------


@pytest.mark.anyio
async def test_currencies_list(sb: DptcaySandbox) -> None:
    async with api(sb, sb.read_key) as http:
        response = await http.get("/currencies")
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    pairs = {(c["code"], c["network"]) for c in body["data"]}
    assert {
        ("BTC", "bitcoin"),
        ("ETH", "ethereum"),
        ("USDC", "ethereum"),
        ("USDC", "polygon"),
        ("SOL", "solana"),
        ("LTC", "litecoin"),
    } <= pairs
    assert "USDT" in {code for code, _ in pairs}
    for currency in body["data"]:
        assert set(currency) == {
            "code",
            "name",
            "network",
            "exchange_rate",
            "rate_currency",
            "network_fee",
            "confirmations_required",
            "decimals",
        }
        assert Decimal(currency["exchange_rate"]) > 0
        assert Decimal(currency["network_fee"]) > 0
        assert isinstance(currency["exchange_rate"], str)
        assert currency["rate_currency"] == "USD"
        assert isinstance(currency["confirmations_required"], int)
    btc = next(c for c in body["data"] if c["code"] == "BTC")
    assert (btc["decimals"], btc["confirmations_required"]) == (8, 2)
    assert Decimal(btc["exchange_rate"]) > 10_000


@pytest.mark.anyio
async def test_empty_body_and_oversized_metadata_are_400(sb: DptcaySandbox) -> None:
    metadata = {f"k{i}": "v" for i in range(51)}
    async with api(sb, sb.write_key) as http:
        empty = await http.post("/payments/create")
        crowded = await http.post(
            "/payments/create", json={"amount": "1", "currency": "USDC", "metadata": metadata}
        )
    assert empty.status_code == 400
    assert empty.json()["error"]["message"] == "amount is required"
    assert crowded.status_code == 400
    assert "at most 50 keys" in crowded.json()["error"]["message"]


@pytest.mark.anyio
async def test_unknown_refund_is_404(sb: DptcaySandbox) -> None:
    async with api(sb, sb.write_key) as http:
        response = await http.post("/_sandbox/refunds/ref_x/transition", json={"status": "failed"})
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "resource_missing", "message": "No such refund: ref_x"}
    }
