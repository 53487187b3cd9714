"""The sandbox catalogue: services, products and plans, mostly from the docs' sample data.

Rows marked "sandbox" are invented to give every service something to buy; the rest come
from Appendix A of the API reference. Ids are derived from names so they never change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from dancity_sdk._declarations import Answers
from dancity_sdk.testing._wire import JsonObject

_SEPARATORS: Final = re.compile(r"[\s_-]+")


def normalise(name: str) -> str:
    """Compare names the way the API does: hyphen and underscore equal space; any case."""
    return _SEPARATORS.sub(" ", name).strip().casefold()


def stable_id(kind: str, name: str) -> str:
    """A 24-hex Mongo-style id that is the same in every sandbox run."""
    return hashlib.sha256(f"{kind}:{name}".encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Product:
    """A purchasable product: an airtime network, data product, biller, platform or exam."""

    name: str
    service: str
    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    unit_price: Decimal | None = None
    aliases: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The product's ``_id``."""
        return stable_id("product", self.name)

    def matches(self, name: str) -> bool:
        """Whether ``name`` is this product's ``_id``, name or one of its aliases."""
        wanted = normalise(name)
        return name == self.id or wanted in {normalise(self.name), *map(normalise, self.aliases)}

    @property
    def pricing_method(self) -> str:
        """``FIXED`` for unit-priced products (exam PINs), else ``PERCENTAGE`` (a discount)."""
        return "FIXED" if self.unit_price is not None else "PERCENTAGE"

    def wire(self, dialect: Answers = "views") -> JsonObject:
        """The ``allProduct`` row: the ``documents`` shapes nest the service as ``{_id, name}``."""
        row: JsonObject = {
            "_id": self.id,
            "name": self.name,
            "note": f"Buy {self.name}",
            "disable": False,
            "pricingmethod": self.pricing_method,
            "price": self.unit_price if self.unit_price is not None else self.discount,
            "min": self.minimum,
            "max": self.maximum,
            "discount": self.discount,
        }
        if dialect == "documents":
            row["service"] = {"_id": service_id(self.service), "name": self.service}
        else:
            row["service"] = self.service
        if self.aliases:
            row["displayName"] = self.aliases[0]
        return row


@dataclass(frozen=True, slots=True)
class Plan:
    """A data, cable or internet plan; ``plan_id`` is what buys send."""

    product: str
    plan: str
    price: Decimal
    validity: str
    plan_id: str

    @property
    def id(self) -> str:
        """The plan's Mongo ``_id`` (accepted by buys as well as ``planId``)."""
        return (
            self.plan_id if self.plan_id.startswith("iplan_") else stable_id("plan", self.plan_id)
        )

    def _view(self, **extra: object) -> JsonObject:
        """The flat row of the ``views`` shapes."""
        row = {"_id": self.id, "product": self.product, "plan": self.plan, "price": self.price}
        return {**row, **extra}

    def data_wire(self, dialect: Answers) -> JsonObject:
        """A ``/plans/data`` row: flat in the ``views`` shapes, the stored plan in ``documents``."""
        if dialect != "documents":
            return self._view(validity=self.validity, planId=self.plan_id)
        size, volume = _plan_size(self.plan)
        gigabytes = size if volume == "GB" else size / 1000
        return {
            "_id": self.id,
            "product": {
                "name": self.product,
                "disable": False,
                "service": {"name": "DATA", "disable": False},
                "sortOrder": 3,
            },
            "plansize": size,
            "plansizegb": gigabytes,
            "planvolume": volume,
            "sellingprice": self.price,
            "validity": self.validity,
            "isbucketplan": False,
            "isHotDeal": False,
            "planId": self.plan_id,
        }

    def cable_wire(self, dialect: Answers) -> JsonObject:
        """A ``/plans/cable`` row: flat (no validity) in ``views``, stored in ``documents``."""
        if dialect != "documents":
            return self._view(planId=self.plan_id)
        return {
            "_id": self.id,
            "package": self.plan,
            "product": {"name": self.product},
            "sellingprice": self.price,
            "costprice": self.price,
            "commission": Decimal(0),
            "disable": False,
            "vendingmedium": "sandbox",
            "planId": self.plan_id,
            "validity": self.validity,
        }

    def internet_wire(self) -> JsonObject:
        """The ``/plans/internet`` row (its own shape in the docs)."""
        return {"_id": self.id, "name": self.plan, "product": self.product, "amount": self.price}


_SIZE: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(MB|GB|TB)", re.IGNORECASE)


def _plan_size(plan: str) -> tuple[Decimal, str]:
    """``"40MB"`` → ``(40, "MB")``; a plan name without a size → ``(0, "MB")``."""
    found = _SIZE.search(plan)
    if found is None:
        return Decimal(0), "MB"
    return Decimal(found.group(1)), found.group(2).upper()


