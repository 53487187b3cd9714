"""Models: hypothesis round trips, exact money, unknown fields and statuses kept."""

from __future__ import annotations

import json
import types
import typing
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dancity_sdk import (
    Card,
    CardTransaction,
    CardTransactionPage,
    Esim,
    EsimDetails,
    EsimPackage,
    EsimPackages,
    EsimPage,
    EsimRegions,
    ExamPin,
    ExchangeRate,
    Pagination,
    Plan,
    Product,
    ProductQuote,
    Service,
    Transaction,
    TransactionPage,
    TransactionStatus,
    Validation,
    Wallet,
)
from dancity_sdk._models import make_dancity_converter
from dancity_sdk.webhooks import WebhookData
from shared_auth._models import APIObject

CONVERTER = make_dancity_converter()

MODELS: list[type[APIObject]] = [
    Card,
    CardTransaction,
    CardTransactionPage,
    Esim,
    EsimDetails,
    EsimPackage,
    EsimPackages,
    EsimPage,
    EsimRegions,
    ExamPin,
    ExchangeRate,
    Pagination,
    Plan,
    Product,
    ProductQuote,
    Service,
    Transaction,
    TransactionPage,
    Validation,
    Wallet,
    WebhookData,
]
STATUS_VALUES = {s.value for s in TransactionStatus}

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
moneys = st.decimals(
    allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9
)
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
)
# hypothesis takes naive bounds and attaches the zones itself
LOW, HIGH = datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
instants = st.datetimes(
    min_value=LOW.replace(tzinfo=None), max_value=HIGH.replace(tzinfo=None), timezones=zones
)
statuses = st.sampled_from(list(TransactionStatus)) | st.text(max_size=12).filter(
    lambda s: s.upper() not in STATUS_VALUES
)


def strategy_for(tp: Any) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType) and tp != TransactionStatus | str:
        return st.one_of(*(strategy_for(a) for a in args))
    if tp is type(None):
        return st.none()
    if isinstance(tp, type) and issubclass(tp, APIObject):
        return model(tp)
    if tp == TransactionStatus | str:
        return statuses
    if origin is tuple:
        return st.lists(model(args[0]), max_size=2).map(tuple)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=12),
        int: st.integers(),
        bool: st.booleans(),
        Decimal: moneys,
        datetime: instants,
        Any: json_scalars,
    }
    return simple[tp]


def model(cls: type[APIObject]) -> st.SearchStrategy[Any]:
    fields = attrs.fields(attrs.resolve_types(cls))
    wire_names = {a.metadata.get("wire", a.name) for a in fields} | {
        "".join(w if i == 0 else w.title() for i, w in enumerate(a.name.split("_"))) for a in fields
    }
    extras = st.dictionaries(
        st.text(min_size=1, max_size=8)
        .map(lambda k: "x-" + k)
        .filter(lambda k: k not in wire_names),
        json_scalars,
        max_size=3,
    )
    meta = {"extra", "_reply"}
    kwargs = {a.alias: strategy_for(a.type) for a in fields if a.name not in meta}
    return st.builds(cls, extra=extras, **kwargs)


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_structure_of_unstructure_is_identity(cls: type[APIObject]) -> None:
    @given(model(cls))
    def round_trip(obj: APIObject) -> None:
        wire = CONVERTER.unstructure(obj)
        assert CONVERTER.structure(wire, cls) == obj
        # and through real JSON text, numbers as the API sends them
        text = json.dumps(wire, default=str)
        assert CONVERTER.structure(json.loads(text), cls) == obj

    round_trip()


def test_unknown_fields_and_statuses_survive() -> None:
    raw = {"status": "REFUNDED", "tranxId": "DNTY1", "brandNew": {"a": 1}, "amount": 5}
    tx = CONVERTER.structure(raw, Transaction)
    assert tx.status == "REFUNDED"
    assert not tx.succeeded
    assert not tx.failed
    assert not tx.pending
    assert tx.extra == {"brandNew": {"a": 1}}
    assert CONVERTER.unstructure(tx)["brandNew"] == {"a": 1}
    assert CONVERTER.unstructure(tx)["status"] == "REFUNDED"


def test_money_from_json_is_exact() -> None:
    body = json.loads('{"amount": 0.1, "amountPaid": 98.50, "fee": 1e-2}', parse_float=Decimal)
    tx = CONVERTER.structure(body, Transaction)
    assert tx.amount == Decimal("0.1")
    assert str(tx.amount_paid) == "98.50"
    assert tx.fee == Decimal("0.01")


def test_timestamps_are_aware() -> None:
    tx = CONVERTER.structure(
        {"createdAt": "2026-05-31T10:30:00.000Z", "tranxDate": "2026-05-31T10:30:00"}, Transaction
    )
    assert tx.created_at == datetime(2026, 5, 31, 10, 30, tzinfo=UTC)
    assert tx.tranx_date is not None
    assert tx.tranx_date.tzinfo is not None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"tranxId": "DNTY1", "transactionId": "TXN-1", "_id": "m"}, "DNTY1"),
        ({"transactionId": "TXN-1", "_id": "m"}, "TXN-1"),
        ({"_id": "m", "reference": "dcy_ref_1"}, "m"),
        ({"reference": "dcy_ref_1"}, "dcy_ref_1"),
        ({}, None),
    ],
)
def test_id_picks_the_identifier_that_exists(raw: dict[str, str], expected: str | None) -> None:
    assert CONVERTER.structure(raw, Transaction).id == expected


