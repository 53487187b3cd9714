"""Every official response example, fed through the SDK method that receives it, comes
back with every field as a typed attribute: money ``Decimal``, times aware ``datetime``,
nested objects as models, nothing left only in ``extra``.

The envelope around the payload (``success``, ``message``, ``statusCode``) is the
pipeline's to read; the payload is ``data``, ``allServices`` or ``allProduct``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from dancity_sdk import Plan, Transaction
from dancity_sdk._spec import API_VERSIONS, GENERATIONS
from shared_auth._models import APIObject
from tests.dancity._operations import Row, arguments, calls_of, method_of, positional
from tests.dancity.official import _official
from tests.dancity.official._calls import Recorder, client

PAYLOAD_KEYS = ("data", "allServices", "allProduct")
ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _examples() -> list[Any]:
    cases = []
    for version in API_VERSIONS:
        generation = GENERATIONS[version]
        described = _official.operations(version)
        for call in calls_of(version):
            op = generation.operations[call.operation]
            raw = described[op.method, generation.prefix + op.path]
            for name, body in _official.success_examples(version, raw):
                cases.append(pytest.param(version, call, body, id=f"{version}-{call.id}-{name}"))
    for file, (version, operation) in _official.EXAMPLE_FILES.items():
        (call,) = [c for c in calls_of(version) if c.operation == operation]
        cases.append(pytest.param(version, call, _official.example_file(file), id=file))
    return cases


EXAMPLES = _examples()


def _wire_names(cls: type[APIObject]) -> dict[str, str]:
    """Wire name → attribute, as the converter reads them."""
    from dancity_sdk._models import _camel  # noqa: PLC0415

    return {
        a.metadata.get("wire") or _camel(a.name): a.name
        for a in attrs.fields(cls)
        if a.name not in {"extra", "_reply", "sent_customer_ref"}
    }


def _rows_attribute(model: APIObject) -> str:
    return _wire_names(type(model))[type(model)._ROWS]  # type: ignore[attr-defined]


def assert_typed(sent: Any, got: Any, where: str) -> None:
    """``got`` holds every field of ``sent``, each with a Python type that fits it."""
    if isinstance(sent, dict):
        assert isinstance(got, APIObject), f"{where}: {got!r} is not a model"
        names = _wire_names(type(got))
        for key, value in sent.items():
            assert key in names, f"{where}.{key} is not an attribute of {type(got).__name__}"
            assert key not in got.extra, f"{where}.{key} landed in extra"
            assert_typed(value, getattr(got, names[key]), f"{where}.{key}")
    elif isinstance(sent, list):
        if isinstance(got, APIObject) and hasattr(type(got), "_ROWS"):
            got = getattr(got, _rows_attribute(got))  # a bare array read as a page's rows
        assert isinstance(got, tuple | list), f"{where}: {got!r} is not a sequence"
        assert len(got) == len(sent), where
        for i, (s, g) in enumerate(zip(sent, got, strict=True)):
            assert_typed(s, g, f"{where}[{i}]")
    elif sent is None:
        assert got is None, where
    elif isinstance(sent, bool):
        assert got is sent, where
    elif isinstance(sent, int | float | Decimal):
        assert isinstance(got, Decimal | int), where
        assert not isinstance(got, bool), where
        assert got == Decimal(str(sent)), where
    elif isinstance(got, datetime):
        assert got.tzinfo is not None, f"{where} is naive"
        expected = datetime.fromisoformat(sent)
        # A date or a time without an offset (``"expiry": "2027-01-01"``) is read as UTC.
        assert got == (expected if expected.tzinfo else expected.replace(tzinfo=UTC)), where
    else:
        assert isinstance(sent, str)
        assert not ISO_INSTANT.match(sent), f"{where}: a timestamp kept as str"
        assert isinstance(got, str), where
        assert got == sent, where


def _payload(body: dict[str, Any]) -> Any:
    return next(body[k] for k in PAYLOAD_KEYS if k in body)


@pytest.mark.anyio
@pytest.mark.parametrize(("api_version", "call", "body"), EXAMPLES)
async def test_every_field_of_the_example_is_a_typed_attribute(
    api_version: str, call: Row, body: dict[str, Any]
) -> None:
    op = GENERATIONS[api_version].operations[call.operation]
    recorder = Recorder(body, status=op.success_status)
    async with client(recorder, api_version) as dc:
        result = await method_of(dc, call)(*positional(call), **arguments(call, op, full=False))
    assert_typed(_payload(body), result, call.operation)
    # pages read from either shape and purchases keep the response that carried them
    assert result.response_info is not None
    assert result.response_info.status_code == op.success_status


def test_the_examples_cover_each_generation_that_publishes_them() -> None:
    counted = {v: sum(1 for p in EXAMPLES if p.values[0] == v) for v in API_VERSIONS}
    assert counted["2026-04-27"] == 0  # its description publishes schemas, no examples
    assert counted["2026-05-09"] >= len(GENERATIONS["2026-05-09"].operations) - 1
    assert counted["2026-05-31"] >= len(GENERATIONS["2026-05-31"].operations) - 1


@pytest.mark.anyio
async def test_a_purchase_shows_the_servers_reference_and_keeps_the_one_sent() -> None:
    body = _official.example_file("airtime-buy.response.json")
    assert body["data"]["customerRef"] == ""
    recorder = Recorder(body)
    async with client(recorder, "2026-05-31") as dc:
        tx = await dc.vas.airtime.buy(
            product="MTN Airtime", phone="08012345678", amount=100, customer_ref="ORDER-9"
        )
    assert isinstance(tx, Transaction)
    assert tx.customer_ref == ""  # what the server recorded
    assert tx.sent_customer_ref == "ORDER-9"
    assert tx.to_dict()["customerRef"] == ""  # the wire form is what the server sent
    assert "sentCustomerRef" not in tx.to_dict()
    assert tx.amount_paid == Decimal("98.5")
    assert tx.failed


@pytest.mark.anyio
async def test_plan_prices_read_from_every_shape() -> None:
    described = _official.operations("2026-05-09")
    (_, cable), *_ = _official.success_examples(
        "2026-05-09", described["GET", "/api/external/v1/plans/cable"]
    )
    recorder = Recorder(cable)
    async with client(recorder, "2026-05-09") as dc:
        (plan,) = await dc.vas.catalog.cable_plans(product="GOTV")
    assert isinstance(plan, Plan)
    assert plan.price == plan.selling_price == Decimal(16800)
    assert plan.cost_price == Decimal(16800)
    assert plan.commission == 0
    assert plan.package == plan.label == "GOtv Supa Plus - monthly N16,800"
    assert plan.product_name == "GOTV"
    recorder = Recorder(_official.example_file("plans-data-mtn-gifting.response.json"))
    async with client(recorder, "2026-05-31") as dc:
        plans = await dc.vas.catalog.data_plans(product="MTN GIFTING")
    assert plans[0].price == Decimal(50)
    assert plans[0].plan_id == "40MB_MTN_GIFTING_1Day"
