"""Request bodies of the VAS routes, per official generation, turned into validated orders.

The generations differ in field names, in which fields they take (a transaction ``pin``, the
cable provider, an exam number) and in which are required; every such difference is read
from the operation's declaration in ``dancity_sdk._spec`` (see ``_generations``), so a buy
takes a ``pin`` exactly where its generation declares one, of the declared length, and a
field is read under the wire name the generation gives it. What happens next (the catalogue
lookups, the PIN check, the messages) is the sandbox's own.

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
#: The sandbox's transaction PIN of any length a declaration asks for is the first digits of
#: this (``SANDBOX_PIN`` and ``SANDBOX_INTERNET_PIN`` among them).
_PIN_DIGITS: Final = "1234567890"
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


def _pay(fields: Fields, gen: Generation, operation: str) -> _Payment:
    """The payment fields, read last: then every field check, then the PIN's."""
    # Where wallettype is declared required, the buyer reads it first (its absence is
    # recorded there); otherwise it defaults to main.
    wallettype = fields.choice("wallettype", WALLET_TYPES, default="main")
    customer_ref = fields.text("customerRef", required=False, exact=True)
    pin = take_pin(fields, gen, operation)
    fields.check()
    check_pin(pin)
    return _Payment(wallettype, customer_ref)


def take_pin(fields: Fields, gen: Generation, operation: str) -> tuple[str, str] | None:
    """The PIN sent and the one due, where ``operation`` declares a ``pin`` (else ``None``).

    The length is the declaration's (4 digits when it declares none); the PIN due is the
    sandbox's PIN of that length.
    """
    declared = gen.field(operation, "pin")
    if declared is None:
        return None
    length = declared.min_length or len(SANDBOX_PIN)
    return fields.pin("pin", length=length), _PIN_DIGITS[:length]


def check_pin(pin: tuple[str, str] | None) -> None:
    """Refuse a PIN that is not the one due (after the field checks passed)."""
    if pin is not None and pin[0] != pin[1]:
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
    payment = _pay(fields, gen, "airtime.buy")
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
    wallettype = gen.field("data.buy", "wallettype")
    if wallettype is not None and wallettype.required:
        fields.text("wallettype")  # records the error when missing
    payment = _pay(fields, gen, "data.buy")
    plan = _found(catalog.data_plan(reference))
    remarks = f"{plan.product} {plan.plan} for {plan.validity}"
    order = Order("DATA", plan.product, plan.price, phone, remarks, extra={"plan": plan.plan_id})
    return _purchase(order, payment, "Data purchase processed")