@pytest.mark.parametrize(
    ("status", "flags"),
    [
        ("SUCCESS", (True, False, False)),
        ("FAILED", (False, True, False)),
        ("CANCELLED", (False, True, False)),
        ("PENDING", (False, False, True)),
        ("PROCESSING", (False, False, True)),
        ("success", (True, False, False)),
    ],
)
def test_status_flags(status: str, flags: tuple[bool, bool, bool]) -> None:
    tx = CONVERTER.structure({"status": status}, Transaction)
    assert (tx.succeeded, tx.failed, tx.pending) == flags
    assert repr(tx).startswith(f"Transaction(status='{status.upper()}'")


def test_models_are_frozen_and_secret_fields_stay_out_of_repr() -> None:
    tx = CONVERTER.structure(
        {"status": "SUCCESS", "token": "1234-5678", "pins": [{"pin": "9999-8888", "serial": "S"}]},
        Transaction,
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tx.status = "FAILED"  # type: ignore[misc]
    assert "1234-5678" not in repr(tx)
    assert "9999-8888" not in repr(tx.pins)
    assert tx.pins[0].pin == "9999-8888"


def test_an_exam_pins_expiry_is_an_aware_datetime() -> None:
    # The published examples give a date ("2027-01-01"); a date-time reads the same way.
    tx = CONVERTER.structure(
        {"pins": [{"pin": "1", "expiry": "2027-01-01"}, {"expiry": "2027-01-01T10:00:00Z"}]},
        Transaction,
    )
    assert [pin.expiry for pin in tx.pins] == [
        datetime(2027, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, 10, tzinfo=UTC),
    ]


def test_the_reference_the_sdk_sent_is_never_read_from_the_wire() -> None:
    from dancity_sdk import Transaction  # noqa: PLC0415 - models load lazily

    wire = {"status": "SUCCESS", "customerRef": "", "sentCustomerRef": "forged"}
    tx = CONVERTER.structure(wire, Transaction)
    assert tx.sent_customer_ref is None
    assert tx.extra == {"sentCustomerRef": "forged"}
    assert "sentCustomerRef" not in CONVERTER.unstructure(
        attrs.evolve(tx, sent_customer_ref="MINE", extra={})
    )


def test_a_copied_converter_reads_bare_array_pages_with_its_own_hooks() -> None:
    from dancity_sdk import TransactionPage  # noqa: PLC0415

    copied = CONVERTER.copy()
    copied.register_structure_hook(Decimal, lambda value, _: Decimal(value) * 2)
    page = copied.structure([{"status": "SUCCESS", "amount": 100}], TransactionPage)
    assert [tx.amount for tx in page] == [Decimal(200)]


def _headings(html: str) -> list[str]:
    head = html.split("</thead>", 1)[0]
    return [cell.split("</th>", 1)[0] for cell in head.split("<th>")[1:]]


def test_catalog_and_transaction_tables_show_the_columns_with_data_key_ones_first() -> None:
    from dancity_sdk import Plan, ResultList, TransactionPage  # noqa: PLC0415
    from tests.dancity.official import _official  # noqa: PLC0415

    rows = _official.example_file("plans-data-mtn-gifting.response.json")["data"]
    plans = ResultList([CONVERTER.structure(row, Plan) for row in rows])
    shown = _headings(plans._repr_html_())
    every = _headings(plans.to_html(all_columns=True))
    assert len(every) > len(shown)
    for name in every:  # a column is left out exactly when every row leaves it empty
        carries = any(getattr(plan, name) not in (None, "") for plan in plans)
        assert (name in shown) is carries, name
    assert shown[:3] == ["id", "product", "plan"]
    described = _official.operations("2026-05-31")[("GET", "/api/v1/transactions")]
    (_, wire), *_ = _official.success_examples("2026-05-31", described)
    page = CONVERTER.structure(wire["data"], TransactionPage)
    columns = _headings(page._repr_html_())
    assert columns[:6] == ["tranx_id", "customer_ref", "status", "amount", "currency", "number"]
    assert columns.index("tranx_date") < columns.index("service")
    # A page renders as the list of its rows does.
    assert page._repr_html_().startswith(ResultList(page.transactions)._repr_html_())


def test_a_page_renders_its_rows_as_a_table_in_a_notebook() -> None:
    from dancity_sdk import TransactionPage  # noqa: PLC0415

    wire = {
        "transactions": [{"status": "SUCCESS", "amount": 100, "customerRef": "<r1>"}],
        "pagination": {"page": 2, "totalPages": 5, "total": 41},
    }
    page = CONVERTER.structure(wire, TransactionPage)
    html = page._repr_html_()
    assert html.startswith("<table><thead>")
    assert "&lt;r1&gt;" in html
    assert "page 2 of 5 (41 in all)" in html