_SERVICES: Final = (
    ("66d1ccc630a43475d74bde4d", "DATA"),
    ("66e0c7670f79621083603b24", "EXAM PIN"),
    ("66e303049b161ae6c74fa0a3", "BILL"),
    ("66e9735fe61416ed74c118b2", "INTERNET"),
    ("6835949ef33a409a9996b667", "VIRTUAL CARD"),
    ("68d8462d3d56536a80047a69", "Betting"),
    ("690b4284cf429961e4641223", "AIRTIME"),
    ("69c27af6acd6c0eddbb5ce39", "eSIM"),
    ("69e88decc1df22abb3e80558", "Cable"),
    ("69e88e02c1df22abb3e805c6", "Electricity"),
)


def service_id(name: str) -> str:
    """The ``_id`` of a service by name (a stable id for unknown names)."""
    wanted = normalise(name)
    found = (ident for ident, service in _SERVICES if normalise(service) == wanted)
    return next(found, stable_id("service", name))


def _airtime(name: str, discount: str) -> Product:
    return Product(name, "AIRTIME", Decimal(50), Decimal(50000), Decimal(discount))


def _biller(code: str, display: str) -> Product:
    return Product(code, "Electricity", Decimal(500), Decimal(500000), aliases=(display,))


def _betting(name: str) -> Product:
    return Product(name, "Betting", Decimal(100), Decimal(100000))


def _exam(name: str, alias: str, price: int) -> Product:
    return Product(
        name, "EXAM PIN", Decimal(1), Decimal(5), unit_price=Decimal(price), aliases=(alias,)
    )


_PRODUCTS: Final = (
    _airtime("MTN Airtime", "1.5"),
    _airtime("Airtel Airtime", "2"),
    _airtime("Glo Airtime", "2"),
    _airtime("T2 Mobile Airtime", "2"),
    Product("MTN GIFTING", "DATA"),
    Product("GLO GIFTING", "DATA"),  # sandbox
    Product("DSTV", "Cable"),
    Product("GOTV", "Cable"),
    Product("Startimes", "Cable"),
    _biller("EKEDC", "Eko Electricity"),
    _biller("IKEDC", "Ikeja Electric"),
    _biller("AEDC", "Abuja Electricity"),
    _biller("PHEDC", "Port Harcourt Electricity"),
    _betting("1XBET"),
    _betting("SportyBet"),
    _betting("BetKing"),
    _exam("WAEC Result Checker", "WAEC", 4500),
    _exam("NECO Result Checker", "NECO", 1300),  # sandbox price
    _exam("JAMB UTME PIN", "JAMB", 6200),  # sandbox price
    Product("Spectranet", "INTERNET"),
    Product("Smile", "INTERNET"),  # sandbox
)


def _data(
    size: str, price: int, validity: str, product: str = "MTN GIFTING", tail: str = ""
) -> Plan:
    # The docs' plan ids spell out the plan: size, product and validity (plus any tail).
    plan_id = f"{size}_{product.replace(' ', '_')}_{validity.replace(' ', '')}{tail}"
    return Plan(product, size, Decimal(price), validity, plan_id)


_DATA_PLANS: Final = (
    _data("40MB", 50, "1 Day"),
    _data("1GB", 500, "1 Day"),
    _data("2GB", 1500, "30 Days"),
    _data("10GB", 4500, "30 Days"),
    # Both casings are in the docs' sample: plan ids are opaque, never normalised.
    _data("20GB", 5000, "7 Days"),
    _data("20GB", 5000, "7 days"),
    _data("25GB", 7000, "30 Days", tail="(Postpaid)"),
    _data("1GB", 450, "30 Days", "GLO GIFTING"),  # sandbox
)


def _cable(product: str, name: str, price: int, plan_id: str, validity: str = "1 Month") -> Plan:
    return Plan(product, name, Decimal(price), validity, plan_id)


