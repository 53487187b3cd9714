"""``2026-04-27`` (``a868848``), the first description, declared in full.

``/api/external/v1``; a ``pin`` in every buy body; ``GET /cable/validate``; electricity
validation names ``billerName``; the richest catalogue and transaction filters; eSIM and
virtual cards (whose free-form bodies name the fields the cards guide shows).
"""

from __future__ import annotations

from typing import Final

from dancity_sdk._declarations import (
    _AIRTIME_AMOUNT,
    _BENEFICIARY,
    _BETTING_AMOUNT,
    _CARD_ID,
    _CUSTOMER_REF,
    _DATES,
    _ELECTRICITY_AMOUNT,
    _ID,
    _METER_TYPE,
    _PAGE,
    _PIN,
    _PROMO,
    _TRANSACTION_FILTERS,
    _TRANSACTION_ID,
    _TRANSACTIONS_PAGE,
    Operation,
    _buy,
    _check,
    _opt,
    _read,
    _req,
    declare,
)

_CATALOGUE: Final = (
    _read("wallet.list", "/wallet"),
    _read("wallet.get", "/wallet/{id}", path_params=_ID),
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
        "plans.internet",
        "/plans/internet",
        _opt("internetid", "internet_id"),
        _opt("product", "product"),
        _opt("action", "action", enum=("FILTER",)),
    ),
    _read(
        "transactions.list",
        "/transactions",
        *_TRANSACTIONS_PAGE,
        *_DATES,
        *_TRANSACTION_FILTERS,
        _opt("filter", "use_filter", "boolean"),
        _opt("isBulk", "is_bulk", "boolean"),
    ),
    _read("transactions.get", "/transactions/{transactionId}", path_params=_TRANSACTION_ID),
)

_VALIDATIONS: Final = (
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
)

_PURCHASES: Final = (
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
)

_ESIM: Final = (
    _read("esim.regions", "/esim/regions", _opt("type", "region_kind", "integer")),
    _read(
        "esim.packages",
        "/esim/packages",
        _req("regionCode", "region_code"),
        _opt("regionType", "region_type"),
        _opt("type", "package_type", enum=("BASE", "TOPUP")),
    ),
    _read("esim.topup_packages", "/esim/topup-packages", _req("iccid", "iccid")),
    _read("esim.my_esims", "/esim/my-esims", *_PAGE),
    _read("esim.details", "/esim/details/{transactionId}", path_params=_TRANSACTION_ID),
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
)

#: Virtual cards: free-form bodies; the fields are the ones the cards guide sends.
_CARDS: Final = (
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

#: Every card operation's name (the cards left the API in 2026-05-31).
CARD_OPERATIONS: Final = tuple(op.name for op in _CARDS)

GENERATION: Final = declare(
    "2026-04-27",
    "a868848",
    "/api/external/v1",
    *_CATALOGUE,
    *_VALIDATIONS,
    *_PURCHASES,
    *_ESIM,
    *_CARDS,
)
