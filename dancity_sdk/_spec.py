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

* ``GENERATIONS[api_version]`` → `Generation` (``prefix``, ``commit``, ``operations``);
* ``generation.operations[name]`` → `Operation` (``method``, ``path`` below the
  prefix with OpenAPI ``{placeholders}``, ``family``, ``idempotent``, ``throttles``,
  ``body_fields``, ``query_fields``, ``path_params``, ``required``);
* `generations_with` — which generations have an operation;
* `APP_OPERATIONS` — the App family (user JWT, under `APP_PREFIX`), the same in
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
from typing import Final

from dancity_sdk._declarations import (
    _AIRTIME_AMOUNT,
    _BENEFICIARY,
    _BETTING_AMOUNT,
    _CUSTOMER_REF,
    _DATES,
    _ELECTRICITY_AMOUNT,
    _ID,
    _METER_TYPE,
    _PAGE,
    _PIN,
    _PROMO,
    _TRANSACTIONS_PAGE,
    KEY_LIMIT,
    PURCHASE_LIMIT,
    THROTTLE_LIMITS,
    THROTTLE_WINDOW,
    Field,
    Generation,
    Operation,
    _buy,
    _cards,
    _check,
    _esim_packages,
    _opt,
    _read,
    _req,
    _shared_reads,
    _table,
)
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
