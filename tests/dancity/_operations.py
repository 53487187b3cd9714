"""Every Dancity VAS operation's test data, once: how to call it, with what, what success shows.

One ``Row`` per call of a typed method (``client.vas.<path>(*args, **kwargs)``). The rows
are the only per-operation list the tests keep; every test that needs "each operation"
reads them, and every test that needs only the operations' names reads the declarations
(``dancity_sdk._spec``). Three suites read the rows:

* ``tests/dancity/official/test_requests.py`` and ``test_responses.py`` send each
  generation's calls (``calls_of``) through a recording transport: the request must be
  what the official description declares, the description's example answers must come
  back typed;
* ``tests/dancity/official_sandbox/`` plays every applicable row (``rows_of``), in table
  order, against a real sandbox through the typed client: each answer must show what the
  row's ``expect`` says, each exchange must be in the official shapes, and together the
  rows must reach every declared operation;
* ``tests/dancity/official/test_spec.py`` checks that the README's operations table names,
  for each operation, the typed methods its rows call.

A row's arguments are the ones every generation shares; what a generation alone requires
(a ``pin``, a ``cableplan``…) is filled from ``SAMPLES`` (or the row's ``fill``) where
that generation's declaration requires it, so a row is written once for all generations.
A value an earlier answer gives (a card's id, an eSIM's ``iccid``) is a ``Ref`` to that
row: the sandbox run reads it off the answer, the recorded-transport tests send its
``sample``.

Adding an operation: add its row here, where the sandbox can play it (after the rows its
``Ref`` values point at); the tests that read the declarations fail until it is here.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from dancity_sdk import AsyncDancityClient
from dancity_sdk._spec import GENERATIONS, Operation
from dancity_sdk.testing import DancitySandbox

__all__ = [
    "ROWS",
    "SAMPLES",
    "Each",
    "EveryPurchase",
    "Filled",
    "Has",
    "Ref",
    "Row",
    "Scene",
    "Some",
    "applies",
    "arguments",
    "calls_of",
    "keywords_of",
    "lacking",
    "method_of",
    "own_arguments",
    "positional",
    "rows_of",
]

PHONE: Final = "08012345678"
SMARTCARD: Final = "1234567890"
_METER: Final = {"meter_number": "45012345678", "biller": "IKEDC", "amount": 1000}


# --- values read off earlier answers ----------------------------------------------------------


@attrs.frozen
class Ref:
    """``attr`` (a dotted path, ``"0.id"``) of row ``row``'s answer, or of the sandbox
    (``row="sandbox"``); without a sandbox, ``sample`` stands in for it."""

    row: str
    attr: str
    sample: object = None


def _get(value: Any, attr: str) -> Any:
    for part in attr.split(".") if attr else ():
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    return value


@attrs.define
class Scene:
    """What a run has seen so far: the sandbox, each row's answer, the purchases made."""

    sandbox: DancitySandbox | None = None
    answers: dict[str, Any] = attrs.field(factory=dict)
    purchases: int = 0

    def value(self, value: object) -> Any:
        """``value``, or what the ``Ref`` it is points at in this run."""
        if not isinstance(value, Ref):
            return value
        if self.sandbox is None:
            if value.sample is None:
                raise ValueError(f"{value} has no sample to send without a sandbox")
            return value.sample
        source = self.sandbox if value.row == "sandbox" else self.answers[value.row]
        return _get(source, value.attr)


# --- what a success shows (checked against the sandbox) ---------------------------------------


@attrs.frozen
class Has:
    """The answer's ``attr`` equals ``value``."""

    attr: str
    value: object

    def holds(self, answer: Any, scene: Scene) -> bool:
        return bool(_get(answer, self.attr) == scene.value(self.value))


@attrs.frozen
class Some:
    """Some row of the answer has ``attr`` equal to ``value``."""

    attr: str
    value: object

    def holds(self, answer: Any, scene: Scene) -> bool:
        return scene.value(self.value) in [_get(row, self.attr) for row in answer]


@attrs.frozen
class Each:
    """The answer's rows' ``attr``, in order, are exactly ``values``."""

    attr: str
    values: tuple[object, ...]

    def holds(self, answer: Any, scene: Scene) -> bool:
        return [_get(row, self.attr) for row in answer] == [scene.value(v) for v in self.values]