def buy_cable(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/cable/buy``: the provider is named or derived from the plan.

    Named (``cablename``) where the generation declares it; otherwise derived from the plan.
    """
    fields = Fields(body)
    smartcard = fields.digits("smartcardNumber")
    reference = fields.text("cableplan")
    provider_name = fields.text("cablename") if gen.field("cable.buy", "cablename") else None
    customer = fields.text("customerName")
    payment = _pay(fields, gen, "cable.buy")
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
    payment = _pay(fields, gen, "electricity.buy")
    biller = _found(catalog.product("Electricity", biller_name))
    if amount > biller.maximum:
        raise nest_error(400, [f"amount must not be greater than {biller.maximum}"])
    extra = {"meterType": meter_type, "customerName": customer, "address": address, "token": None}
    extra["meterNumber"] = meter
    remarks = f"{biller.name} {meter_type} N{amount}"
    order = Order("ELECTRICITY", biller.name, amount, meter, remarks, extra=extra)
    return _purchase(order, payment, "Electricity purchase processed")


def _biller_reference(fields: Fields, gen: Generation) -> str:
    # The biller under the name(s) the generation declares: by name or, where declared, by
    # its id; one of them, required or not, must be given.
    declared = gen.names("electricity.buy", "biller", "biller_id")
    if len(declared) == 1:
        return fields.text(declared[0].name)
    name = next((n for f in declared if (n := fields.text(f.name, required=False))), "")
    if not name:
        fields.errors.append(f"{declared[0].name} should not be empty")
    return name


def buy_internet(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/internet/buy``: a plan for an account (the PIN, where declared, 5 digits)."""
    fields = Fields(body)
    reference = fields.text("plan")
    account = fields.text("accountid")
    phone = fields.phone()
    payment = _pay(fields, gen, "internet.buy")
    plan = _found(catalog.internet_plan(reference))
    extra = {"phone": phone, "plan": plan.id, "planName": plan.plan, "accountid": account}
    order = Order("INTERNET", plan.product, plan.price, account, plan.plan, extra=extra)
    return _purchase(order, payment, "Internet bundle purchase processed")


def buy_education(body: Body, gen: Generation, catalog: Catalog) -> Purchase:
    """``POST <prefix>/education-pin/purchase``: 1..5 PINs of an exam product.

    The exam is sent under the name the generation declares (``product`` or ``exam_name``);
    an ``examNumber`` is read (and needed for JAMB) where it is declared.
    """
    fields = Fields(body)
    name = fields.text(gen.wire_name("education.purchase", "product"))
    quantity = fields.integer("quantity", minimum=1, maximum=_MAX_PINS)
    takes_number = gen.field("education.purchase", "examNumber") is not None
    exam_number = fields.digits("examNumber", required=False) if takes_number else ""
    payment = _pay(fields, gen, "education.purchase")
    product = _found(catalog.product("EXAM PIN", name))
    _check_jamb(product, quantity, exam_number if takes_number else None)
    amount = (product.unit_price or Decimal(0)) * quantity
    remarks = f"{quantity} x {product.name}"
    order = Order("EXAM PIN", product.name, amount, exam_number, remarks, quantity=quantity)
    return _purchase(order, payment, "Education pins purchased")


def _check_jamb(product: Product, quantity: int, exam_number: str | None) -> None:
    if not product.matches("JAMB"):
        return
    errors = [] if quantity == 1 else ["quantity must be 1 for JAMB"]
    if exam_number == "":
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

    The account is sent under the name the generation declares (``customerIdentifier``
    or ``account_id``).
    """
    fields = Fields(body)
    name = fields.text("product")
    account = fields.text(gen.wire_name("betting.fund", "account_id"))
    amount = fields.number("amount", minimum=_BETTING_MINIMUM)
    payment = _pay(fields, gen, "betting.fund")
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
        fields.text("cableplan")  # required where declared, though nothing uses it
    provider_name = fields.text("cablename")
    fields.check()
    provider = _found(catalog.product("Cable", provider_name))
    known = smartcard != UNKNOWN_SMARTCARD and _SMARTCARD.fullmatch(smartcard) is not None
    details = {"customerNumber": smartcard, "smartcardNumber": smartcard}
    return _customer(known, "Smartcard number", {**details, "cablename": provider.name})


def validate_meter(source: Body, catalog: Catalog, *, biller_field: str) -> JsonObject:
    """Electricity validation: the biller is ``billerName``, ``productName`` or ``billerCode``."""
    fields = Fields(source)
    meter = fields.text("meterNumber")
    biller_name = fields.text(biller_field)
    fields.number("amount", minimum=Decimal(1))
    meter_type = fields.choice("meterType", _METER_TYPES)
    fields.check()
    biller = _found(catalog.product("Electricity", biller_name))
    known = not meter.endswith(UNKNOWN_METER_SUFFIX) and _METER.fullmatch(meter) is not None
    details = {"address": SANDBOX_ADDRESS, "meterNumber": meter, "meterType": meter_type}
    names = {"billerCode": biller.name, biller_field: biller.name}
    return _customer(known, "Meter number", {**details, **names})


def _customer(known: bool, number: str, details: JsonObject) -> JsonObject:
    """A validation's answer: the sandbox's customer behind a known number, else the 400."""
    if not known:
        raise envelope_error(400, f"{number} not found")
    found = {"status": "success", "customerName": SANDBOX_CUSTOMER, **details}
    return {**found, "message": "Validation successful"}


def validate_any(source: Body, catalog: Catalog, *, biller_field: str) -> JsonObject:
    """The unified ``POST /validate``: ``type`` selects cable or electricity."""
    fields = Fields(source)
    kind = fields.choice("type", ("cable", "electricity"))
    fields.check()
    if kind == "cable":
        return validate_smartcard(source, catalog)
    return validate_meter(source, catalog, biller_field=biller_field)
