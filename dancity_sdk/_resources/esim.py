"""``client.vas.esim``: regions, packages, purchase and the merchant's eSIMs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Unpack

from dancity_sdk import _validation as check
from dancity_sdk._esim_card_models import EsimDetails, EsimPackages, EsimPage, EsimRegions
from dancity_sdk._resources._base import Resource, purchase_ref
from dancity_sdk._resources._purchase import PurchaseExtras
from shared_auth._decode import One

if TYPE_CHECKING:
    from dancity_sdk._models import Transaction

__all__ = ["EsimResource"]

_PACKAGES: Final = One(EsimPackages, at=("data",))


class EsimResource(Resource):
    """``client.vas.esim``: data eSIMs for travel, bought from the naira wallet."""

    __slots__ = ()

    async def regions(self, *, region_kind: int | None = None) -> EsimRegions:
        """Countries and areas with packages (``region_kind`` 1 = country, 2 = multi)."""
        op = self._operation("esim.regions")
        kind = check.optional_positive_int(region_kind, field="region_kind")
        return await self._send(op, One(EsimRegions, at=("data",)), region_kind=kind)

    async def packages(
        self,
        *,
        region_code: str,
        region_type: str | None = None,
        package_type: str | None = None,
    ) -> EsimPackages:
        """Packages for a region (``region_code="NG"``); ``package_type`` BASE or TOPUP."""
        op = self._operation("esim.packages")
        return await self._send(
            op,
            _PACKAGES,
            region_code=check.text(region_code, field="region_code"),
            region_type=check.optional_text(region_type, field="region_type"),
            package_type=check.optional_text(package_type, field="package_type"),
        )

    async def topup_packages(self, *, iccid: str) -> EsimPackages:
        """Top-ups for an installed eSIM."""
        op = self._operation("esim.topup_packages")
        return await self._send(op, _PACKAGES, iccid=check.text(iccid, field="iccid"))

    async def purchase(
        self,
        *,
        package_code: str,
        customer_ref: str | None = None,
        iccid: str | None = None,
        wallettype: str | None = None,
        **extras: Unpack[PurchaseExtras],
    ) -> Transaction:
        """Buy an eSIM package (or a top-up: pass the eSIM's ``iccid``, 2026-05-31).

        A purchase: sent once with ``customer_ref`` (generated when omitted); after
        [`OutcomeUnknownError`][dancity_sdk.OutcomeUnknownError] reconcile, never buy again. The
        answer carries ``iccid`` and ``activation_code`` (install it; keep it secret). ``**extras``:
        the 2026-04-27 fields, see [PurchaseExtras][dancity_sdk.PurchaseExtras].
        """
        op = self._operation("esim.purchase", extras, PurchaseExtras)
        return await self._buy(
            op,
            purchase_ref(customer_ref),
            extras,
            package_code=check.text(package_code, field="package_code"),
            iccid=check.optional_text(iccid, field="iccid"),
            wallettype=check.optional_text(wallettype, field="wallettype"),
        )

    async def my_esims(self, *, page: int | None = None, limit: int | None = None) -> EsimPage:
        """The merchant's eSIMs, one page."""
        op = self._operation("esim.my_esims")
        return await self._send(
            op,
            One(EsimPage, at=("data",)),
            page=check.optional_positive_int(page, field="page"),
            limit=check.optional_positive_int(limit, field="limit"),
        )

    async def details(self, transaction_id: str, /) -> EsimDetails:
        """One eSIM's state and remaining data, by its purchase's transaction id."""
        op = self._operation("esim.details")
        ident = check.text(transaction_id, field="transaction_id")
        return await self._send(op, One(EsimDetails, at=("data",)), transaction_id=ident)
