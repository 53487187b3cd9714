"""The VAS purchases and validations (and the unified validation of 2026-05-09).

Every method checks its arguments, then hands them by name to the selected generation's
declaration (`dancity_sdk._spec`), which decides the wire names and refuses, before
any I/O, an argument that generation does not take.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Unpack

from dancity_sdk import _validation as check
from dancity_sdk._models import ProductQuote, Validation
from dancity_sdk._resources._base import Resource, purchase_ref
from dancity_sdk._resources._purchase import (
    BettingExtras,
    EducationExtras,
    PurchaseExtras,
)
from shared_auth._decode import One

if TYPE_CHECKING:
    from dancity_sdk._models import Transaction

__all__ = [
    "AirtimeResource",
    "BettingResource",
    "CableResource",
    "DataResource",
    "EducationResource",
    "ElectricityResource",
    "InternetResource",
    "ValidationResource",
]

_VALIDATION = One(Validation, at=("data",))


class AirtimeResource(Resource):
    """``client.vas.airtime``."""

    __slots__ = ()

    async def buy(
        self,
        *,
        product: str,
        phone: str,
        amount: Decimal | int,
        customer_ref: str | None = None,
        **extras: Unpack[PurchaseExtras],
    ) -> Transaction:
        """Buy airtime. **Check the returned transaction's status** (a 200 can be ``FAILED``).

        ``amount`` is checked against the bounds the selected generation's description
        declares (₦50 to ₦1,000 in every published one) before any I/O.

        Args:
            product: The network's catalog name, e.g. ``"MTN Airtime"``.
            phone: 11-digit number starting with 0.
            amount: Naira, as ``Decimal`` or ``int``.
            customer_ref: Your reference; one is generated when omitted. Either way it is
                on ``tx.sent_customer_ref`` and on
                [`OutcomeUnknownError`][dancity_sdk.OutcomeUnknownError], to reconcile by.
            **extras: The 2026-04-27 fields (``pin``, ``promocode``…), each described in
                [PurchaseExtras][dancity_sdk.PurchaseExtras]; every buy method takes them.
        """
        op = self._operation("airtime.buy", extras, PurchaseExtras)
        return await self._buy(
            op,
            purchase_ref(customer_ref),
            extras,
            product=check.text(product, field="product"),
            phone=check.phone(phone),
            amount=check.amount(amount),
        )


class DataResource(Resource):
    """``client.vas.data``."""

    __slots__ = ()

    async def buy(
        self,
        *,
        plan: str,
        phone: str,
        customer_ref: str | None = None,
        wallettype: str | None = None,
        **extras: Unpack[PurchaseExtras],
    ) -> Transaction:
        """Buy a data plan (``plan`` = a plan's ``plan_id`` or ``id``). Check the status.

        ``wallettype`` defaults to ``"main"`` where the generation requires it.
        """
        op = self._operation("data.buy", extras, PurchaseExtras)
        return await self._buy(
            op,
            purchase_ref(customer_ref),
            extras,
            plan=check.text(plan, field="plan"),
            phone=check.phone(phone),
            wallettype=check.optional_text(wallettype, field="wallettype"),
        )


class CableResource(Resource):
    """``client.vas.cable``."""

    __slots__ = ()

    async def validate(
        self, *, smartcard_number: str, cablename: str, cableplan: str | None = None
    ) -> Validation:
        """Look up the customer behind a smartcard; show ``customer_name`` before buying.

        ``2026-04-27``: ``GET /cable/validate`` (``cableplan`` required);
        ``2026-05-31``: ``POST /cable/validate`` (no plan). ``2026-05-09`` validates
        with ``client.vas.validation.cable(...)``.
        """
        op = self._operation("cable.validate")
        return await self._send(
            op,
            _VALIDATION,
            smartcard_number=check.text(smartcard_number, field="smartcard_number"),
            cablename=check.text(cablename, field="cablename"),
            cableplan=check.optional_text(cableplan, field="cableplan"),
        )

    async def buy(
        self,
        *,
        smartcard_number: str,
        cableplan: str,
        customer_name: str,
        cablename: str | None = None,
        customer_ref: str | None = None,
        **extras: Unpack[PurchaseExtras],
    ) -> Transaction:
        """Subscribe a smartcard to a plan (``cableplan`` = the plan's ``plan_id``).

        ``cablename`` (the provider) is required by ``2026-04-27`` and ``2026-05-09``;
        ``2026-05-31`` resolves it from the plan and refuses it.
        """
        op = self._operation("cable.buy", extras, PurchaseExtras)
        return await self._buy(
            op,
            purchase_ref(customer_ref),
            extras,
            smartcard_number=check.text(smartcard_number, field="smartcard_number"),
            cableplan=check.text(cableplan, field="cableplan"),
            cablename=check.optional_text(cablename, field="cablename"),
            customer_name=check.text(customer_name, field="customer_name"),
        )


class ElectricityResource(Resource):
    """``client.vas.electricity``."""

    __slots__ = ()

    async def validate(
        self, *, meter_number: str, biller: str, amount: Decimal | int, meter_type: str
    ) -> Validation:
        """Look up the customer behind a meter (``biller`` e.g. ``"EKEDC"``).

        ``biller`` is sent as ``billerName`` (2026-04-27) or ``billerCode`` (2026-05-31);
        ``2026-05-09`` validates with ``client.vas.validation.electricity(...)``.
        """
        op = self._operation("electricity.validate")
        return await self._send(
            op,
            _VALIDATION,
            meter_number=check.text(meter_number, field="meter_number"),
            biller=check.text(biller, field="biller"),
            amount=check.amount(amount),
            meter_type=check.meter_type(meter_type),
        )

    async def buy(
        self,
        *,
        meter_number: str,
        biller: str,
        amount: Decimal | int,
        meter_type: str,
        customer_name: str,
        address: str,
        biller_id: str | None = None,
        customer_ref: str | None = None,
        **extras: Unpack[PurchaseExtras],
    ) -> Transaction:
        """Vend electricity (``amount >= 500``). A successful prepaid vend carries ``token``.

        ``biller`` is sent as ``billerName`` (2026-04-27), ``productName`` (2026-05-09) or
        ``billerCode`` (2026-05-31); ``biller_id`` (the biller's ``_id``, sent as
        ``billerCode``) is 2026-04-27 only.
        """
        op = self._operation("electricity.buy", extras, PurchaseExtras)
        return await self._buy(
            op,
            purchase_ref(customer_ref),
            extras,
            meter_number=check.text(meter_number, field="meter_number"),
            biller=check.text(biller, field="biller"),
            biller_id=check.optional_text(biller_id, field="biller_id"),
            meter_type=check.meter_type(meter_type),
            amount=check.amount(amount),
            customer_name=check.text(customer_name, field="customer_name"),
            address=check.text(address, field="address"),
        )


class ValidationResource(Resource):
    """``client.vas.validation``: the unified ``POST /validate`` (api_version 2026-05-09)."""

    __slots__ = ()

    async def cable(self, *, smartcard_number: str, cablename: str) -> Validation:
        """``POST /validate {type: "cable", smartcardNumber, cablename}``."""
        op = self._operation("validate")
        return await self._send(
            op,
            _VALIDATION,
            type="cable",
            smartcard_number=check.text(smartcard_number, field="smartcard_number"),
            cablename=check.text(cablename, field="cablename"),
        )

    async def electricity(
        self, *, meter_number: str, biller: str, amount: Decimal | int, meter_type: str
    ) -> Validation:
        """``POST /validate {type: "electricity", meterNumber, productName, amount, meterType}``."""
        op = self._operation("validate")
        return await self._send(
            op,
            _VALIDATION,
            type="electricity",
            meter_number=check.text(meter_number, field="meter_number"),
            biller=check.text(biller, field="biller"),
            amount=check.amount(amount),
            meter_type=check.meter_type(meter_type),
        )


class InternetResource(Resource):
    """``client.vas.internet``."""

    __slots__ = ()

    async def buy(
        self,
        *,
        plan: str,
        account_id: str,
        phone: str,
        customer_ref: str | None = None,
        **extras: Unpack[PurchaseExtras],
    ) -> Transaction:
        """Buy an internet bundle for a provider account/device id (``accountid``)."""
        op = self._operation("internet.buy", extras, PurchaseExtras)
        return await self._buy(
            op,
            purchase_ref(customer_ref),
            extras,
            plan=check.text(plan, field="plan"),
            account_id=check.text(account_id, field="account_id"),
            phone=check.phone(phone),
        )


class EducationResource(Resource):
    """``client.vas.education``."""

    __slots__ = ()

    async def validate_product(self, *, product: str, quantity: int = 1) -> ProductQuote:
        """Price ``quantity`` exam PINs before buying (2026-04-27 and 2026-05-09)."""
        op = self._operation("education.validate_product")
        return await self._send(
            op,
            One(ProductQuote, at=("data",)),
            product=check.text(product, field="product"),
            quantity=check.positive_int(quantity, field="quantity"),
        )

    async def purchase(
        self,
        *,
        product: str,
        quantity: int = 1,
        exam_number: str | None = None,
        customer_ref: str | None = None,
        **extras: Unpack[EducationExtras],
    ) -> Transaction:
        """Buy exam PINs (delivered once, in ``transaction.pins``: store them).

        ``product`` is sent as ``exam_name`` (2026-05-31) or ``product`` (earlier);
        ``exam_number`` (JAMB) is 2026-05-31 only. ``quantity`` is checked against the
        bounds the generation declares (1 to 5 in 2026-05-31) before any I/O.
        """
        op = self._operation("education.purchase", extras, EducationExtras)
        return await self._buy(
            op,
            purchase_ref(customer_ref),
            extras,
            product=check.text(product, field="product"),
            quantity=check.positive_int(quantity, field="quantity"),
            exam_number=check.optional_text(exam_number, field="exam_number"),
        )


class BettingResource(Resource):
    """``client.vas.betting``."""

    __slots__ = ()

    async def fund(
        self,
        *,
        product: str,
        account_id: str,
        amount: Decimal | int,
        customer_ref: str | None = None,
        **extras: Unpack[BettingExtras],
    ) -> Transaction:
        """Fund a betting account (``amount >= 100``); wrong-account credits are not reversible.

        ``account_id`` is sent as ``account_id`` (2026-05-31) or ``customerIdentifier``.
        """
        op = self._operation("betting.fund", extras, BettingExtras)
        return await self._buy(
            op,
            purchase_ref(customer_ref),
            extras,
            product=check.text(product, field="product"),
            account_id=check.text(account_id, field="account_id"),
            amount=check.amount(amount),
        )
