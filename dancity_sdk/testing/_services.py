"""Request bodies of the VAS routes, per official generation, turned into validated orders.

The generations differ in field names and in the PIN (see ``_generations``):

* ``2026-04-27``: every buy requires ``pin`` (4 digits; internet 5), electricity buys name
  the biller by ``billerName`` (or its id as ``billerCode``), validation uses ``billerName``.
* ``2026-05-09``: no ``pin``; electricity names the biller ``productName``; one
  ``POST /validate`` with ``type``.
* ``2026-05-31``: no ``pin``, ``billerCode``, the cable provider is resolved from the plan,
  education sends ``exam_name`` (and ``examNumber``), betting ``account_id``.

Fields a generation does not declare are ignored, as a NestJS whitelisting pipe does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, TypeVar

from dancity_sdk.testing._catalog import Catalog, Plan, Product
from dancity_sdk.testing._fields import WALLET_TYPES, Fields
from dancity_sdk.testing._generations import Generation
from dancity_sdk.testing._ledger import Order
from dancity_sdk.testing._wire import JsonObject, envelope_error, nest_error

SANDBOX_PIN: Final = "1234"
SANDBOX_INTERNET_PIN: Final = "12345"
SANDBOX_CUSTOMER: Final = "John Doe"
SANDBOX_ADDRESS: Final = "12 Example Street, Lagos"
UNKNOWN_SMARTCARD: Final = "0000000000"
UNKNOWN_METER_SUFFIX: Final = "9999"
_SMARTCARD: Final = re.compile(r"[0-9]{10,11}")
_METER: Final = re.compile(r"[0-9]{6,13}")
_METER_TYPES: Final = ("prepaid", "postpaid")
_ELECTRICITY_MINIMUM: Final = Decimal(500)
_BETTING_MINIMUM: Final = Decimal(100)
_MAX_PINS: Final = 5
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Purchase:
    """A validated buy: the order plus how to pay for it and what to answer."""

    order: Order
    wallettype: str
    customer_ref: str
    message: str


Body = Mapping[str, object]
Buyer = Callable[[Body, Generation, Catalog], Purchase]


@dataclass(frozen=True, slots=True)
class _Payment:
    wallettype: str
    customer_ref: str
    pin: str


def _payment(fields: Fields, gen: Generation, *, pin_length: int = 4) -> _Payment:
    # G1 data buys list wallettype as required; everywhere else it defaults to main.
    wallettype = fields.choice("wallettype", WALLET_TYPES, default="main")
    customer_ref = fields.text("customerRef", required=False, exact=True)
    pin = fields.pin("pin", length=pin_length) if gen.takes_pin else ""
    return _Payment(wallettype, customer_ref, pin)


def _settle(fields: Fields, gen: Generation, payment: _Payment, *, pin: str = SANDBOX_PIN) -> None:
    fields.check()
    if gen.takes_pin and payment.pin != pin:
        raise nest_error(400, "Invalid transaction PIN")


def _found(row: _T | None) -> _T:
    if row is None:
        raise nest_error(400, "Product not found")
    return row


def _purchase(order: Order, payment: _Payment, message: str) -> Purchase:
    return Purchase(order, payment.wallettype, payment.customer_ref, message)


def buy_airtime(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/airtime/buy``: amount bounds come from the product (50..50000)."""
    fields = Fields(body)
    name = fields.text("product")
    product = catalog.product("AIRTIME", name) if name else None
    low, high = (product.minimum, product.maximum) if product else (Decimal(50), Decimal(50000))
    phone = fields.phone()
    amount = fields.number("amount", minimum=low, maximum=high)
    payment = _payment(fields, gen)
    _settle(fields, gen, payment)
    product = _found(product)
    remarks = f"{product.name} N{amount} to {phone}"
    network = product.name.split()[0]
    order = Order(
        "AIRTIME",
        product.name,
        amount,
        phone,
        remarks,
        discount=product.discount,
        extra={"network": network},
    )
    return _purchase(order, payment, "Airtime purchase processed")


