"""The route tables and request-body builders, one per generation of the Dancity docs.

The client picks one :class:`Generation` at construction (from ``vas_prefix``); resources
never branch on the generation themselves. The generations differ as follows
(reference §0.2, §7, §8.1):

=====================  ==================================  ==================================
operation              G1 ``/api/external/v1`` (auth guide)  G3 ``/api/v1`` (current pages)
=====================  ==================================  ==================================
cable validation       ``GET /cable/validate?smartcardNumber  ``POST /cable/validate
                       &cableplan&cablename``               {smartcardNumber, cablename}``
electricity biller     ``billerName``                       ``billerCode``
transaction PIN        ``pin`` required on every buy        ``pin`` sent only when given
data ``wallettype``    required (``main`` when not given)   optional
cable buy provider     ``cablename`` required               resolved from the plan
education              ``product`` + ``quantity`` + ``pin``  ``exam_name`` + ``quantity``
                                                            (+ ``examNumber`` for JAMB)
betting account        ``customerIdentifier`` + ``pin``     ``account_id``
=====================  ==================================  ==================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from dancity_sdk._families import APP, APP_PREFIX, VAS
from dancity_sdk._validation import without_none
from shared_auth import ConfigurationError, InvalidInputError, Route

__all__ = [
    "APP",
    "APP_PREFIX",
    "APP_ROUTES",
    "G1",
    "G3",
    "GENERATIONS",
    "VAS",
    "AppRoutes",
    "Bodies",
    "Generation",
    "Payload",
    "Purchase",
    "VasRoutes",
    "generation_for",
]

_KEY: Final = ("key",)
_PURCHASE: Final = ("key", "purchase")

Body = dict[str, Any]


def _read(path: str) -> Route:
    return Route("GET", path, family=VAS, throttles=_KEY)


def _check(method: str, path: str) -> Route:
    # Validations only look things up: safe to retry after a 5xx or a reset.
    return Route(method, path, family=VAS, idempotent=True, throttles=_KEY)


def _buy(path: str) -> Route:
    # Purchases move money: never retried once they may have reached the server.
    return Route(
        "POST",
        path,
        family=VAS,
        idempotent=False,
        throttles=_PURCHASE,
        outcome_advice=(
            "reconcile with client.vas.transactions.reconcile('{reference}') instead of "
            "buying again (the docs advise polling every 10-30 s)"
        ),
    )


@attrs.frozen
class VasRoutes:
    """Every VAS operation of one generation (paths below its prefix)."""

    wallets: Route
    services: Route
    products: Route
    data_plans: Route
    cable_plans: Route
    internet_plans: Route
    transactions: Route
    transaction: Route
    cable_validate: Route
    electricity_validate: Route
    airtime_buy: Route
    data_buy: Route
    cable_buy: Route
    electricity_buy: Route
    internet_buy: Route
    education_purchase: Route
    betting_fund: Route


def _vas_routes(*, cable_validate_method: str) -> VasRoutes:
    return VasRoutes(
        wallets=_read("/wallet"),
        services=_read("/services"),
        products=_read("/products"),
        data_plans=_read("/plans/data"),
        cable_plans=_read("/plans/cable"),
        internet_plans=_read("/plans/internet"),
        transactions=_read("/transactions"),
        transaction=_read("/transactions/{transaction_id}"),
        cable_validate=_check(cable_validate_method, "/cable/validate"),
        electricity_validate=_check("POST", "/electricity/validate"),
        airtime_buy=_buy("/airtime/buy"),
        data_buy=_buy("/data/buy"),
        cable_buy=_buy("/cable/buy"),
        electricity_buy=_buy("/electricity/buy"),
        internet_buy=_buy("/internet/buy"),
        education_purchase=_buy("/education-pin/purchase"),
        betting_fund=_buy("/betting/funding"),
    )


@attrs.frozen
class AppRoutes:
    """The first-party App API (user JWT, no ``channel``), under ``/api``."""

    wallet: Route
    transactions: Route
    transaction: Route


APP_ROUTES: Final = AppRoutes(
    wallet=Route("GET", "/wallet/{wallet_id}", family=APP),
    transactions=Route("GET", "/transactions", family=APP),
    transaction=Route("GET", "/transactions/{transaction_id}", family=APP),
)


@attrs.frozen
class Payload:
    """What one request carries: query parameters and/or a JSON body."""

    params: Mapping[str, Any] | None = None
    json: Body | None = None


@attrs.frozen
class Purchase:
    """The fields every buy may carry, already validated."""

    customer_ref: str
    pin: str | None = attrs.field(default=None, repr=False)
    wallettype: str | None = None


class Bodies:
    """Request bodies of the current generation (G3, ``/api/v1``)."""

    label: str = "vas_prefix='/api/v1'"

    def extras(self, purchase: Purchase, *, wallet: bool = False) -> Body:
        """``customerRef`` always; ``pin`` and ``wallettype`` only when given."""
        self.require_pin(purchase)
        return without_none(
            {
                "customerRef": purchase.customer_ref,
                "pin": purchase.pin,
                "wallettype": purchase.wallettype if wallet else None,
            }
        )

    def cable_validate(
        self, *, smartcard_number: str, cablename: str, cableplan: str | None
    ) -> Payload:
        """``POST /cable/validate {smartcardNumber, cablename}`` (no plan needed)."""
        del cableplan
        return Payload(json={"smartcardNumber": smartcard_number, "cablename": cablename})

    def biller_field(self) -> str:
        """The electricity biller's wire name."""
        return "billerCode"

    def airtime(self, *, product: str, phone: str, amount: Any, purchase: Purchase) -> Body:
        """``POST /airtime/buy``."""
        body = {"product": product, "phone": phone, "amount": amount}
        return {**body, **self.extras(purchase, wallet=True)}

    def electricity_validate(
        self, *, meter_number: str, biller: str, amount: Any, meter_type: str
    ) -> Payload:
        """``POST /electricity/validate``."""
        body = {"meterNumber": meter_number, self.biller_field(): biller}
        return Payload(json={**body, "amount": amount, "meterType": meter_type})

    def electricity_buy(
        self,
        *,
        meter: Mapping[str, Any],
        customer_name: str,
        address: str,
        purchase: Purchase,
    ) -> Body:
        """``POST /electricity/buy``: the validation fields plus the customer's name and address."""
        body = {**meter, "customerName": customer_name, "address": address}
        return {**body, **self.extras(purchase)}

    def internet(self, *, plan: str, account_id: str, phone: str, purchase: Purchase) -> Body:
        """``POST /internet/buy``."""
        body = {"plan": plan, "accountid": account_id, "phone": phone}
        return {**body, **self.extras(purchase)}

    def data(self, *, plan: str, phone: str, purchase: Purchase) -> Body:
        """``POST /data/buy``."""
        return {"plan": plan, "phone": phone, **self.extras(purchase, wallet=True)}

    def cable_buy(
        self,
        *,
        smartcard_number: str,
        cableplan: str,
        customer_name: str,
        cablename: str | None,
        purchase: Purchase,
    ) -> Body:
        """``POST /cable/buy``: the provider is resolved from the plan."""
        body: Body = {
            "smartcardNumber": smartcard_number,
            "cableplan": cableplan,
            "customerName": customer_name,
        }
        if cablename is not None:
            body["cablename"] = cablename
        return {**body, **self.extras(purchase)}

    def education(
        self, *, product: str, quantity: int, exam_number: str | None, purchase: Purchase
    ) -> Body:
        """``POST /education-pin/purchase {exam_name, quantity, examNumber?}``."""
        body = without_none({"exam_name": product, "quantity": quantity, "examNumber": exam_number})
        return {**body, **self.extras(purchase)}

    def betting(self, *, product: str, account_id: str, amount: Any, purchase: Purchase) -> Body:
        """``POST /betting/funding {product, account_id, amount}``."""
        body = {"product": product, "account_id": account_id, "amount": amount}
        return {**body, **self.extras(purchase)}

    def require_pin(self, purchase: Purchase) -> None:
        """G3 bodies carry no PIN unless given (the current OpenAPI bodies have none)."""
        del purchase