@attrs.frozen
class Filled:
    """The answer's ``attr`` (the answer itself for ``""``) is not empty."""

    attr: str = ""

    def holds(self, answer: Any, scene: Scene) -> bool:  # noqa: ARG002 (one signature)
        return len(_get(answer, self.attr)) > 0


@attrs.frozen
class EveryPurchase:
    """The answer's ``attr`` lists exactly as many rows as the run has made purchases."""

    attr: str

    def holds(self, answer: Any, scene: Scene) -> bool:
        return len(_get(answer, self.attr)) == scene.purchases


Check = Has | Some | Each | Filled | EveryPurchase
SUCCEEDED: Final = Has("succeeded", True)


# --- the rows ---------------------------------------------------------------------------------


@attrs.frozen
class Row:
    """One call of one operation: ``client.vas.<path>(*args, **kwargs)``.

    Attributes:
        operation: The declared operation it performs (``"esim.purchase"``).
        path: The typed method below ``client.vas``.
        args: Positional arguments (``Ref`` values allowed).
        kwargs: The arguments every generation takes (``Ref`` values allowed).
        label: Tells apart rows of one operation (its test id is ``operation[label]``).
        fill: Values, over ``SAMPLES``, for arguments filled where a generation requires them.
        needs: Arguments the generation's operation must declare for the row to apply.
        expect: What the sandbox's answer shows when the call succeeded.
    """

    operation: str
    path: str
    args: tuple[object, ...] = ()
    kwargs: Mapping[str, object] = attrs.field(factory=dict)
    label: str = ""
    fill: Mapping[str, object] = attrs.field(factory=dict)
    needs: tuple[str, ...] = ()
    expect: tuple[Check, ...] = ()

    @property
    def id(self) -> str:
        return self.operation + (f"[{self.label}]" if self.label else "")


_WALLET: Final = Ref("sandbox", "wallet_id", sample="59ea65qqqqqxxxxx45zzzz7111")
_CARD_ID: Final = Ref("cards.create", "card_id", sample="card_abc123")
_ESIM: Final = Ref("esim.purchase", "iccid", sample="8960000000000000001")