def buy_data(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/data/buy``: ``plan`` is a ``planId`` or the plan's ``_id``."""
    fields = Fields(body)
    reference = fields.text("plan")
    phone = fields.phone()
    if gen.legacy_names:
        fields.text("wallettype")  # required on /api/external/v1: records the error when missing
    payment = _payment(fields, gen)
    _settle(fields, gen, payment)
    plan = _found(catalog.data_plan(reference))
    remarks = f"{plan.product} {plan.plan} for {plan.validity}"
    order = Order("DATA", plan.product, plan.price, phone, remarks, extra={"plan": plan.plan_id})
    return _purchase(order, payment, "Data purchase processed")


def buy_cable(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/cable/buy``: the provider is named or derived from the plan.

    ``/api/external/v1`` names it (``cablename``); ``/api/v1`` derives it from the plan.
    """
    fields = Fields(body)
    smartcard = fields.digits("smartcardNumber")
    reference = fields.text("cableplan")
    provider_name = fields.text("cablename") if gen.legacy_names else None
    customer = fields.text("customerName")
    payment = _payment(fields, gen)
    _settle(fields, gen, payment)
    plan = _cable_plan(catalog, reference, provider_name)
    extra = {
        "customerName": customer,
        "package": plan.plan,
        "cableplan": plan.plan_id,
        "smartcardNumber": smartcard,
    }
    remarks = f"{plan.plan} subscription"
    order = Order("CABLE", plan.product, plan.price, smartcard, remarks, extra=extra)
    return _purchase(order, payment, "Cable subscription processed")


def _cable_plan(catalog: Catalog, reference: str, provider_name: str | None) -> Plan:
    if provider_name is None:
        return _found(catalog.cable_plan(reference))
    provider = _found(catalog.product("Cable", provider_name))
    plan = _found(catalog.cable_plan(reference, provider.name))
    return _found(plan if plan.product == provider.name else None)


def buy_electricity(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/electricity/buy``: amount >= 500; the biller per generation."""
    fields = Fields(body)
    meter = fields.digits("meterNumber")
    biller_name = _biller_reference(fields, gen)
    meter_type = fields.choice("meterType", _METER_TYPES)
    amount = fields.number("amount", minimum=_ELECTRICITY_MINIMUM)
    customer = fields.text("customerName")
    address = fields.text("address")
    payment = _payment(fields, gen)
    _settle(fields, gen, payment)
    biller = _found(catalog.product("Electricity", biller_name))
    if amount > biller.maximum:
        raise nest_error(400, [f"amount must not be greater than {biller.maximum}"])
    extra = {"meterType": meter_type, "customerName": customer, "address": address, "token": None}
    extra["meterNumber"] = meter
    remarks = f"{biller.name} {meter_type} N{amount}"
    order = Order("ELECTRICITY", biller.name, amount, meter, remarks, extra=extra)
    return _purchase(order, payment, "Electricity purchase processed")


def _biller_reference(fields: Fields, gen: Generation) -> str:
    if gen.version == "2026-05-31":
        return fields.text("billerCode")
    if gen.version == "2026-05-09":
        return fields.text("productName")
    # 2026-04-27 buys take the biller's name, or its Mongo id as billerCode; one of the two.
    name = fields.text("billerName", required=False) or fields.text("billerCode", required=False)
    if not name:
        fields.errors.append("billerName should not be empty")
    return name


def buy_internet(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/internet/buy``: ``2026-04-27`` needs the 5-digit PIN."""
    fields = Fields(body)
    reference = fields.text("plan")
    account = fields.text("accountid")
    phone = fields.phone()
    payment = _payment(fields, gen, pin_length=len(SANDBOX_INTERNET_PIN))
    _settle(fields, gen, payment, pin=SANDBOX_INTERNET_PIN)
    plan = _found(catalog.internet_plan(reference))
    extra = {"phone": phone, "plan": plan.id, "planName": plan.plan, "accountid": account}
    order = Order("INTERNET", plan.product, plan.price, account, plan.plan, extra=extra)
    return _purchase(order, payment, "Internet bundle purchase processed")


def buy_education(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/education-pin/purchase``: 1..5 PINs of an exam product.

    ``/api/external/v1`` names it ``product``; ``/api/v1`` ``exam_name`` (+ ``examNumber``).
    """
    fields = Fields(body)
    name = fields.text("product" if gen.legacy_names else "exam_name")
    quantity = fields.integer("quantity", minimum=1, maximum=_MAX_PINS)
    exam_number = "" if gen.legacy_names else fields.digits("examNumber", required=False)
    payment = _payment(fields, gen)
    _settle(fields, gen, payment)
    product = _found(catalog.product("EXAM PIN", name))
    _check_jamb(product, quantity, exam_number, gen)
    amount = (product.unit_price or Decimal(0)) * quantity
    remarks = f"{quantity} x {product.name}"
    order = Order("EXAM PIN", product.name, amount, exam_number, remarks, quantity=quantity)
    return _purchase(order, payment, "Education pins purchased")


def _check_jamb(product: Product, quantity: int, exam_number: str, gen: Generation) -> None:
    if not product.matches("JAMB"):
        return
    errors = [] if quantity == 1 else ["quantity must be 1 for JAMB"]
    if not gen.legacy_names and not exam_number:
        errors.append("examNumber should not be empty")
    if errors:
        raise nest_error(400, errors)


def validate_education(body: Body, catalog: Catalog) -> JsonObject:
    """``POST <prefix>/education-pin/validate-product``: the price of ``quantity`` PINs."""
    fields = Fields(body)
    name = fields.text("product")
    quantity = fields.integer("quantity", minimum=1, maximum=_MAX_PINS)
    fields.check()
    product = _found(catalog.product("EXAM PIN", name))
    price = product.unit_price or Decimal(0)
    return {
        "product": product.name,
        "pricePerUnit": price,
        "quantity": quantity,
        "total": price * quantity,
    }


def buy_betting(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/betting/funding``: at least 100 onto a betting account.

    ``/api/external/v1`` names the account ``customerIdentifier``; ``/api/v1`` ``account_id``.
    """
    fields = Fields(body)
    name = fields.text("product")
    account = fields.text("customerIdentifier" if gen.legacy_names else "account_id")
    amount = fields.number("amount", minimum=_BETTING_MINIMUM)
    payment = _payment(fields, gen)
    _settle(fields, gen, payment)
    product = _found(catalog.product("Betting", name))
    remarks = f"{product.name} wallet funding for {account}"
    extra = {"account_id": account, "customerIdentifier": account}
    order = Order("BETTING", product.name, amount, account, remarks, extra=extra)
    return _purchase(order, payment, "Betting account funded")


def validate_smartcard(source: Body, catalog: Catalog, *, needs_plan: bool = False) -> JsonObject:
    """Cable validation (GET query, POST body or unified): the customer behind a smartcard."""
    fields = Fields(source)
    smartcard = fields.text("smartcardNumber")
    if needs_plan:
        fields.text("cableplan")  # the 2026-04-27 GET requires it, though nothing uses it
    provider_name = fields.text("cablename")
    fields.check()
    provider = _found(catalog.product("Cable", provider_name))
    if smartcard == UNKNOWN_SMARTCARD or not _SMARTCARD.fullmatch(smartcard):
        raise envelope_error(400, "Smartcard number not found")
    return {
        "status": "success",
        "customerName": SANDBOX_CUSTOMER,
        "customerNumber": smartcard,
        "smartcardNumber": smartcard,
        "cablename": provider.name,
        "message": "Validation successful",
    }


def validate_meter(source: Body, catalog: Catalog, *, biller_field: str) -> JsonObject:
    """Electricity validation: the biller is ``billerName``, ``productName`` or ``billerCode``."""
    fields = Fields(source)
    meter = fields.text("meterNumber")
    biller_name = fields.text(biller_field)
    fields.number("amount", minimum=Decimal(1))
    meter_type = fields.choice("meterType", _METER_TYPES)
    fields.check()
    biller = _found(catalog.product("Electricity", biller_name))
    if meter.endswith(UNKNOWN_METER_SUFFIX) or not _METER.fullmatch(meter):
        raise envelope_error(400, "Meter number not found")
    return {
        "status": "success",
        "customerName": SANDBOX_CUSTOMER,
        "address": SANDBOX_ADDRESS,
        "meterNumber": meter,
        "meterType": meter_type,
        "billerCode": biller.name,
        biller_field: biller.name,
        "message": "Validation successful",
    }


def validate_any(source: Body, catalog: Catalog) -> JsonObject:
    """``2026-05-09``'s unified ``POST /validate``: ``type`` selects cable or electricity."""
    fields = Fields(source)
    kind = fields.choice("type", ("cable", "electricity"))
    fields.check()
    if kind == "cable":
        return validate_smartcard(source, catalog)
    return validate_meter(source, catalog, biller_field="productName")
