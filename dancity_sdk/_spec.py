"""Every Dancity operation, declared once per API generation: the one place each fact lives.

Dancity has published three descriptions of its merchant (VAS) API (``openapi.json`` in
``Msorg-Developers/docs``, vendored under ``tests/data/dancity-openapi/``). A client
selects one by its date, ``api_version``:

==============  =========  ======================  =========================================
api_version     commit     VAS prefix              what sets it apart
==============  =========  ======================  =========================================
``2026-04-27``  a868848    ``/api/external/v1``    ``pin`` required in every buy body;
                                                   ``GET /cable/validate``
``2026-05-09``  c9b303d    ``/api/external/v1``    unified ``POST /validate``; no ``pin``
``2026-05-31``  c3ab95a    ``/api/v1``             split ``POST`` validations; no cards
==============  =========  ======================  =========================================

This module is plain data, with no client, resource or network import, so both the client
(to build requests) and the sandbox (to route them) read the same declarations:

>>> from dancity_sdk._spec import GENERATIONS
>>> op = GENERATIONS["2026-05-09"].operations["electricity.buy"]
>>> op.method, op.path, op.idempotent, op.throttles
('POST', '/electricity/buy', False, ('key', 'purchase'))
>>> [f.name for f in op.body_fields if f.required]
['meterNumber', 'meterType', 'amount', 'customerName', 'address']
>>> GENERATIONS["2026-05-31"].prefix + GENERATIONS["2026-05-31"].operations["wallet.get"].path
'/api/v1/wallet/{id}'
>>> generations_with("validate")
('2026-05-09',)

Lookup API:

* ``GENERATIONS[api_version]`` → :class:`Generation` (``prefix``, ``commit``, ``operations``);
* ``generation.operations[name]`` → :class:`Operation` (``method``, ``path`` below the
  prefix with OpenAPI ``{placeholders}``, ``family``, ``idempotent``, ``throttles``,
  ``body_fields``, ``query_fields``, ``path_params``, ``required``);
* :func:`generations_with` — which generations have an operation;
* :data:`APP_OPERATIONS` — the App family (user JWT, under :data:`APP_PREFIX`), the same in
  every generation.

Fields carry the wire ``name`` the description declares, whether it is ``required``, its
JSON ``kind`` and the SDK method's argument (``arg``) that fills it, so one argument
(``biller``) can be ``billerName``, ``productName`` or ``billerCode`` depending on the
generation. Where a description and its own guides disagree, the description wins (it is
generated from the server's schemas); the README's contradictions table lists each case.

Throttles: ``"key"`` (120 requests/minute per key) on every VAS operation; ``"purchase"``
(30/minute) only on the purchases the rate-limits guide lists: airtime, data, electricity
and cable.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

import attrs

from dancity_sdk._families import APP, APP_PREFIX, VAS

__all__ = [
    "API_VERSIONS",
    "APP",
    "APP_OPERATIONS",
    "APP_PREFIX",
    "DEFAULT_API_VERSION",
    "GENERATIONS",
    "KEY_LIMIT",
    "PURCHASE_LIMIT",
    "THROTTLE_LIMITS",
    "THROTTLE_WINDOW",
    "VAS",
    "Field",
    "Generation",
    "Operation",
    "generations_with",
]


#: Rate-limits guide: 120 requests/minute per key; 30 VAS purchases/minute.
KEY_LIMIT: Final = 120
PURCHASE_LIMIT: Final = 30
THROTTLE_WINDOW: Final = 60.0
THROTTLE_LIMITS: Final[Mapping[str, int]] = MappingProxyType(
    {"key": KEY_LIMIT, "purchase": PURCHASE_LIMIT}
)

Kind = Literal["string", "integer", "number", "money", "boolean", "datetime"]


@attrs.frozen
class Field:
    """One body or query field of one operation in one generation.

    Attributes:
        name: The wire name the description declares (``customerRef``, ``billerCode``…).
        arg: The SDK method's keyword argument that fills it (``customer_ref``, ``biller``).
        required: Whether the description lists it in ``required``.
        kind: Its JSON type; ``money`` is a ``number`` the SDK takes as ``Decimal``/``int``,
            ``datetime`` a ``date-time`` string.
        default: Sent when the field is required and the caller gave nothing (the
            documented default, e.g. ``wallettype: "main"``); ``None`` = no default.
        enum: The values the description allows, when it lists them.
        minimum: The description's ``minimum`` (numbers), inclusive; ``None`` = none.
        maximum: The description's ``maximum`` (numbers), inclusive; ``None`` = none.
        min_length: The description's ``minLength`` (strings); ``None`` = none.
        max_length: The description's ``maxLength`` (strings); ``None`` = none.
        pattern: The description's ``pattern`` (a regular expression the whole string
            must match); ``None`` = none.

    The client checks every constraint before any I/O and the sandbox refuses what breaks
    one with the server's 400, both reading these attributes (see ``constraints``).
    """

    name: str
    arg: str
    required: bool = False
    kind: Kind = "string"
    default: str | int | None = None
    enum: tuple[str | int, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    @property
    def constraints(self) -> dict[str, object]:
        """The declared constraints under their OpenAPI names (only those declared)."""
        declared = {
            "enum": list(self.enum) or None,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "minLength": self.min_length,
            "maxLength": self.max_length,
            "pattern": self.pattern,
        }
        return {key: value for key, value in declared.items() if value is not None}


@attrs.frozen
class Operation:
    """One operation of one generation.

    Attributes:
        name: The SDK's name for it, ``"<resource>.<method>"`` (``"esim.purchase"``).
        method: HTTP method.
        path: Path below the family prefix, with the description's ``{placeholders}``.
        family: :data:`VAS` or :data:`APP`.
        idempotent: ``True`` for reads, validations and updates (safe to retry);
            ``False`` for purchases (never replayed once sent).
        throttles: Client-side throttles it counts against (``"key"``, ``"purchase"``).
        body_fields: JSON body fields the description declares (empty: no body).
        query_fields: Query parameters the description declares.
        path_params: ``(placeholder, arg)`` pairs of the path template.
        open_body: The description declares a free-form body (``additionalProperties``);
            :attr:`body_fields` then names the fields the guides show, which the SDK sends.
        success_status: The documented success status (``201`` for card creation).
    """

    name: str
    method: str
    path: str
    family: str = VAS
    idempotent: bool = True
    throttles: tuple[str, ...] = ("key",)
    body_fields: tuple[Field, ...] = ()
    query_fields: tuple[Field, ...] = ()
    path_params: tuple[tuple[str, str], ...] = ()
    open_body: bool = False
    success_status: int = 200

    @property
    def required(self) -> tuple[str, ...]:
        """Wire names of every required body and query field."""
        return tuple(f.name for f in (*self.body_fields, *self.query_fields) if f.required)

    @property
    def is_purchase(self) -> bool:
        """Whether it moves money (not idempotent: never retried once sent)."""
        return not self.idempotent

    def field(self, arg: str) -> Field | None:
        """The body or query field an SDK argument fills here, if this operation takes it."""
        for candidate in (*self.body_fields, *self.query_fields):
            if candidate.arg == arg:
                return candidate
        return None


@attrs.frozen
class Generation:
    """One published description of the VAS API.

    Attributes:
        api_version: Its date, the client's ``api_version`` (``"2026-05-31"``).
        commit: The docs commit it was published in (``c3ab95a``).
        prefix: The VAS path prefix (``/api/v1``).
        operations: Every VAS operation it declares, by SDK name.
    """

    api_version: str
    commit: str
    prefix: str
    operations: Mapping[str, Operation]

    def __contains__(self, name: object) -> bool:
        return name in self.operations


# --- building blocks (only to keep the tables below readable) ---------------------------------


def _req(
    name: str,
    arg: str,
    kind: Kind = "string",
    *,
    default: str | None = None,
    enum: tuple[str | int, ...] = (),
    minimum: int | None = None,
    maximum: int | None = None,
    length: int | None = None,
) -> Field:
    return Field(
        name,
        arg,
        required=True,
        kind=kind,
        default=default,
        enum=enum,
        minimum=minimum,
        maximum=maximum,
        min_length=length,
        max_length=length,
    )


def _opt(
    name: str,
    arg: str,
    kind: Kind = "string",
    *,
    enum: tuple[str | int, ...] = (),
    maximum: int | None = None,
) -> Field:
    return Field(name, arg, required=False, kind=kind, enum=enum, maximum=maximum)


_KEY: Final = ("key",)
_PURCHASE: Final = ("key", "purchase")
_CUSTOMER_REF: Final = _opt("customerRef", "customer_ref")
_PIN: Final = _req("pin", "pin")
_METER_TYPE: Final = ("prepaid", "postpaid")
#: Optional fields every 2026-04-27 buy declares besides its own.
_BENEFICIARY: Final = (
    _opt("saveAsBeneficiary", "save_as_beneficiary", "boolean"),
    _opt("beneficiaryName", "beneficiary_name"),
)
_PROMO: Final = (_opt("promocode", "promocode"), _opt("deviceKey", "device_key"))
_PAGE: Final = (_opt("page", "page", "integer"), _opt("limit", "limit", "integer"))
#: The transactions listing's page: ``limit`` is at most 100 in every description.
_TRANSACTIONS_PAGE: Final = (
    _opt("page", "page", "integer"),
    _opt("limit", "limit", "integer", maximum=100),
)
#: ``amount`` bounds every description declares (airtime ₦50-₦1,000, electricity from
#: ₦500, betting from ₦100).
_AIRTIME_AMOUNT: Final = _req("amount", "amount", "money", minimum=50, maximum=1000)
_ELECTRICITY_AMOUNT: Final = _req("amount", "amount", "money", minimum=500)
_BETTING_AMOUNT: Final = _req("amount", "amount", "money", minimum=100)
_DATES: Final = (
    _opt("start_date", "start_date", "datetime"),
    _opt("end_date", "end_date", "datetime"),
)


def _read(
    name: str, path: str, *query: Field, path_params: tuple[tuple[str, str], ...] = ()
) -> Operation:
    return Operation(name, "GET", path, query_fields=query, path_params=path_params)


def _check(
    name: str,
    method: str,
    path: str,
    *,
    body: tuple[Field, ...] = (),
    query: tuple[Field, ...] = (),
) -> Operation:
    # Validations only look things up: safe to retry after a 5xx or a reset.
    return Operation(name, method, path, body_fields=body, query_fields=query)


def _buy(name: str, path: str, *body: Field, limited: bool = False) -> Operation:
    # Purchases move money: never retried once they may have reached the server.
    throttles = _PURCHASE if limited else _KEY
    return Operation(name, "POST", path, idempotent=False, throttles=throttles, body_fields=body)


_ID: Final = (("id", "id"),)
_TRANSACTION_ID: Final = (("transactionId", "transaction_id"),)
_CARD_ID: Final = (("cardId", "card_id"),)


def _shared_reads(*, region_kinds: tuple[int, ...] = ()) -> dict[str, Operation]:
    """Reads whose shape every generation shares (the 2026-05-31 one lists region kinds)."""
    return {
        op.name: op
        for op in (
            _read("wallet.list", "/wallet"),
            _read("wallet.get", "/wallet/{id}", path_params=_ID),
            _read("transactions.get", "/transactions/{transactionId}", path_params=_TRANSACTION_ID),
            _read("plans.internet", "/plans/internet", *_INTERNET_PLAN_QUERY),
            _read(
                "esim.regions",
                "/esim/regions",
                _opt("type", "region_kind", "integer", enum=region_kinds),
            ),
            _read("esim.topup_packages", "/esim/topup-packages", _req("iccid", "iccid")),
            _read("esim.my_esims", "/esim/my-esims", *_PAGE),
            _read("esim.details", "/esim/details/{transactionId}", path_params=_TRANSACTION_ID),
        )
    }


_INTERNET_PLAN_QUERY: Final = (
    _opt("internetid", "internet_id"),
    _opt("product", "product"),
    _opt("action", "action", enum=("FILTER",)),
)


def _esim_packages(*, region_types: tuple[str, ...] = ()) -> Operation:
    return _read(
        "esim.packages",
        "/esim/packages",
        _req("regionCode", "region_code"),
        _opt("regionType", "region_type", enum=region_types),
        _opt("type", "package_type", enum=("BASE", "TOPUP")),
    )


def _cards() -> dict[str, Operation]:
    """Virtual cards (2026-04-27 and 2026-05-09): free-form bodies, fields from the guide."""
    ops = (
        _read("cards.list", "/cards"),
        Operation(
            "cards.create",
            "POST",
            "/cards",
            idempotent=False,
            body_fields=(_CUSTOMER_REF,),
            open_body=True,
            success_status=201,
        ),
        _read("cards.exchange_rate", "/cards/exchange-rate"),
        _read("cards.transactions", "/cards/transactions/{cardId}", *_PAGE, path_params=_CARD_ID),
        Operation(
            "cards.fund",
            "POST",
            "/cards/wallet",
            idempotent=False,
            body_fields=(
                _req("cardId", "card_id"),
                _req("amount", "amount", "money"),
                _req("action", "action", enum=("fund", "withdraw")),
                _CUSTOMER_REF,
            ),
            open_body=True,
            success_status=201,
        ),
        _read("cards.get", "/cards/{cardId}", path_params=_CARD_ID),
        Operation(
            "cards.update",
            "PUT",
            "/cards/{cardId}",
            body_fields=(_req("status", "status"),),
            path_params=_CARD_ID,
            open_body=True,
        ),
    )
    return {op.name: op for op in ops}


def _table(*ops: Operation, base: Mapping[str, Operation]) -> Mapping[str, Operation]:
    table = dict(base)
    table.update({op.name: op for op in ops})
    return MappingProxyType(dict(sorted(table.items())))


# --- 2026-04-27 (a868848): /api/external/v1, pin in every buy ----------------------------------

_G_2026_04_27: Final = Generation(
    "2026-04-27",
    "a868848",
    "/api/external/v1",
    _table(
        _read(
            "services.list",
            "/services",
            _opt("id", "service_id"),
            _opt("name", "name"),
            _opt("disable", "disable", "boolean"),
            _opt("displayonmenu", "display_on_menu", "boolean"),
            _opt("isutility", "is_utility", "boolean"),
        ),
        _read("services.get", "/services/{id}", path_params=_ID),
        _read(
            "products.list",
            "/products",
            _opt("productId", "product_id"),
            _opt("name", "name"),
            _opt("service", "service"),
        ),
        _read("products.get", "/products/{productId}", path_params=(("productId", "product_id"),)),
        _read(
            "plans.data",
            "/plans/data",
            _opt("planId", "plan_id"),
            _opt("product", "product"),
            _opt("isHotDeal", "is_hot_deal", "boolean"),
            _opt("isbucketplan", "is_bucket_plan", "boolean"),
        ),
        _read(
            "plans.cable",
            "/plans/cable",
            _opt("cableplanId", "cable_plan_id"),
            _opt("product", "product"),
        ),
        _read(
            "transactions.list",
            "/transactions",
            *_TRANSACTIONS_PAGE,
            *_DATES,
            _opt("service", "service"),
            _opt("status", "status"),
            _opt("tranxType", "tranx_type"),
            _opt("query", "query"),
            _opt("filter", "use_filter", "boolean"),
            _opt("isBulk", "is_bulk", "boolean"),
        ),
        _check(
            "cable.validate",
            "GET",
            "/cable/validate",
            query=(
                _req("smartcardNumber", "smartcard_number"),
                _req("cableplan", "cableplan"),
                _req("cablename", "cablename"),
            ),
        ),
        _check(
            "electricity.validate",
            "POST",
            "/electricity/validate",
            body=(
                _req("meterNumber", "meter_number"),
                _req("billerName", "biller"),
                _req("amount", "amount", "money"),
                _req("meterType", "meter_type", enum=_METER_TYPE),
            ),
        ),
        _check(
            "education.validate_product",
            "POST",
            "/education-pin/validate-product",
            body=(_req("product", "product"), _req("quantity", "quantity", "number")),
        ),
        _buy(
            "airtime.buy",
            "/airtime/buy",
            _req("product", "product"),
            _req("phone", "phone"),
            _AIRTIME_AMOUNT,
            _PIN,
            _CUSTOMER_REF,
            *_BENEFICIARY,
            *_PROMO,
            limited=True,
        ),
        _buy(
            "data.buy",
            "/data/buy",
            _req("plan", "plan"),
            _req("phone", "phone"),
            _req("wallettype", "wallettype", default="main"),
            _PIN,
            _CUSTOMER_REF,
            *_BENEFICIARY,
            *_PROMO,
            limited=True,
        ),
        _buy(
            "cable.buy",
            "/cable/buy",
            _req("smartcardNumber", "smartcard_number"),
            _req("cableplan", "cableplan"),
            _req("cablename", "cablename"),
            _req("customerName", "customer_name"),
            _PIN,
            _CUSTOMER_REF,
            *_BENEFICIARY,
            *_PROMO,
            limited=True,
        ),
        _buy(
            "electricity.buy",
            "/electricity/buy",
            _req("meterNumber", "meter_number"),
            _opt("billerCode", "biller_id"),
            _opt("billerName", "biller"),
            _req("meterType", "meter_type", enum=_METER_TYPE),
            _ELECTRICITY_AMOUNT,
            _req("customerName", "customer_name"),
            _req("address", "address"),
            _PIN,
            _CUSTOMER_REF,
            *_BENEFICIARY,
            *_PROMO,
            limited=True,
        ),
        _buy(
            "internet.buy",
            "/internet/buy",
            _req("plan", "plan"),
            _req("accountid", "account_id"),
            _req("phone", "phone"),
            _req("pin", "pin", length=5),
            _CUSTOMER_REF,
            *_BENEFICIARY,
            *_PROMO,
        ),
        _buy(
            "betting.fund",
            "/betting/funding",
            _req("product", "product"),
            _req("customerIdentifier", "account_id"),
            _BETTING_AMOUNT,
            _PIN,
            _CUSTOMER_REF,
            *_BENEFICIARY,
        ),
        _buy(
            "education.purchase",
            "/education-pin/purchase",
            _req("quantity", "quantity", "number"),
            _req("product", "product"),
            _CUSTOMER_REF,
            _opt("promocode", "promocode"),
            _PIN,
            _opt("deviceKey", "device_key"),
        ),
        _esim_packages(),
        _buy(
            "esim.purchase",
            "/esim/purchase",
            _req("packageCode", "package_code"),
            _req("wallettype", "wallettype", default="main"),
            _PIN,
            _CUSTOMER_REF,
            *_PROMO,
            *_BENEFICIARY,
        ),
        base={**_shared_reads(), **_cards()},
    ),
)

# --- 2026-05-09 (c9b303d): /api/external/v1, unified POST /validate, no pin ---------------------

_G_2026_05_09: Final = Generation(
    "2026-05-09",
    "c9b303d",
    "/api/external/v1",
    _table(
        _read("services.list", "/services", _opt("name", "name")),
        _read("products.list", "/products", _opt("name", "name"), _opt("service", "service")),
        _read("plans.data", "/plans/data", _opt("product", "product")),
        _read("plans.cable", "/plans/cable", _opt("product", "product")),
        _read("transactions.list", "/transactions", *_TRANSACTIONS_PAGE, *_DATES),
        _check(
            "validate",
            "POST",
            "/validate",
            body=(
                _req("type", "type", enum=("cable", "electricity")),
                _opt("smartcardNumber", "smartcard_number"),
                _opt("cablename", "cablename"),
                _opt("meterNumber", "meter_number"),
                _opt("productName", "biller"),
                _opt("amount", "amount", "money"),
                _opt("meterType", "meter_type", enum=_METER_TYPE),
            ),
        ),
        _check(
            "education.validate_product",
            "POST",
            "/education-pin/validate-product",
            body=(_req("product", "product"), _req("quantity", "quantity", "number")),
        ),
        _buy(
            "airtime.buy",
            "/airtime/buy",
            _req("product", "product"),
            _req("phone", "phone"),
            _AIRTIME_AMOUNT,
            _CUSTOMER_REF,
            limited=True,
        ),
        _buy(
            "data.buy",
            "/data/buy",
            _req("plan", "plan"),
            _req("phone", "phone"),
            _req("wallettype", "wallettype", default="main"),
            _CUSTOMER_REF,
            limited=True,
        ),
        _buy(
            "cable.buy",
            "/cable/buy",
            _req("smartcardNumber", "smartcard_number"),
            _req("cableplan", "cableplan"),
            _req("cablename", "cablename"),
            _req("customerName", "customer_name"),
            _CUSTOMER_REF,
            limited=True,
        ),
        _buy(
            "electricity.buy",
            "/electricity/buy",
            _req("meterNumber", "meter_number"),
            _opt("productName", "biller"),
            _req("meterType", "meter_type", enum=_METER_TYPE),
            _ELECTRICITY_AMOUNT,
            _req("customerName", "customer_name"),
            _req("address", "address"),
            _CUSTOMER_REF,
            limited=True,
        ),
        _buy(
            "internet.buy",
            "/internet/buy",
            _req("plan", "plan"),
            _req("accountid", "account_id"),
            _req("phone", "phone"),
            _CUSTOMER_REF,
        ),
        _buy(
            "betting.fund",
            "/betting/funding",
            _req("product", "product"),
            _req("customerIdentifier", "account_id"),
            _BETTING_AMOUNT,
            _CUSTOMER_REF,
        ),
        _buy(
            "education.purchase",
            "/education-pin/purchase",
            _req("quantity", "quantity", "number"),
            _req("product", "product"),
            _CUSTOMER_REF,
        ),
        _esim_packages(),
        _buy(
            "esim.purchase",
            "/esim/purchase",
            _req("packageCode", "package_code"),
            _req("wallettype", "wallettype", default="main"),
            _CUSTOMER_REF,
        ),
        base={**_shared_reads(), **_cards()},
    ),
)

# --- 2026-05-31 (c3ab95a): /api/v1, split validation, no cards -------------------------------

_G_2026_05_31: Final = Generation(
    "2026-05-31",
    "c3ab95a",
    "/api/v1",
    _table(
        _read("services.list", "/services"),
        _read("products.list", "/products", _opt("service", "service")),
        _read("plans.data", "/plans/data", _opt("product", "product")),
        _read("plans.cable", "/plans/cable", _opt("product", "product")),
        _read("transactions.list", "/transactions", *_TRANSACTIONS_PAGE, *_DATES),
        _check(
            "cable.validate",
            "POST",
            "/cable/validate",
            body=(_req("smartcardNumber", "smartcard_number"), _req("cablename", "cablename")),
        ),
        _check(
            "electricity.validate",
            "POST",
            "/electricity/validate",
            body=(
                _req("meterNumber", "meter_number"),
                _req("billerCode", "biller"),
                _req("amount", "amount", "money"),
                _req("meterType", "meter_type", enum=_METER_TYPE),
            ),
        ),
        _buy(
            "airtime.buy",
            "/airtime/buy",
            _req("product", "product"),
            _req("phone", "phone"),
            _AIRTIME_AMOUNT,
            _CUSTOMER_REF,
            limited=True,
        ),
        _buy(
            "data.buy",
            "/data/buy",
            _req("plan", "plan"),
            _req("phone", "phone"),
            _opt("wallettype", "wallettype"),
            _CUSTOMER_REF,
            limited=True,
        ),
        _buy(
            "cable.buy",
            "/cable/buy",
            _req("smartcardNumber", "smartcard_number"),
            _req("cableplan", "cableplan"),
            _req("customerName", "customer_name"),
            _CUSTOMER_REF,
            limited=True,
        ),
        _buy(
            "electricity.buy",
            "/electricity/buy",
            _req("meterNumber", "meter_number"),
            _req("billerCode", "biller"),
            _req("meterType", "meter_type", enum=_METER_TYPE),
            _ELECTRICITY_AMOUNT,
            _req("customerName", "customer_name"),
            _req("address", "address"),
            _CUSTOMER_REF,
            limited=True,
        ),
        _buy(
            "internet.buy",
            "/internet/buy",
            _req("plan", "plan"),
            _req("accountid", "account_id"),
            _req("phone", "phone"),
            _CUSTOMER_REF,
        ),
        _buy(
            "betting.fund",
            "/betting/funding",
            _req("product", "product"),
            _req("account_id", "account_id"),
            _BETTING_AMOUNT,
            _CUSTOMER_REF,
        ),
        _buy(
            "education.purchase",
            "/education-pin/purchase",
            _req("quantity", "quantity", "number", minimum=1, maximum=5),
            _req("exam_name", "product"),
            _opt("examNumber", "exam_number"),
            _CUSTOMER_REF,
            _opt("promocode", "promocode"),
        ),
        _esim_packages(region_types=("country", "multi-country", "global")),
        _buy(
            "esim.purchase",
            "/esim/purchase",
            _req("packageCode", "package_code"),
            _CUSTOMER_REF,
            _opt("iccid", "iccid"),
        ),
        base=_shared_reads(region_kinds=(1, 2)),
    ),
)

#: Every generation by ``api_version``, oldest first.
GENERATIONS: Final[Mapping[str, Generation]] = MappingProxyType(
    {g.api_version: g for g in (_G_2026_04_27, _G_2026_05_09, _G_2026_05_31)}
)
API_VERSIONS: Final = tuple(GENERATIONS)
#: The default: the newest published description (README, "Choosing a generation").
DEFAULT_API_VERSION: Final = API_VERSIONS[-1]

#: The App family (user JWT, no ``channel``), the same in every generation.
APP_OPERATIONS: Final[Mapping[str, Operation]] = MappingProxyType(
    {
        op.name: op
        for op in (
            Operation(
                "wallet.get",
                "GET",
                "/wallet/{wallet_id}",
                APP,
                throttles=(),
                path_params=(("wallet_id", "wallet_id"),),
            ),
            Operation(
                "transactions.list",
                "GET",
                "/transactions",
                APP,
                throttles=(),
                query_fields=(
                    *_PAGE,
                    *_DATES,
                    _opt("service", "service"),
                    _opt("status", "status"),
                    _opt("tranxType", "tranx_type"),
                    _opt("query", "query"),
                ),
            ),
            Operation(
                "transactions.get",
                "GET",
                "/transactions/{transaction_id}",
                APP,
                throttles=(),
                path_params=(("transaction_id", "transaction_id"),),
            ),
        )
    }
)


def generations_with(name: str) -> tuple[str, ...]:
    """The ``api_version`` of every generation that declares operation ``name``, oldest first."""
    return tuple(version for version, g in GENERATIONS.items() if name in g.operations)