_CABLE_PLANS: Final = (
    _cable("GOTV", "GOtv Supa Plus - monthly N16,800", 16800, "GOtv_Supa_Plus_monthly_N16_800"),
    _cable("GOTV", "GOtv Supa - monthly N11,400", 11400, "GOtv_Supa_monthly_N11_400"),
    _cable("GOTV", "GOtv Jolli N5,800", 5800, "GOtv_Jolli_N5_800"),
    _cable("GOTV", "GOtv Jinja N3,900", 3900, "GOtv_Jinja_N3_900"),
    _cable("GOTV", "GOtv Smallie - monthly N1900", 1900, "GOtv_Smallie_monthly_N1900"),
    _cable(
        "GOTV", "GOtv Smallie - quarterly N5,100", 5100, "GOtv_Smallie_quarterly_N5_100", "3 Months"
    ),
    _cable("GOTV", "GOtv Smallie - yearly N15,000", 15000, "GOtv_Smallie_yearly_N15_000", "1 Year"),
    _cable("GOTV", "GOtv Max N8,500", 8500, "GOtv_Max_N8_500"),
    _cable("GOTV", "GOtv Max", 8500, "GOtv_Max"),
    _cable("DSTV", "DStv Padi", 4400, "DStv_Padi"),  # sandbox
    _cable("DSTV", "DStv Compact", 19000, "DStv_Compact"),  # sandbox
    _cable("DSTV", "DStv Premium", 44500, "DStv_Premium"),  # sandbox
    _cable("Startimes", "Nova - monthly", 1900, "Nova_monthly_Startimes"),  # sandbox
    _cable("Startimes", "Basic - monthly", 3700, "Basic_monthly_Startimes"),  # sandbox
)

_INTERNET_PLANS: Final = (
    Plan("Spectranet", "Spectranet 10GB", Decimal(5000), "30 Days", "iplan_001"),
    Plan("Spectranet", "Spectranet 25GB", Decimal(10000), "30 Days", "iplan_002"),  # sandbox
    Plan("Smile", "Smile 5GB", Decimal(3000), "30 Days", "iplan_003"),  # sandbox
)


def _service_row(ident: str, name: str) -> JsonObject:
    # Both documented row shapes at once: {_id, name} and the stored service's flags.
    utility = name in {"Electricity", "Cable", "INTERNET", "BILL"}
    return {
        "_id": ident,
        "name": name,
        "disable": False,
        "displayonmenu": True,
        "isutility": utility,
        "icon": f"https://sandbox.dancity.invalid/icons/{stable_id('icon', name)}.png",
    }


def _of_product(plans: tuple[Plan, ...], product: str | None) -> list[Plan]:
    if not product:
        return list(plans)
    wanted = normalise(product)
    return [plan for plan in plans if normalise(plan.product) == wanted]


def _by_id(plans: tuple[Plan, ...], reference: str) -> Plan | None:
    return next((plan for plan in plans if reference in {plan.plan_id, plan.id}), None)


class Catalog:
    """Read-only lookups over the sample catalogue."""

    def services(self, name: str | None = None) -> list[JsonObject]:
        """The ``allServices`` rows, optionally only those called ``name``."""
        rows = [_service_row(ident, service) for ident, service in _SERVICES]
        if not name:
            return rows
        return [row for row in rows if normalise(row["name"]) == normalise(name)]

    def service(self, ident: str) -> JsonObject | None:
        """One service by ``_id``."""
        return next((row for row in self.services() if row["_id"] == ident), None)

    def product_by_id(self, ident: str) -> Product | None:
        """One product by ``_id``."""
        return next((row for row in _PRODUCTS if row.id == ident), None)

    def products(self, service: str | None = None) -> list[Product]:
        """Every product, or those of one service (name compared loosely)."""
        if not service:
            return list(_PRODUCTS)
        wanted = normalise(service)
        return [product for product in _PRODUCTS if normalise(product.service) == wanted]

    def product(self, service: str, name: str) -> Product | None:
        """The product of ``service`` called ``name`` (or one of its aliases)."""
        return next((row for row in self.products(service) if row.matches(name)), None)

    def data_plans(self, product: str | None = None) -> list[Plan]:
        """Data plans, optionally of one product (``MTN_GIFTING`` = ``MTN GIFTING``)."""
        return _of_product(_DATA_PLANS, product)

    def data_plan(self, reference: str) -> Plan | None:
        """A data plan by ``planId`` or ``_id``."""
        return _by_id(_DATA_PLANS, reference)

    def cable_plans(self, product: str | None = None) -> list[Plan]:
        """Cable plans, optionally of one provider."""
        return _of_product(_CABLE_PLANS, product)

    def cable_plan(self, reference: str, provider: str | None = None) -> Plan | None:
        """A cable plan by ``planId``/``_id``, or by display name within ``provider`` (G1)."""
        plan = _by_id(_CABLE_PLANS, reference)
        if plan is not None or provider is None:
            return plan
        wanted = normalise(reference)
        return next(
            (row for row in self.cable_plans(provider) if normalise(row.plan) == wanted), None
        )

    def internet_plans(self, product: str | None = None) -> list[Plan]:
        """Internet plans, optionally of one provider."""
        return _of_product(_INTERNET_PLANS, product)

    def internet_plan(self, reference: str) -> Plan | None:
        """An internet plan by ``_id``."""
        return _by_id(_INTERNET_PLANS, reference)