#: In the order the sandbox plays them: catalogue, validations, purchases, transactions,
#: eSIM, cards (a ``Ref`` points at an earlier row).
ROWS: Final = (
    Row(
        "wallet.list",
        "wallet.balances",
        expect=(Some("id", _WALLET),),
    ),
    Row(
        "wallet.get",
        "wallet.get",
        (_WALLET,),
        expect=(Has("id", _WALLET),),
    ),
    Row("services.list", "catalog.services", expect=(Filled(),)),
    Row(
        "services.get",
        "catalog.service",
        (Ref("services.list", "0.id", "66d1ccc630a43475d74bde4d"),),
        expect=(Has("id", Ref("services.list", "0.id")),),
    ),
    Row("products.list", "catalog.products", kwargs={"service": "AIRTIME"}, expect=(Filled(),)),
    Row(
        "products.get",
        "catalog.product",
        (Ref("products.list", "0.id", "68d846303d56536a80047ad1"),),
        expect=(Has("id", Ref("products.list", "0.id")),),
    ),
    Row("plans.data", "catalog.data_plans", kwargs={"product": "MTN GIFTING"}, expect=(Filled(),)),
    Row("plans.cable", "catalog.cable_plans", kwargs={"product": "GOTV"}, expect=(Filled(),)),
    Row(
        "plans.internet",
        "catalog.internet_plans",
        kwargs={"product": "Spectranet"},
        expect=(Filled(),),
    ),
    Row(
        "cable.validate",
        "cable.validate",
        kwargs={"smartcard_number": SMARTCARD, "cablename": "GOTV"},
        expect=(Has("customer_name", "John Doe"),),
    ),
    Row(
        "electricity.validate",
        "electricity.validate",
        kwargs={**_METER, "meter_type": "prepaid"},
        expect=(Has("customer_name", "John Doe"),),
    ),
    Row(
        "validate",
        "validation.cable",
        kwargs={"smartcard_number": SMARTCARD, "cablename": "DSTV"},
        label="cable",
        expect=(Has("customer_name", "John Doe"),),
    ),
    Row(
        "validate",
        "validation.electricity",
        kwargs={**_METER, "meter_type": "prepaid"},
        label="electricity",
        expect=(Has("customer_name", "John Doe"),),
    ),
    Row(
        "education.validate_product",
        "education.validate_product",
        kwargs={"product": "WAEC Result Checker", "quantity": 2},
        expect=(Has("total", Decimal(9000)),),
    ),
    Row(
        "airtime.buy",
        "airtime.buy",
        kwargs={"product": "MTN Airtime", "phone": PHONE, "amount": 100},
        expect=(SUCCEEDED,),
    ),
    Row(
        "data.buy",
        "data.buy",
        kwargs={"plan": "1GB_MTN_GIFTING_1Day", "phone": PHONE},
        expect=(SUCCEEDED,),
    ),
    Row(
        "cable.buy",
        "cable.buy",
        kwargs={
            "smartcard_number": SMARTCARD,
            "cableplan": "GOtv_Max",
            "customer_name": "John Doe",
        },
        expect=(SUCCEEDED,),
    ),
    Row(
        "electricity.buy",
        "electricity.buy",
        kwargs={
            **_METER,
            "amount": Decimal("1500.50"),
            "meter_type": "prepaid",
            "customer_name": "John Doe",
            "address": "12 Example Street, Lagos",
        },
        expect=(SUCCEEDED, Has("amount", Decimal("1500.50"))),
    ),
    Row(
        "internet.buy",
        "internet.buy",
        kwargs={"plan": "iplan_001", "account_id": "1234567", "phone": PHONE},
        fill={"pin": DancitySandbox.INTERNET_PIN},
        expect=(SUCCEEDED,),
    ),
    Row(
        "betting.fund",
        "betting.fund",
        kwargs={"product": "SportyBet", "account_id": "12345678", "amount": 1000},
        expect=(SUCCEEDED,),
    ),
    Row(
        "education.purchase",
        "education.purchase",
        kwargs={"product": "WAEC Result Checker", "quantity": 2},
        expect=(SUCCEEDED,),
    ),
    Row(
        "transactions.list",
        "transactions.list",
        kwargs={"page": 1, "limit": 50},
        expect=(EveryPurchase("transactions"),),
    ),
    Row(
        "transactions.get",
        "transactions.get",
        (Ref("airtime.buy", "tranx_id", "DNTY8374056F678V"),),
        expect=(Has("tranx_id", Ref("airtime.buy", "tranx_id")),),
    ),
    Row("esim.regions", "esim.regions", kwargs={"region_kind": 1}, expect=(Filled(),)),
    Row(
        "esim.packages",
        "esim.packages",
        kwargs={"region_code": "NG", "package_type": "BASE"},
        expect=(Some("package_code", "NG-1GB-7D"),),
    ),
    Row(
        "esim.purchase",
        "esim.purchase",
        kwargs={"package_code": "NG-1GB-7D", "customer_ref": "TRIP-1"},
        expect=(SUCCEEDED, Filled("iccid")),
    ),
    Row("esim.topup_packages", "esim.topup_packages", kwargs={"iccid": _ESIM}),
    Row(
        "esim.purchase",
        "esim.purchase",
        kwargs={"package_code": "NG-500MB-7D-TOP", "iccid": _ESIM, "customer_ref": "ESIM-2"},
        label="topup",
        needs=("iccid",),
        expect=(SUCCEEDED,),
    ),
    Row(
        "esim.my_esims",
        "esim.my_esims",
        kwargs={"page": 1, "limit": 20},
        expect=(Each("iccid", (_ESIM,)),),
    ),
    Row("esim.details", "esim.details", ("TRIP-1",), expect=(Has("iccid", _ESIM),)),
    Row(
        "esim.details",
        "esim.details",
        (Ref("esim.purchase", "tranx_id", "6a1c50347d0125d168aa32da"),),
        label="by-transaction",
        expect=(Has("iccid", _ESIM),),
    ),
    Row(
        "cards.exchange_rate",
        "cards.exchange_rate",
        expect=(Has("rate", DancitySandbox.EXCHANGE_RATE),),
    ),
    Row("cards.create", "cards.create", kwargs={"customer_ref": "CARD-1"}),
    Row(
        "cards.fund",
        "cards.fund",
        (_CARD_ID,),
        {"amount": Decimal(10), "action": "fund"},
        expect=(Has("card_id", _CARD_ID),),
    ),
    Row("cards.update", "cards.update", (_CARD_ID,), {"status": "frozen"}),
    Row(
        "cards.get",
        "cards.get",
        (_CARD_ID,),
        expect=(Has("balance", Decimal(10)), Has("status", "FROZEN")),
    ),
    Row("cards.list", "cards.list", expect=(Each("card_id", (_CARD_ID,)),)),
    Row("cards.transactions", "cards.transactions", (_CARD_ID,), {"page": 1, "limit": 20}),
)

