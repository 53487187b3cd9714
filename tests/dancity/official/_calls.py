"""One SDK call per operation, and a client whose transport records what it sends.

The arguments come in two sets: the ones each call always needs, and a sample value for
every optional argument any generation declares. A test sends either the minimum the
selected generation requires, or everything it declares.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import attrs
import httpx

from dancity_sdk import AsyncDancityClient, RetryPolicy
from dancity_sdk._spec import GENERATIONS, Operation
from tests.dancity.official import _official

KEY: Final = "dcy_live_" + "ab" * 20
JWT: Final = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl"


@attrs.frozen
class Call:
    """How to reach one operation from the client: ``client.vas.<path>(*args, **kwargs)``."""

    operation: str
    path: str
    args: tuple[object, ...] = ()
    kwargs: dict[str, object] = attrs.field(factory=dict)
    label: str = ""

    @property
    def id(self) -> str:
        return self.operation + (f"[{self.label}]" if self.label else "")


_ELECTRICITY: Final = {
    "meter_number": "45012345678",
    "biller": "EKEDC",
    "amount": Decimal(2000),
    "meter_type": "prepaid",
}

CALLS: Final = (
    Call("wallet.list", "wallet.balances"),
    Call("wallet.get", "wallet.get", ("59ea65qqqqqxxxxx45zzzz7111",)),
    Call("services.list", "catalog.services"),
    Call("services.get", "catalog.service", ("66d1ccc630a43475d74bde4d",)),
    Call("products.list", "catalog.products"),
    Call("products.get", "catalog.product", ("68d846303d56536a80047ad1",)),
    Call("plans.data", "catalog.data_plans"),
    Call("plans.cable", "catalog.cable_plans"),
    Call("plans.internet", "catalog.internet_plans"),
    Call("transactions.list", "transactions.list"),
    Call("transactions.get", "transactions.get", ("DNTY8374056F678V",)),
    Call(
        "cable.validate",
        "cable.validate",
        kwargs={"smartcard_number": "1234567890", "cablename": "DSTV"},
    ),
    Call("electricity.validate", "electricity.validate", kwargs=_ELECTRICITY),
    Call(
        "validate",
        "validation.cable",
        kwargs={"smartcard_number": "1234567890", "cablename": "DSTV"},
        label="cable",
    ),
    Call("validate", "validation.electricity", kwargs=_ELECTRICITY, label="electricity"),
    Call(
        "education.validate_product",
        "education.validate_product",
        kwargs={"product": "WAEC Result Checker", "quantity": 2},
    ),
    Call(
        "airtime.buy",
        "airtime.buy",
        kwargs={"product": "MTN Airtime", "phone": "08012345678", "amount": Decimal(200)},
    ),
    Call("data.buy", "data.buy", kwargs={"plan": "40MB_MTN_GIFTING_1Day", "phone": "08012345678"}),
    Call(
        "cable.buy",
        "cable.buy",
        kwargs={
            "smartcard_number": "1234567890",
            "cableplan": "GOtv_Max",
            "customer_name": "John Doe",
        },
    ),
    Call(
        "electricity.buy",
        "electricity.buy",
        kwargs={**_ELECTRICITY, "customer_name": "Jane Doe", "address": "12 Lekki Phase 1"},
    ),
    Call(
        "internet.buy",
        "internet.buy",
        kwargs={"plan": "iplan_001", "account_id": "ACC-1", "phone": "08012345678"},
    ),
    Call(
        "betting.fund",
        "betting.fund",
        kwargs={"product": "SportyBet", "account_id": "12345678", "amount": Decimal(1000)},
    ),
    Call(
        "education.purchase",
        "education.purchase",
        kwargs={"product": "WAEC Result Checker", "quantity": 1},
    ),
    Call("esim.regions", "esim.regions"),
    Call("esim.packages", "esim.packages", kwargs={"region_code": "NG"}),
    Call("esim.topup_packages", "esim.topup_packages", kwargs={"iccid": "8960000000000000001"}),
    Call("esim.purchase", "esim.purchase", kwargs={"package_code": "NG-1GB-30D"}),
    Call("esim.my_esims", "esim.my_esims"),
    Call("esim.details", "esim.details", ("6a1c50347d0125d168aa32da",)),
    Call("cards.list", "cards.list"),
    Call("cards.create", "cards.create"),
    Call("cards.exchange_rate", "cards.exchange_rate"),
    Call("cards.transactions", "cards.transactions", ("card_abc123",)),
    Call(
        "cards.fund", "cards.fund", ("card_abc123",), {"amount": Decimal("10.5"), "action": "fund"}
    ),
    Call("cards.get", "cards.get", ("card_abc123",)),
    Call("cards.update", "cards.update", ("card_abc123",), {"status": "frozen"}),
)

#: A valid value for every optional argument any generation declares.
SAMPLES: Final[dict[str, object]] = {
    "customer_ref": "ORDER-1",
    "pin": "12345",
    "promocode": "PROMO10",
    "save_as_beneficiary": True,
    "beneficiary_name": "Ada",
    "device_key": "device-1",
    "wallettype": "main",
    "cableplan": "GOtv_Max",
    "cablename": "GOTV",
    "biller": "EKEDC",
    "biller_id": "66e0c7670f79621083603b24",
    "exam_number": "0123456789",
    "iccid": "8960000000000000001",
    "region_type": "country",
    "package_type": "BASE",
    "region_kind": 1,
    "page": 1,
    "limit": 10,
    "start_date": datetime(2026, 5, 1, tzinfo=UTC),
    "end_date": datetime(2026, 5, 31, tzinfo=UTC),
    "service": "DATA",
    "status": "SUCCESS",
    "tranx_type": "DEBIT",
    "query": "MTN",
    "use_filter": True,
    "is_bulk": False,
    "name": "DATA",
    "service_id": "66d1ccc630a43475d74bde4d",
    "disable": False,
    "display_on_menu": True,
    "is_utility": False,
    "product_id": "68d846303d56536a80047ad1",
    "plan_id": "40MB_MTN_GIFTING_1Day",
    "is_hot_deal": True,
    "is_bucket_plan": False,
    "cable_plan_id": "GOtv_Max",
    "internet_id": "iplan_001",
    "action": "FILTER",
    "product": "MTN GIFTING",
}


def method_of(client: AsyncDancityClient, call: Call) -> Callable[..., Awaitable[Any]]:
    target: Any = client.vas
    for part in call.path.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def keywords_of(method: Callable[..., object]) -> set[str]:
    """The keyword-only arguments ``method`` takes, those of its ``**x: Unpack[Record]`` too."""
    import inspect  # noqa: PLC0415

    names: set[str] = set()
    for parameter in inspect.signature(method).parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY:
            names.add(parameter.name)
        elif parameter.kind is parameter.VAR_KEYWORD:
            record_name = str(parameter.annotation).removeprefix("Unpack[").removesuffix("]")
            record = getattr(sys.modules[method.__module__], record_name)
            names |= record.__required_keys__ | record.__optional_keys__
    return names


def arguments(call: Call, op: Operation, *, full: bool) -> dict[str, object]:
    """The call's own arguments plus the required (or all) declared ones it lacks."""
    client = AsyncDancityClient(KEY)
    accepted = keywords_of(method_of(client, call))
    kwargs = dict(call.kwargs)
    for field in (*op.body_fields, *op.query_fields):
        wanted = full or (field.required and field.default is None)
        if wanted and field.arg in accepted and field.arg not in kwargs:
            kwargs[field.arg] = SAMPLES[field.arg]
    return kwargs


def calls_of(api_version: str) -> list[Call]:
    """The calls of every operation the generation declares."""
    ops = GENERATIONS[api_version].operations
    return [call for call in CALLS if call.operation in ops]


def example_body(api_version: str, op: Operation) -> Any:
    """A success body to answer with: the description's own example when it has one."""
    for version in (api_version, "2026-05-09", "2026-05-31"):
        generation = GENERATIONS[version]
        if op.name not in generation.operations:
            continue
        declared = generation.operations[op.name]
        raw = _official.operations(version).get(
            (declared.method, generation.prefix + declared.path)
        )
        for _, body in _official.success_examples(version, raw or {}):
            return body
    return {"success": True, "message": "OK", "data": {}}


class Recorder:
    """An httpx transport that answers with a fixed body and keeps every request."""

    def __init__(self, body: Any, status: int = 200) -> None:
        self.body = body
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, content=json.dumps(self.body).encode())


def client(recorder: Recorder, api_version: str) -> AsyncDancityClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return AsyncDancityClient(
        KEY,
        jwt=JWT,
        api_version=api_version,
        http_client=http,
        retry=RetryPolicy(max_retries=0),
        throttle=False,
    )
