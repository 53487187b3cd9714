"""Request building, validation before I/O, both docs generations and both error shapes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dancity_sdk import (
    APIStatusError,
    AsyncDancityClient,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    InvalidInputError,
    InvalidInputTypeError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ResponseValidationError,
    RetryPolicy,
    TransactionStatus,
)

KEY = "dcy_live_" + "ab" * 20
G1 = "2026-04-27"  # /api/external/v1, PIN in every buy body
G3 = "2026-05-31"  # /api/v1
RECORD = {
    "_id": "6a1c3ba6f269d84e04f098cc",
    "tranxId": "DNTY174825YP565I",
    "status": "FAILED",
    "amount": 100,
    "amountPaid": Decimal("98.5"),
    "customerRef": "",
}
Responder = Callable[[httpx.Request], httpx.Response]


def envelope(data: Any) -> httpx.Response:
    text = json.dumps({"success": True, "message": "ok", "data": data}, default=str)
    return httpx.Response(200, content=text.replace('"98.5"', "98.5").encode())


class Recorder:
    def __init__(self, responder: Responder | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self._responder = responder or (lambda _: envelope(RECORD))
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._responder(request)

    def body(self, index: int = -1) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.requests[index].content, parse_float=Decimal)
        return decoded


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def client(recorder: Recorder, version: str = G1, **kwargs: Any) -> AsyncDancityClient:
    http = httpx.AsyncClient(transport=recorder.transport)
    retry = kwargs.pop("retry", RetryPolicy(initial_backoff=0.001, max_backoff=0.002))
    return AsyncDancityClient(KEY, http_client=http, api_version=version, retry=retry, **kwargs)


AIRTIME: dict[str, Any] = {
    "product": "MTN Airtime",
    "phone": "08012345678",
    "amount": 200,
    "pin": "9753",
}
INVALID_CALLS: list[tuple[str, str, dict[str, Any], type[Exception], str]] = [
    ("airtime", "buy", {**AIRTIME, "phone": "8012345678"}, InvalidInputError, "phone"),
    ("airtime", "buy", {**AIRTIME, "phone": "18012345678"}, InvalidInputError, "phone"),
    ("airtime", "buy", {**AIRTIME, "phone": "0801234567a"}, InvalidInputError, "phone"),
    ("airtime", "buy", {**AIRTIME, "phone": "+2348012345678"}, InvalidInputError, "phone"),
    ("airtime", "buy", {**AIRTIME, "phone": 8012345678}, InvalidInputTypeError, "phone"),
    ("airtime", "buy", {**AIRTIME, "amount": 49}, InvalidInputError, "amount"),
    ("airtime", "buy", {**AIRTIME, "amount": Decimal("49.99")}, InvalidInputError, "amount"),
    ("airtime", "buy", {**AIRTIME, "amount": 200.0}, InvalidInputTypeError, "amount"),
    ("airtime", "buy", {**AIRTIME, "amount": True}, InvalidInputTypeError, "amount"),
    ("airtime", "buy", {**AIRTIME, "amount": "200"}, InvalidInputTypeError, "amount"),
    ("airtime", "buy", {**AIRTIME, "amount": Decimal("NaN")}, InvalidInputError, "amount"),
    (
        "airtime",
        "buy",
        {**AIRTIME, "amount": Decimal("100.12345678901234567890")},
        InvalidInputError,
        "amount",
    ),
    ("airtime", "buy", {**AIRTIME, "pin": "12a4"}, InvalidInputError, "pin"),
    ("airtime", "buy", {**AIRTIME, "product": " "}, InvalidInputError, "product"),
    (
        "electricity",
        "buy",
        {
            "meter_number": "45012345678",
            "biller": "EKEDC",
            "amount": 499,
            "meter_type": "prepaid",
            "customer_name": "J",
            "address": "A",
            "pin": "1234",
        },
        InvalidInputError,
        "amount",
    ),
    (
        "electricity",
        "validate",
        {"meter_number": "1", "biller": "EKEDC", "amount": 1000, "meter_type": "PREPAID"},
        InvalidInputError,
        "meter_type",
    ),
    (
        "betting",
        "fund",
        {"product": "1XBET", "account_id": "1", "amount": 99, "pin": "1234"},
        InvalidInputError,
        "amount",
    ),
    (
        "education",
        "purchase",
        {"product": "WAEC", "quantity": 0, "pin": "1234"},
        InvalidInputError,
        "quantity",
    ),
    ("data", "buy", {"plan": "p", "phone": "0801", "pin": "1234"}, InvalidInputError, "phone"),
    ("airtime", "buy", {**AIRTIME, "pin": None}, InvalidInputError, "pin"),  # G1 needs it
    (
        "cable",
        "validate",
        {"smartcard_number": "1234567890", "cablename": "GOTV"},
        InvalidInputError,
        "cableplan",
    ),
    (
        "cable",
        "buy",
        {"smartcard_number": "1", "cableplan": "p", "customer_name": "J", "pin": "1234"},
        InvalidInputError,
        "cablename",
    ),
]


@pytest.mark.anyio
@pytest.mark.loop_agnostic  # refused by validation, before any I/O
@pytest.mark.parametrize(("resource", "method", "kwargs", "error", "field"), INVALID_CALLS)
async def test_invalid_input_is_refused_before_any_request(
    recorder: Recorder,
    resource: str,
    method: str,
    kwargs: dict[str, Any],
    error: type[Exception],
    field: str,
) -> None:
    dc = client(recorder)
    with pytest.raises(error) as info:
        await getattr(getattr(dc.vas, resource), method)(**kwargs)
    assert recorder.requests == []
    assert isinstance(info.value, InvalidInputError)
    assert info.value.field == field
    assert field in str(info.value)
    assert "9753" not in str(info.value)


@pytest.mark.anyio
@pytest.mark.loop_agnostic  # refused by validation, before any I/O
async def test_the_pin_never_appears_in_a_pin_error(recorder: Recorder) -> None:
    with pytest.raises(InvalidInputError) as info:
        await client(recorder).vas.airtime.buy(**{**AIRTIME, "pin": "98x76"})
    assert "98x76" not in str(info.value)


@pytest.mark.anyio
async def test_the_airtime_maximum_is_the_descriptions(recorder: Recorder) -> None:
    await client(recorder).vas.airtime.buy(**{**AIRTIME, "amount": 1000})
    assert recorder.body()["amount"] == 1000
    with pytest.raises(InvalidInputError, match="at most ₦1000") as info:
        await client(recorder).vas.airtime.buy(**{**AIRTIME, "amount": 50000})
    assert info.value.field == "amount"
    assert len(recorder.requests) == 1


@pytest.mark.anyio
async def test_optional_fields_are_sent_only_when_given(recorder: Recorder) -> None:
    dc = client(recorder, G3)
    await dc.vas.airtime.buy(product="MTN Airtime", phone="08012345678", amount=200)
    body = recorder.body()
    assert set(body) == {"product", "phone", "amount", "customerRef"}
    assert body["customerRef"].startswith("sdk-")
    assert len(body["customerRef"]) == 36
    no_pin = {k: v for k, v in AIRTIME.items() if k != "pin"}
    await dc.vas.airtime.buy(**no_pin, customer_ref="MY-REF")
    assert recorder.body() == {**no_pin, "customerRef": "MY-REF"}
    with pytest.raises(InvalidInputError, match="2026-04-27") as info:
        await dc.vas.airtime.buy(**AIRTIME)  # no PIN in the 2026-05-31 bodies
    assert info.value.field == "pin"
    assert "9753" not in str(info.value)
    assert len(recorder.requests) == 2


@pytest.mark.anyio
@pytest.mark.loop_agnostic  # refused before any I/O
@pytest.mark.parametrize(
    ("call", "refused"),
    [
        (lambda dc: dc.vas.airtime.buy(**AIRTIME, promo_code="X"), "airtime.buy() got"),
        # betting.fund takes no promocode in any generation: not one of its extras
        (
            lambda dc: dc.vas.betting.fund(product="B", account_id="1", amount=100, promocode="X"),
            "betting.fund() got",
        ),
        (lambda dc: dc.vas.education.purchase(product="WAEC", save_as_beneficiary=True), "educ"),
        (lambda dc: dc.vas.esim.purchase(package_code="NG", pinn="1234"), "esim.purchase() got"),
    ],
)
async def test_a_misspelt_or_foreign_purchase_extra_is_a_type_error_naming_the_method(
    recorder: Recorder, call: Callable[[AsyncDancityClient], Any], refused: str
) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument") as info:
        await call(client(recorder))
    assert str(info.value).startswith(f"client.vas.{refused}")
    assert "9753" not in str(info.value)
    assert recorder.requests == []


@pytest.mark.anyio
async def test_purchases_show_the_servers_customer_ref_and_keep_the_one_sent(
    recorder: Recorder,
) -> None:
    tx = await client(recorder).vas.airtime.buy(**AIRTIME, customer_ref="ORDER-1")
    assert tx.customer_ref == ""  # the record says so; the SDK does not write over it
    assert tx.sent_customer_ref == "ORDER-1"
    assert tx.status == TransactionStatus.FAILED
    assert tx.amount_paid == Decimal("98.5")


def electricity_kwargs() -> dict[str, Any]:
    return {
        "meter_number": "45012345678",
        "biller": "EKEDC",
        "amount": Decimal(1000),
        "meter_type": "prepaid",
    }


GENERATION_CASES: list[tuple[str, Callable[[AsyncDancityClient], Any], str, str, Any]] = [
    (
        G1,
        lambda dc: dc.vas.cable.validate(smartcard_number="12", cablename="DSTV", cableplan="x"),
        "GET",
        "/api/external/v1/cable/validate",
        {"smartcardNumber": "12", "cableplan": "x", "cablename": "DSTV"},
    ),
    (
        G3,
        lambda dc: dc.vas.cable.validate(smartcard_number="12", cablename="DSTV"),
        "POST",
        "/api/v1/cable/validate",
        {"smartcardNumber": "12", "cablename": "DSTV"},
    ),
    (
        G1,
        lambda dc: dc.vas.electricity.validate(**electricity_kwargs()),
        "POST",
        "/api/external/v1/electricity/validate",
        {
            "meterNumber": "45012345678",
            "billerName": "EKEDC",
            "amount": 1000,
            "meterType": "prepaid",
        },
    ),
    (
        G3,
        lambda dc: dc.vas.electricity.validate(**electricity_kwargs()),
        "POST",
        "/api/v1/electricity/validate",
        {
            "meterNumber": "45012345678",
            "billerCode": "EKEDC",
            "amount": 1000,
            "meterType": "prepaid",
        },
    ),
    (
        G1,
        lambda dc: dc.vas.electricity.buy(
            **electricity_kwargs(), customer_name="J", address="A", pin="1234", customer_ref="R"
        ),
        "POST",
        "/api/external/v1/electricity/buy",
        {
            "meterNumber": "45012345678",
            "billerName": "EKEDC",
            "amount": 1000,
            "meterType": "prepaid",
            "customerName": "J",
            "address": "A",
            "customerRef": "R",
            "pin": "1234",
        },
    ),
    (
        G3,
        lambda dc: dc.vas.electricity.buy(
            **electricity_kwargs(), customer_name="J", address="A", customer_ref="R"
        ),
        "POST",
        "/api/v1/electricity/buy",
        {
            "meterNumber": "45012345678",
            "billerCode": "EKEDC",
            "amount": 1000,
            "meterType": "prepaid",
            "customerName": "J",
            "address": "A",
            "customerRef": "R",
        },
    ),
    (
        G1,
        lambda dc: dc.vas.education.purchase(
            product="WAEC", quantity=2, pin="1234", customer_ref="R"
        ),
        "POST",
        "/api/external/v1/education-pin/purchase",
        {"product": "WAEC", "quantity": 2, "pin": "1234", "customerRef": "R"},
    ),
    (
        G3,
        lambda dc: dc.vas.education.purchase(
            product="JAMB", quantity=1, exam_number="0123456789", customer_ref="R"
        ),
        "POST",
        "/api/v1/education-pin/purchase",
        {"exam_name": "JAMB", "quantity": 1, "examNumber": "0123456789", "customerRef": "R"},
    ),
    (
        G1,
        lambda dc: dc.vas.betting.fund(
            product="1XBET", account_id="42", amount=100, pin="1234", customer_ref="R"
        ),
        "POST",
        "/api/external/v1/betting/funding",
        {
            "product": "1XBET",
            "customerIdentifier": "42",
            "amount": 100,
            "pin": "1234",
            "customerRef": "R",
        },
    ),
    (
        G3,
        lambda dc: dc.vas.betting.fund(
            product="1XBET", account_id="42", amount=100, customer_ref="R"
        ),
        "POST",
        "/api/v1/betting/funding",
        {"product": "1XBET", "account_id": "42", "amount": 100, "customerRef": "R"},
    ),
    (
        G1,
        lambda dc: dc.vas.data.buy(plan="P1", phone="08012345678", pin="1234", customer_ref="R"),
        "POST",
        "/api/external/v1/data/buy",
        {
            "plan": "P1",
            "phone": "08012345678",
            "wallettype": "main",
            "pin": "1234",
            "customerRef": "R",
        },
    ),
    (
        G3,
        lambda dc: dc.vas.data.buy(plan="P1", phone="08012345678", customer_ref="R"),
        "POST",
        "/api/v1/data/buy",
        {"plan": "P1", "phone": "08012345678", "customerRef": "R"},
    ),
    (
        G1,
        lambda dc: dc.vas.cable.buy(
            smartcard_number="12",
            cableplan="P",
            customer_name="J",
            cablename="GOTV",
            pin="1234",
            customer_ref="R",
        ),
        "POST",
        "/api/external/v1/cable/buy",
        {
            "smartcardNumber": "12",
            "cableplan": "P",
            "customerName": "J",
            "cablename": "GOTV",
            "pin": "1234",
            "customerRef": "R",
        },
    ),
    (
        G3,
        lambda dc: dc.vas.internet.buy(
            plan="iplan_001", account_id="123", phone="08012345678", customer_ref="R"
        ),
        "POST",
        "/api/v1/internet/buy",
        {"plan": "iplan_001", "accountid": "123", "phone": "08012345678", "customerRef": "R"},
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("version", "call", "method", "path", "expected"), GENERATION_CASES)
async def test_each_generation_has_its_own_paths_and_bodies(
    recorder: Recorder, version: str, call: Any, method: str, path: str, expected: Any
) -> None:
    await call(client(recorder, version))
    (request,) = recorder.requests
    assert (request.method, request.url.path) == (method, path)
    if method == "GET":
        assert dict(request.url.params) == expected
        assert not request.content
    else:
        assert recorder.body() == expected


@pytest.mark.anyio
async def test_catalog_and_list_queries(recorder: Recorder) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/services"):
            return httpx.Response(
                200, json={"message": "SUCCESS", "allServices": [{"_id": "s", "name": "DATA"}]}
            )
        if path.endswith("/products"):
            rows = [{"_id": "p", "name": "MTN Airtime", "min": 50, "max": 50000, "new": 1}]
            return httpx.Response(
                200, json={"statusCode": 200, "message": "SUCCESS", "allProduct": rows}
            )
        if "/plans/" in path:
            return httpx.Response(
                200, json={"message": "SUCCESS", "data": [{"_id": "x", "planId": "P"}]}
            )
        if path.endswith("/wallet"):
            return envelope([{"wallettype": "main", "balance": 15000.25, "currency": "NGN"}])
        pagination = {
            "page": 2,
            "limit": 1,
            "total": 5,
            "totalPages": 5,
            "hasPrevious": True,
            "hasNext": True,
        }
        return envelope({"transactions": [RECORD], "pagination": pagination})

    recorder = Recorder(answer)
    dc = client(recorder, G1)  # the generation with the most list filters
    assert (await dc.vas.catalog.services())[0].name == "DATA"
    products = await dc.vas.catalog.products(service="AIRTIME")
    assert products[0].min == 50
    assert products[0].extra == {"new": 1}
    assert (await dc.vas.catalog.data_plans(product="MTN GIFTING"))[0].plan_id == "P"
    await dc.vas.catalog.cable_plans(product="GOTV")
    await dc.vas.catalog.internet_plans(product="Spectranet", internet_id="7")
    wallets = await dc.vas.wallet.balances()
    assert wallets[0].balance == Decimal("15000.25")
    page = await dc.vas.transactions.list(
        page=2, limit=1, start_date="2025-04-01T00:00:00.000Z", status=TransactionStatus.FAILED
    )
    assert page.pagination is not None
    assert page.pagination.total_pages == 5
    assert [tx.tranx_id for tx in page] == ["DNTY174825YP565I"]
    assert len(page) == 1
    params = [dict(r.url.params) for r in recorder.requests]
    assert params[1] == {"service": "AIRTIME"}
    assert params[4] == {"product": "Spectranet", "internetid": "7"}
    assert params[-1] == {
        "page": "2",
        "limit": "1",
        "start_date": "2025-04-01T00:00:00.000Z",
        "status": "FAILED",
    }


@pytest.mark.anyio
@pytest.mark.loop_agnostic  # refused before any I/O
async def test_a_filter_a_listing_does_not_take_is_a_type_error_naming_the_method(
    recorder: Recorder,
) -> None:
    dc = client(recorder, G1)
    with pytest.raises(TypeError) as info:
        await dc.vas.transactions.list(statuss="FAILED")  # type: ignore[call-arg]
    assert str(info.value) == (
        "client.vas.transactions.list() got an unexpected keyword argument 'statuss'; "
        "did you mean 'status'?"
    )
    with pytest.raises(TypeError, match=r"^client\.app\.transactions\.iterate\(\) .*'is_bulk'"):
        dc.app.transactions.iterate(is_bulk=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^client\.vas\.transactions\.iterate\(\) .*'page'"):
        dc.vas.transactions.iterate(page=2)  # type: ignore[call-arg]
    with pytest.raises(InvalidInputError, match="2026-04-27") as refused:
        await client(recorder, G3).vas.transactions.list(use_filter=True)
    assert refused.value.field == "use_filter"
    assert recorder.requests == []


@pytest.mark.anyio
@pytest.mark.loop_agnostic  # refused by validation, before any I/O
async def test_naive_datetimes_are_refused(recorder: Recorder) -> None:
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        await client(recorder).vas.transactions.list(start_date=datetime(2025, 1, 1))  # noqa: DTZ001
    assert recorder.requests == []


# --- errors ------------------------------------------------------------------------------------


def failing(status: int, body: dict[str, Any]) -> Recorder:
    return Recorder(lambda _: httpx.Response(status, json=body))


@pytest.mark.anyio
async def test_nest_error_with_a_list_of_messages_keeps_the_list() -> None:
    messages = ["phone must be 11 digits", "amount must not be less than 50"]
    recorder = failing(400, {"statusCode": 400, "message": messages, "error": "Bad Request"})
    with pytest.raises(BadRequestError) as info:
        await client(recorder).vas.airtime.buy(**AIRTIME)
    error = info.value
    assert error.api_message == "phone must be 11 digits; amount must not be less than 50"
    assert error.messages == tuple(messages)
    assert error.code == "Bad Request"
    assert len(recorder.requests) == 1


@pytest.mark.anyio
async def test_envelope_error_shape_maps_to_the_typed_tree() -> None:
    recorder = failing(
        404, {"success": False, "message": "Transaction not found", "statusCode": 404}
    )
    with pytest.raises(NotFoundError) as info:
        await client(recorder).vas.transactions.get("DNTY0000")
    assert info.value.api_message == "Transaction not found"
    assert info.value.messages == ("Transaction not found",)


@pytest.mark.anyio
async def test_success_false_inside_a_200_raises_with_the_body_status() -> None:
    body = {"success": False, "message": "Insufficient wallet balance", "statusCode": 402}
    recorder = Recorder(lambda _: httpx.Response(200, json=body))
    with pytest.raises(APIStatusError) as info:
        await client(recorder).vas.airtime.buy(**AIRTIME)
    assert info.value.status_code == 402
    body = {"success": False, "message": "Tier 3 only", "statusCode": 403}
    recorder = Recorder(lambda _: httpx.Response(200, json=body))
    with pytest.raises(PermissionDeniedError, match="Tier 3"):
        await client(recorder).vas.wallet.balances()
    recorder = Recorder(lambda _: httpx.Response(200, json={"success": False, "message": "no"}))
    with pytest.raises(BadRequestError, match="no"):
        await client(recorder).vas.wallet.balances()


@pytest.mark.anyio
async def test_401_lists_every_documented_cause() -> None:
    recorder = failing(401, {"statusCode": 401, "message": "Missing API key"})
    with pytest.raises(AuthenticationError) as info:
        await client(recorder).vas.wallet.balances()
    text = str(info.value)
    for cause in ("JWT", "channel: API", "allowlist", "regenerat"):
        assert cause in text
    assert KEY not in text


@pytest.mark.anyio
async def test_failed_inside_a_200_is_a_transaction_not_an_exception(recorder: Recorder) -> None:
    tx = await client(recorder).vas.airtime.buy(**AIRTIME)
    assert tx.failed
    assert not tx.succeeded
    assert not tx.pending
    assert repr(tx).startswith("Transaction(status='FAILED'")


@pytest.mark.anyio
async def test_purchases_are_not_retried_after_a_5xx_but_validations_are() -> None:
    answers: Iterator[httpx.Response] = iter(
        [
            httpx.Response(500, json={"success": False, "message": "Sorry", "statusCode": 500}),
            envelope({"customerName": "John Doe"}),
        ]
    )
    recorder = Recorder(lambda _: next(answers))
    dc = client(recorder, G3)
    validation = await dc.vas.cable.validate(smartcard_number="1", cablename="DSTV")
    assert validation.customer_name == "John Doe"
    assert len(recorder.requests) == 2

    recorder = failing(500, {"success": False, "message": "Sorry", "statusCode": 500})
    with pytest.raises(OutcomeUnknownError) as info:
        await client(recorder).vas.airtime.buy(**AIRTIME, customer_ref="ORDER-9")
    assert info.value.reference == "ORDER-9"
    assert isinstance(info.value.__cause__, InternalServerError)
    assert len(recorder.requests) == 1


@pytest.mark.anyio
async def test_a_read_error_after_sending_a_purchase_is_outcome_unknown() -> None:
    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    recorder = Recorder(reset)
    with pytest.raises(OutcomeUnknownError) as info:
        await client(recorder).vas.airtime.buy(**AIRTIME)
    assert info.value.reference is not None
    assert info.value.reference.startswith("sdk-")
    assert len(recorder.requests) == 1


@pytest.mark.anyio
async def test_a_malformed_success_body_is_a_response_validation_error() -> None:
    recorder = Recorder(lambda _: httpx.Response(200, json={"success": True, "message": "?"}))
    with pytest.raises(ResponseValidationError, match="data"):
        await client(recorder).vas.transactions.get("X")
    recorder = Recorder(lambda _: envelope({"amount": "lots"}))
    with pytest.raises(ResponseValidationError, match="Transaction"):
        await client(recorder).vas.transactions.get("X")


@pytest.mark.anyio
async def test_rate_limit_headers_reach_results_errors_and_the_client() -> None:
    headers = {
        "X-RateLimit-Limit": "120",
        "X-RateLimit-Remaining": "7",
        "X-RateLimit-Reset": "1900000000",
    }
    recorder = Recorder(
        lambda _: httpx.Response(200, json={"success": True, "data": {}}, headers=headers)
    )
    dc = client(recorder)
    tx = await dc.vas.transactions.get("X")
    assert tx.status == ""
    assert not tx.succeeded
    assert not tx.failed
    assert not tx.pending
    assert tx.rate_limit is not None
    assert tx.rate_limit.remaining == 7
    assert dc.last_rate_limit is not None
    assert dc.last_rate_limit.limit == 120
    body = {"statusCode": 400, "message": "bad", "error": "Bad Request"}
    recorder = Recorder(lambda _: httpx.Response(400, json=body, headers=headers))
    with pytest.raises(BadRequestError) as info:
        await client(recorder).vas.transactions.get("X")
    assert info.value.rate_limit is not None
    assert info.value.rate_limit.remaining == 7