def _missing(argument: str, label: str, why: str) -> InvalidInputError:
    msg = f"{argument} is required with {label} ({why}); pass {argument}=..."
    return InvalidInputError(msg, field=argument)


class LegacyBodies(Bodies):
    """Request bodies of the authentication guide's generation (G1, ``/api/external/v1``)."""

    label = "vas_prefix='/api/external/v1'"

    def cable_validate(
        self, *, smartcard_number: str, cablename: str, cableplan: str | None
    ) -> Payload:
        """``GET /cable/validate?smartcardNumber&cableplan&cablename``, all three required."""
        if cableplan is None:
            raise _missing("cableplan", self.label, "its GET /cable/validate requires it")
        params = {"smartcardNumber": smartcard_number, "cableplan": cableplan}
        return Payload(params={**params, "cablename": cablename})

    def biller_field(self) -> str:
        """The electricity biller's wire name."""
        return "billerName"

    def require_pin(self, purchase: Purchase) -> None:
        """Every G1 buy carries the transaction PIN."""
        if purchase.pin is None:
            raise _missing("pin", self.label, "every purchase carries the transaction PIN")

    def data(self, *, plan: str, phone: str, purchase: Purchase) -> Body:
        """``POST /data/buy``: ``wallettype`` is required here; the documented default is main."""
        wallettype = purchase.wallettype or "main"
        return super().data(
            plan=plan, phone=phone, purchase=attrs.evolve(purchase, wallettype=wallettype)
        )

    def cable_buy(
        self,
        *,
        smartcard_number: str,
        cableplan: str,
        customer_name: str,
        cablename: str | None,
        purchase: Purchase,
    ) -> Body:
        """``POST /cable/buy``: names the provider (``cablename``)."""
        if cablename is None:
            raise _missing("cablename", self.label, "cable buys name the provider")
        return super().cable_buy(
            smartcard_number=smartcard_number,
            cableplan=cableplan,
            customer_name=customer_name,
            cablename=cablename,
            purchase=purchase,
        )

    def education(
        self, *, product: str, quantity: int, exam_number: str | None, purchase: Purchase
    ) -> Body:
        """``POST /education-pin/purchase {product, quantity, pin}``."""
        del exam_number  # G1 has no examNumber field
        return {"product": product, "quantity": quantity, **self.extras(purchase)}

    def betting(self, *, product: str, account_id: str, amount: Any, purchase: Purchase) -> Body:
        """``POST /betting/funding {product, customerIdentifier, amount, pin}``."""
        body = {"product": product, "customerIdentifier": account_id, "amount": amount}
        return {**body, **self.extras(purchase)}


@attrs.frozen
class Generation:
    """One generation of the docs: its VAS prefix, routes and body builder."""

    name: str
    prefix: str
    routes: VasRoutes
    bodies: Bodies


G1: Final = Generation(
    "G1",
    "/api/external/v1",
    _vas_routes(cable_validate_method="GET"),
    LegacyBodies(),
)
G3: Final = Generation("G3", "/api/v1", _vas_routes(cable_validate_method="POST"), Bodies())
GENERATIONS: Final = {G1.prefix: G1, G3.prefix: G3}


def generation_for(vas_prefix: object) -> Generation:
    """The generation a documented VAS prefix selects.

    Raises:
        ConfigurationError: the prefix is not one of the two documented ones.
    """
    generation = GENERATIONS.get(vas_prefix.rstrip("/")) if isinstance(vas_prefix, str) else None
    if generation is None:
        msg = (
            f"vas_prefix must be '/api/external/v1' (the authentication guide's generation, "
            f"the default) or '/api/v1' (the newer API reference); got {vas_prefix!r}"
        )
        raise ConfigurationError(msg)
    return generation