#: A valid value for every argument any generation declares and a row may leave out.
SAMPLES: Final[Mapping[str, object]] = {
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


# --- reading the rows -------------------------------------------------------------------------


def applies(row: Row, api_version: str) -> bool:
    """Whether the generation declares the row's operation and every argument it ``needs``."""
    op = GENERATIONS[api_version].operations.get(row.operation)
    return op is not None and all(op.field(arg) is not None for arg in row.needs)


def rows_of(api_version: str) -> list[Row]:
    """Every row the generation can play, in table order (the sandbox scenario)."""
    return [row for row in ROWS if applies(row, api_version)]


def _first_per_method(rows: list[Row]) -> list[Row]:
    # A later row of the same method only adds a step to the sandbox scenario.
    seen: set[tuple[str, str]] = set()
    first = []
    for row in rows:
        if (row.operation, row.path) not in seen:
            seen.add((row.operation, row.path))
            first.append(row)
    return first


def calls_of(api_version: str) -> list[Row]:
    """One row per typed method of each operation the generation declares."""
    return _first_per_method(rows_of(api_version))


def lacking(api_version: str) -> list[Row]:
    """One row per typed method of each operation the generation does not declare."""
    ops = GENERATIONS[api_version].operations
    return _first_per_method([row for row in ROWS if row.operation not in ops])


def method_of(client: AsyncDancityClient, row: Row) -> Callable[..., Awaitable[Any]]:
    """The row's bound typed method on ``client``."""
    target: Any = client.vas
    for part in row.path.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def keywords_of(method: Callable[..., object]) -> set[str]:
    """The keyword-only arguments ``method`` takes, those of its ``**x: Unpack[Record]`` too."""
    names: set[str] = set()
    for parameter in inspect.signature(method).parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY:
            names.add(parameter.name)
        elif parameter.kind is parameter.VAR_KEYWORD:
            record_name = str(parameter.annotation).removeprefix("Unpack[").removesuffix("]")
            record = getattr(sys.modules[method.__module__], record_name)
            names |= record.__required_keys__ | record.__optional_keys__
    return names


def positional(row: Row, scene: Scene | None = None) -> tuple[Any, ...]:
    """The row's positional arguments in ``scene`` (their samples without one)."""
    scene = scene or Scene()
    return tuple(scene.value(arg) for arg in row.args)


def own_arguments(row: Row, scene: Scene | None = None) -> dict[str, object]:
    """The row's keyword arguments in ``scene`` (their samples without one)."""
    scene = scene or Scene()
    return {name: scene.value(value) for name, value in row.kwargs.items()}


def arguments(
    row: Row,
    op: Operation,
    *,
    full: bool,
    samples: Mapping[str, object] = SAMPLES,
    scene: Scene | None = None,
) -> dict[str, object]:
    """The row's own arguments plus the required (or, ``full``, all) declared ones it lacks.

    ``samples`` (under the row's ``fill``) supply the ones it lacks; ``Ref`` values are
    read in ``scene`` (their samples without one).
    """
    scene = scene or Scene()
    accepted = keywords_of(method_of(AsyncDancityClient("dcy_live_" + "ab" * 20), row))
    kwargs = own_arguments(row, scene)
    given = {**samples, **row.fill}
    for field in (*op.body_fields, *op.query_fields):
        wanted = full or (field.required and field.default is None)
        if wanted and field.arg in accepted and field.arg not in kwargs:
            kwargs[field.arg] = given[field.arg]
    return kwargs
