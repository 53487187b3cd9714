"""Models round-trip through the converter; unknown fields and enum values survive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dptcay_sdk import (
    ApiKey,
    AsyncDptcayClient,
    Currency,
    Event,
    EventType,
    KeyScope,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    RevokedKey,
    Secret,
    WebhookEndpoint,
)
from dptcay_sdk._models import make_dptcay_converter

CONVERTER = make_dptcay_converter()
converter = make_dptcay_converter()

text = st.text(max_size=12)
opt_text = st.none() | text
money = st.decimals(
    allow_nan=False, allow_infinity=False, places=8, min_value=-(10**12), max_value=10**12
)
counts = st.none() | st.integers(min_value=0, max_value=10**6)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
# Hypothesis takes naive bounds and adds the zone itself.
EARLIEST = datetime(1970, 1, 2)  # noqa: DTZ001
LATEST = datetime(9998, 1, 1)  # noqa: DTZ001
moments = st.none() | st.datetimes(
    min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC) | offsets
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)


def _extra(model: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    known = {a.name for a in attrs.fields(model)}
    keys = text.filter(lambda k: k not in known)
    return st.dictionaries(keys, json_values, max_size=3)


def _open(enum: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(list(enum)) | text


payments = st.builds(
    Payment,
    id=text,
    status=_open(PaymentStatus),
    amount=money,
    currency=text,
    network=opt_text,
    wallet_address=opt_text,
    amount_received=st.none() | money,
    confirmations=counts,
    required_confirmations=counts,
    order_id=opt_text,
    description=opt_text,
    metadata=st.none() | st.dictionaries(text, text, max_size=3),
    expires_at=moments,
    created_at=moments,
    object=opt_text,
    extra=_extra(Payment),
)
refunds = st.builds(
    Refund,
    id=text,
    payment_id=text,
    amount=money,
    currency=text,
    status=_open(RefundStatus),
    to_address=opt_text,
    reason=opt_text,
    created_at=moments,
    object=opt_text,
    extra=_extra(Refund),
)
currencies = st.builds(
    Currency,
    code=text,
    name=opt_text,
    network=opt_text,
    exchange_rate=st.none() | money,
    rate_currency=opt_text,
    network_fee=st.none() | money,
    confirmations_required=counts,
    decimals=counts,
    extra=_extra(Currency),
)
endpoints = st.builds(
    WebhookEndpoint,
    id=text,
    url=text,
    events=st.lists(_open(EventType), max_size=4).map(tuple),
    created_at=moments,
    object=opt_text,
    extra=_extra(WebhookEndpoint),
)
api_keys = st.builds(
    ApiKey,
    id=text,
    key=text.map(Secret),
    scope=_open(KeyScope),
    label=opt_text,
    created_at=moments,
    object=opt_text,
    extra=_extra(ApiKey),
)
revoked_keys = st.builds(
    RevokedKey, id=text, revoked=st.booleans(), object=opt_text, extra=_extra(RevokedKey)
)
other_types = text.filter(lambda t: t.partition(".")[0] not in {"payment", "refund"})
events = st.one_of(
    st.tuples(st.sampled_from(["payment.completed", "payment.new_thing"]), payments),
    st.tuples(st.sampled_from(["refund.failed", "refund.reversed"]), refunds),
    st.tuples(
        st.sampled_from(["dispute.opened", "chargeback.created"]) | other_types,
        st.dictionaries(text, json_values, max_size=3),
    ),
).flatmap(
    lambda pair: st.builds(
        Event,
        id=text,
        type=st.just(pair[0]),
        data=st.just(pair[1]),
        created_at=moments,
        extra=_extra(Event),
    )
)


@pytest.mark.parametrize(
    "strategy",
    [payments, refunds, currencies, endpoints, api_keys, revoked_keys, events],
    ids=["Payment", "Refund", "Currency", "WebhookEndpoint", "ApiKey", "RevokedKey", "Event"],
)
@given(data=st.data())
def test_round_trip(strategy: st.SearchStrategy[Any], data: st.DataObject) -> None:
    model = data.draw(strategy)
    wire = converter.unstructure(model)
    assert converter.structure(wire, type(model)) == model


@given(payments)
def test_money_is_a_plain_decimal_string_on_the_wire(payment: Payment) -> None:
    wire = converter.unstructure(payment)
    assert isinstance(wire["amount"], str)
    assert "E" not in wire["amount"]
    assert Decimal(wire["amount"]) == payment.amount


PAYMENT = {
    "id": "pay_01HZX3",
    "object": "payment",
    "status": "pending",
    "amount": "125.50",
    "currency": "USDC",
    "created_at": "2026-11-22T11:45:00Z",
}


def test_unknown_fields_and_enum_values_survive() -> None:
    wire = {**PAYMENT, "status": "on_hold", "risk_score": 0.2, "tags": ["a"]}
    payment = CONVERTER.structure(wire, Payment)
    assert payment.status == "on_hold"
    assert not isinstance(payment.status, PaymentStatus)
    assert payment.extra == {"risk_score": 0.2, "tags": ["a"]}
    assert CONVERTER.unstructure(payment) == {
        **wire,
        "network": None,
        "wallet_address": None,
        "amount_received": None,
        "confirmations": None,
        "required_confirmations": None,
        "order_id": None,
        "description": None,
        "metadata": None,
        "expires_at": None,
    }


def test_missing_optional_fields_are_none() -> None:
    payment = CONVERTER.structure(PAYMENT, Payment)
    assert payment.network is None
    assert payment.metadata is None
    assert payment.expires_at is None
    assert payment.created_at == datetime(2026, 11, 22, 11, 45, tzinfo=UTC)


def test_known_enum_values_become_members() -> None:
    assert CONVERTER.structure(PAYMENT, Payment).status is PaymentStatus.PENDING
    endpoint = CONVERTER.structure(
        {"id": "whk_1", "url": "https://e.com", "events": ["refund.failed", "x.y"]},
        WebhookEndpoint,
    )
    assert endpoint.events == (EventType.REFUND_FAILED, "x.y")
    assert isinstance(endpoint.events, tuple)


def test_naive_timestamps_are_read_as_utc() -> None:
    payment = CONVERTER.structure({**PAYMENT, "created_at": "2026-11-22T11:45:00"}, Payment)
    assert payment.created_at is not None
    assert payment.created_at.tzinfo is not None


def test_money_never_passes_through_float() -> None:
    payment = CONVERTER.structure({**PAYMENT, "amount": "0.1000000000000000055511"}, Payment)
    assert payment.amount == Decimal("0.1000000000000000055511")


def test_reprs_show_what_the_user_needs_and_no_secret() -> None:
    secret = "dp_live_sk_" + "Kk7" * 8
    key = CONVERTER.structure({"id": "key_1", "key": secret, "scope": "write"}, ApiKey)
    assert isinstance(key.key, Secret)
    assert secret not in repr(key)
    assert secret not in str(key)
    assert secret not in key._repr_html_()
    payment = CONVERTER.structure({**PAYMENT, "wallet_address": "0x" + "ab" * 20}, Payment)
    # What the user needs next (where to pay, until when, their own metadata) is shown.
    for name in ("wallet_address", "expires_at", "metadata"):
        assert name in repr(payment)
        assert f">{name}<" in payment._repr_html_()


def test_models_are_frozen() -> None:
    payment = CONVERTER.structure(PAYMENT, Payment)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        payment.status = "completed"  # type: ignore[misc]


def test_converter_reports_every_failing_path() -> None:
    with pytest.raises(cattrs.BaseValidationError) as info:
        CONVERTER.structure({"id": "ref_1", "amount": "1"}, Refund)
    paths = cattrs.transform_error(info.value, path="$")
    assert {"$.payment_id", "$.currency", "$.status"} <= {p.rsplit(" @ ", 1)[1] for p in paths}


def test_each_call_builds_its_own_converter() -> None:
    assert make_dptcay_converter() is not make_dptcay_converter()


def test_each_client_owns_its_converter() -> None:
    first = AsyncDptcayClient("dp_test_sk_" + "a" * 24)
    second = AsyncDptcayClient("dp_test_sk_" + "a" * 24)
    assert first.converter is first.converter  # built once per client, then kept
    assert first.converter is not second.converter
