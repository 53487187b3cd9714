"""The model conventions and converter factory; format_path and validate_base_url."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_auth import ConfigurationError, InvalidInputError, RateLimit, ResultList, Secret
from shared_auth._client import validate_base_url
from shared_auth._models import APIObject, make_converter, structure_top, to_decimal
from shared_auth._reply import Reply
from shared_auth._routes import format_path


class Status(enum.Enum):
    PENDING = "pending"
    PAID = "paid"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@attrs.frozen(kw_only=True)
class Payment(APIObject):
    id: str = attrs.field(metadata={"wire": "_id"})
    amount: Decimal
    status: Status | str
    created_at: datetime
    order_id: str | None = None
    pin: Secret | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class Wallet(APIObject):
    owner: str
    balances: dict[str, Decimal] = attrs.field(factory=dict)
    label: Secret | None = None


CONVERTER = make_converter(rename=camel)
WIRE: dict[str, Any] = {
    "_id": "pay_1",
    "amount": "125.50",
    "status": "paid",
    "createdAt": "2024-05-01T12:30:00Z",
    "orderId": "A-1",
}


# --- to_decimal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("125.50", Decimal("125.50")),
        (" 0.1 ", Decimal("0.1")),
        ("1E+3", Decimal("1E+3")),
        (200, Decimal(200)),
        (-7, Decimal(-7)),
        (0.1, Decimal("0.1")),  # the shortest repr, not 0.1000000000000000055…
        (125.5, Decimal("125.5")),
        (1e20, Decimal("1E+20")),
        (Decimal("3.14"), Decimal("3.14")),
    ],
)
def test_to_decimal(value: object, expected: Decimal) -> None:
    result = to_decimal(value)
    assert result == expected
    assert str(result) == str(expected)


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", float("nan"), float("inf")])
def test_to_decimal_refuses_non_numbers(value: object) -> None:
    with pytest.raises(ValueError, match="not a"):
        to_decimal(value)


@pytest.mark.parametrize("value", [True, None, [1], b"1"])
def test_to_decimal_refuses_other_types(value: object) -> None:
    with pytest.raises(TypeError, match="expected a decimal string or number"):
        to_decimal(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_become_their_shortest_repr(value: float) -> None:
    assert to_decimal(value) == Decimal(repr(value))
    assert float(to_decimal(value)) == value


# --- the converter --------------------------------------------------------------------------


def test_structure_reads_the_wire_format() -> None:
    payment = CONVERTER.structure(WIRE, Payment)
    assert payment == Payment(
        id="pay_1",
        amount=Decimal("125.50"),
        status=Status.PAID,
        created_at=datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
        order_id="A-1",
    )
    assert payment.extra == {}
    assert payment.rate_limit is None


def test_unknown_fields_land_in_extra_and_round_trip() -> None:
    wire = {**WIRE, "network": "tron", "fees": {"gas": "0.1"}}
    payment = CONVERTER.structure(wire, Payment)
    assert payment.extra == {"network": "tron", "fees": {"gas": "0.1"}}
    out = CONVERTER.unstructure(payment)
    assert out["network"] == "tron"
    assert out["_id"] == "pay_1"
    assert out["amount"] == "125.50"
    assert out["createdAt"] == "2024-05-01T12:30:00Z"
    assert "rate_limit" not in out
    assert "extra" not in out


def test_open_enums_keep_unknown_values_as_str() -> None:
    payment = CONVERTER.structure({**WIRE, "status": "partially_refunded"}, Payment)
    assert payment.status == "partially_refunded"
    assert type(payment.status) is str
    assert CONVERTER.unstructure(payment)["status"] == "partially_refunded"
    assert CONVERTER.unstructure(CONVERTER.structure(WIRE, Payment))["status"] == "paid"


def test_open_enums_refuse_non_strings() -> None:
    with pytest.raises(cattrs.ClassValidationError):
        CONVERTER.structure({**WIRE, "status": 3}, Payment)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2024-05-01T12:30:00Z", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
        ("2024-05-01T12:30:00", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),  # naive: UTC
        ("2024-05-01 12:30:00.5", datetime(2024, 5, 1, 12, 30, 0, 500000, tzinfo=UTC)),
        ("2024-05-01T13:30:00+01:00", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
        (1714566600, datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
        (1714566600.5, datetime(2024, 5, 1, 12, 30, 0, 500000, tzinfo=UTC)),
    ],
)
def test_datetimes_are_always_aware(wire: object, expected: datetime) -> None:
    payment = CONVERTER.structure({**WIRE, "createdAt": wire}, Payment)
    assert payment.created_at == expected
    assert payment.created_at.tzinfo is not None


def test_datetime_objects_pass_through_and_naive_ones_become_utc() -> None:
    aware = datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=1)))
    assert CONVERTER.structure(aware, datetime) is aware
    naive = datetime(2024, 5, 1, 12, 30)  # noqa: DTZ001 - the point of the test
    assert CONVERTER.structure(naive, datetime) == naive.replace(tzinfo=UTC)


def test_aware_datetimes_unstructure_with_z() -> None:
    stamp = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert CONVERTER.unstructure(stamp) == "2024-05-01T12:30:00Z"
    lagos = datetime(2024, 5, 1, 13, 30, tzinfo=timezone(timedelta(hours=1)))
    assert CONVERTER.unstructure(lagos) == "2024-05-01T13:30:00+01:00"


@pytest.mark.parametrize(
    ("field", "value"),
    [("createdAt", True), ("createdAt", ["x"]), ("amount", 1.5j), ("amount", "lots")],
)
def test_bad_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(cattrs.ClassValidationError):
        CONVERTER.structure({**WIRE, field: value}, Payment)


def test_a_model_needs_a_json_object() -> None:
    with pytest.raises(TypeError, match="expected a JSON object for Payment, got list"):
        CONVERTER.structure([1, 2], Payment)


def test_the_default_rename_is_the_identity() -> None:
    converter = make_converter()
    wallet = converter.structure({"owner": "u1", "balances": {"NGN": 5}}, Wallet)
    assert wallet.balances == {"NGN": Decimal(5)}
    assert converter.unstructure(wallet) == {
        "owner": "u1",
        "balances": {"NGN": "5"},
        "label": None,
    }


wire_payments = st.fixed_dictionaries(
    {
        "_id": st.text(min_size=1),
        "amount": st.decimals(allow_nan=False, allow_infinity=False).map(str),
        "status": st.one_of(st.sampled_from(["pending", "paid"]), st.text()),
        "createdAt": st.datetimes(timezones=st.just(UTC)).map(
            lambda d: d.isoformat().replace("+00:00", "Z")
        ),
        "orderId": st.one_of(st.none(), st.text()),
    },
    optional={"extraField": st.integers(), "anotherOne": st.lists(st.text())},
)


@given(wire=wire_payments)
def test_wire_round_trip(wire: dict[str, Any]) -> None:
    payment = CONVERTER.structure(wire, Payment)
    out = CONVERTER.unstructure(payment)
    assert CONVERTER.structure(out, Payment) == payment
    assert Decimal(out["amount"]) == Decimal(wire["amount"])
    assert payment.extra == {k: wire[k] for k in ("extraField", "anotherOne") if k in wire}


# --- rate limits on models, ResultList ------------------------------------------------------


def test_a_top_level_model_carries_its_response_without_being_changed() -> None:
    headers = httpx.Headers(
        {"x-ratelimit-limit": "120", "x-ratelimit-remaining": "7", "x-request-id": "req_9"}
    )
    reply = Reply(200, headers, "GET", "/payments/pay_1")
    expected = RateLimit(limit=120, remaining=7)
    payment = structure_top(CONVERTER, WIRE, Payment, reply)
    assert payment.rate_limit == expected
    assert payment.rate_limit is payment.rate_limit  # parsed once, on the reply
    assert payment.request_id == "req_9"
    plain = CONVERTER.structure(WIRE, Payment)
    assert plain.rate_limit is None
    assert plain.request_id is None
    # the response is not part of a model's identity
    assert payment == plain
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        payment.extra = {}  # type: ignore[misc]


def test_a_body_cannot_forge_the_response_metadata() -> None:
    reply = Reply(200, httpx.Headers({"x-request-id": "req_real"}), "GET", "/p")
    forged = {**WIRE, "\x00reply": "forged", "\x00extra": {"forged": True}}
    payment = structure_top(CONVERTER, forged, Payment, reply)
    assert payment.request_id == "req_real"
    assert payment.extra["\x00reply"] == "forged"  # kept as an unknown field, nothing more
    nested = CONVERTER.structure(forged, Payment)
    assert nested.request_id is None


def test_result_list_carries_the_rate_limit() -> None:
    items = [CONVERTER.structure({**WIRE, "_id": f"pay_{i}"}, Payment) for i in range(3)]
    headers = httpx.Headers({"x-ratelimit-remaining": "9"})
    results = ResultList(items, Reply(200, headers, "GET", "/payments"))
    assert isinstance(results, tuple)
    assert len(results) == 3
    assert results[0].id == "pay_0"
    assert results.rate_limit == RateLimit(remaining=9)
    assert ResultList(items).rate_limit is None
    assert ResultList().rate_limit is None
    assert ResultList() == ()


def test_result_list_renders_an_html_table() -> None:
    payment = CONVERTER.structure({**WIRE, "orderId": "<script>&"}, Payment)
    other = CONVERTER.structure({**WIRE, "status": "weird", "orderId": None}, Payment)
    html = ResultList([payment, other])._repr_html_()
    # Key columns first: the reference, the status, the money, then the time.
    assert html.startswith(
        "<table><thead><tr><th>id</th><th>order_id</th><th>status</th><th>amount</th>"
        "<th>created_at</th></tr>"
    )
    assert "<th>pin</th>" not in html  # repr=False fields stay out
    assert "<th>extra</th>" not in html
    assert "&lt;script&gt;&amp;" in html
    assert "<script>" not in html
    assert "<td>paid</td>" in html
    assert "<td>weird</td>" in html
    assert "<td>2024-05-01T12:30:00Z</td>" in html
    assert "<td>125.50</td>" in html
    assert "<td></td>" in html  # None renders empty
    assert ResultList([1, 2])._repr_html_() == "<p>2 items</p>"
    assert ResultList()._repr_html_() == "<p>0 items</p>"


def test_a_table_leaves_out_columns_empty_in_every_row_and_says_how_to_see_them() -> None:
    rows = [
        CONVERTER.structure({**WIRE, "_id": f"pay_{i}", "orderId": None}, Payment) for i in range(3)
    ]
    results = ResultList(rows)
    html = results._repr_html_()
    assert "<th>order_id</th>" not in html
    assert "1 column empty in every row not shown" in html
    assert ".to_html(all_columns=True)" in html
    every = results.to_html(all_columns=True)
    assert "<th>order_id</th>" in every
    assert every.startswith("<table><thead><tr><th>id</th><th>amount</th><th>status</th>")
    assert "not shown" not in every
    # One row with data brings the column back, for every row.
    mixed = ResultList([*rows, CONVERTER.structure(WIRE, Payment)]).to_html()
    assert "<th>order_id</th>" in mixed
    assert mixed.count("<td></td>") == 3


def test_a_slice_renders_like_the_list_and_keeps_its_response() -> None:
    rows = [CONVERTER.structure({**WIRE, "_id": f"pay_{i}"}, Payment) for i in range(4)]
    reply = Reply(200, httpx.Headers({"x-ratelimit-remaining": "3"}), "GET", "/payments")
    results = ResultList(rows, reply)
    part = results[1:3]
    assert isinstance(part, ResultList)
    assert part.rate_limit == RateLimit(remaining=3)
    assert part._repr_html_() == ResultList(rows[1:3])._repr_html_()
    assert part._repr_html_().count("<tr>") == 3  # the head and two rows


def test_a_result_list_gives_its_data_as_dicts_and_json() -> None:
    rows = [CONVERTER.structure({**WIRE, "_id": f"pay_{i}"}, Payment) for i in range(2)]
    results = ResultList([*rows, 7])
    data = results.to_dict(converter=CONVERTER)
    assert data == [
        {**WIRE, "_id": "pay_0", "pin": None},
        {**WIRE, "_id": "pay_1", "pin": None},
        7,
    ]
    assert json.loads(results.to_json(converter=CONVERTER)) == data
    assert results.to_json(indent=2, converter=CONVERTER).startswith("[\n  {")
    assert [CONVERTER.structure(row, Payment) for row in data[:2]] == rows
    assert ResultList().to_dict() == []


def test_a_model_renders_an_html_table_without_secrets() -> None:
    wallet = Wallet(
        owner="u<1>", balances={"NGN": Decimal("5.00"), "USD": Decimal(1)}, label=Secret("1234")
    )
    html = wallet._repr_html_()
    assert html.startswith("<table><caption>Wallet</caption>")
    assert "u&lt;1&gt;" in html
    assert "NGN=5.00, USD=1" in html
    assert "****" in html
    assert "1234" not in html


# --- format_path ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("pay_1", "pay_1"),
        ("a/b", "a%2Fb"),
        ("a b", "a%20b"),
        ("x?y=1#z", "x%3Fy%3D1%23z"),
        ("100%", "100%25"),
        ("naïve", "na%C3%AFve"),
        ("{id}", "%7Bid%7D"),
        ("...", "..."),
        ("a..b", "a..b"),
    ],
)
def test_format_path_percent_encodes_each_value(value: str, encoded: str) -> None:
    assert format_path("/payments/{payment_id}", {"payment_id": value}) == f"/payments/{encoded}"


def test_format_path_fills_several_values() -> None:
    path = format_path("/a/{x}/b/{y}", {"x": "1", "y": "2/3"})
    assert path == "/a/1/b/2%2F3"


@pytest.mark.parametrize("value", ["", "   ", "\n", None, 5, Secret("x")])
def test_format_path_refuses_empty_and_non_string_values(value: object) -> None:
    with pytest.raises(InvalidInputError, match="payment_id must be a non-empty string") as info:
        format_path("/payments/{payment_id}", {"payment_id": value})
    assert info.value.field == "payment_id"


@pytest.mark.parametrize("value", [".", ".."])
def test_format_path_refuses_dot_segments(value: str) -> None:
    # httpx resolves /payments/.. to / : the value would not stay one path segment
    assert httpx.URL(f"https://h/payments/{value}").path in {"/", "/payments"}
    with pytest.raises(InvalidInputError, match="would change the path") as info:
        format_path("/payments/{payment_id}/refunds", {"payment_id": value})
    assert info.value.field == "payment_id"


# --- validate_base_url ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.dptcay.com", "https://api.dptcay.com"),
        ("https://api.dptcay.com/", "https://api.dptcay.com"),
        ("https://dancity.ng/api/", "https://dancity.ng/api"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://LOCALHOST:8000/", "http://localhost:8000"),
        ("http://sandbox.localhost", "http://sandbox.localhost"),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("http://127.10.20.30", "http://127.10.20.30"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_accepted_base_urls(url: str, expected: str) -> None:
    assert validate_base_url(url, what="dptcay") == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://api.dptcay.com", "must use https://"),
        ("http://10.0.0.1", "must use https://"),
        ("http://0.0.0.0:8000", "must use https://"),
        ("http://localhost.evil.com", "must use https://"),
        ("http://127.0.0.1.nip.io", "must use https://"),
        ("ftp://api.dptcay.com", "must be an absolute https:// URL"),
        ("api.dptcay.com", "must be an absolute https:// URL"),
        ("https://", "must be an absolute https:// URL"),
        ("/v1", "must be an absolute https:// URL"),
        ("https://api.dptcay.com/?key=1", "must not carry credentials, a query or a fragment"),
        ("https://api.dptcay.com/#frag", "must not carry credentials, a query or a fragment"),
        ("https://u:p@api.dptcay.com", "must not carry credentials, a query or a fragment"),
        ("https://[::1", "is not a URL"),
        (None, "is not a URL"),
    ],
)
def test_refused_base_urls(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        validate_base_url(url, what="dptcay")


def test_base_url_credentials_are_never_echoed() -> None:
    for url in ("http://admin:hunter2hunter2@api.dptcay.com", "ftp://admin:hunter2hunter2@h"):
        with pytest.raises(ConfigurationError) as info:
            validate_base_url(url, what="dptcay")
        assert "hunter2hunter2" not in str(info.value)
