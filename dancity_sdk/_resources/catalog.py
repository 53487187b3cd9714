"""``client.vas.wallet`` and ``client.vas.catalog``: balances, services, products, plans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from dancity_sdk import _validation as check
from dancity_sdk._models import Plan, Product, Service, Wallet
from dancity_sdk._resources._base import Resource
from shared_auth._decode import Many, One

if TYPE_CHECKING:
    from shared_auth import ResultList

__all__ = ["CatalogResource", "WalletResource"]

_PLANS: Final = Many(Plan, at=("data",))


class WalletResource(Resource):
    """``client.vas.wallet``: the merchant's wallets."""

    __slots__ = ()

    async def balances(self) -> ResultList[Wallet]:
        """The merchant's wallets (``main`` and ``bonus``) with their balances."""
        return await self._send(self._operation("wallet.list"), Many(Wallet, at=("data",)))

    async def get(self, wallet_id: str, /) -> Wallet:
        """One of the merchant's wallets by its ``_id`` (``GET /wallet/{id}``)."""
        op = self._operation("wallet.get")
        ident = check.text(wallet_id, field="wallet_id")
        return await self._send(op, One(Wallet, at=("data",)), id=ident)


class CatalogResource(Resource):
    """``client.vas.catalog``: services → products → plans. Cache results for 15 to 60 minutes.

    Filters are the query parameters the selected generation declares; one it lacks is
    refused before I/O with the generations that take it.
    """

    __slots__ = ()

    async def services(
        self,
        *,
        name: str | None = None,
        service_id: str | None = None,
        disable: bool | None = None,
        display_on_menu: bool | None = None,
        is_utility: bool | None = None,
    ) -> ResultList[Service]:
        """Every service (``AIRTIME``, ``DATA``, ``Cable``…)."""
        op = self._operation("services.list")
        return await self._send(
            op,
            Many(Service, at=("allServices", "data")),
            name=check.optional_text(name, field="name"),
            service_id=check.optional_text(service_id, field="service_id"),
            disable=check.optional_bool(disable, field="disable"),
            display_on_menu=check.optional_bool(display_on_menu, field="display_on_menu"),
            is_utility=check.optional_bool(is_utility, field="is_utility"),
        )

    async def service(self, service_id: str, /) -> Service:
        """One service by ``_id`` (``GET /services/{id}``, 2026-04-27)."""
        op = self._operation("services.get")
        ident = check.text(service_id, field="service_id")
        return await self._send(op, One(Service, at=("data",)), id=ident)

    async def products(
        self,
        *,
        service: str | None = None,
        name: str | None = None,
        product_id: str | None = None,
    ) -> ResultList[Product]:
        """Products, optionally of one service (e.g. ``service="AIRTIME"``)."""
        op = self._operation("products.list")
        return await self._send(
            op,
            Many(Product, at=("allProduct", "data")),
            service=check.optional_text(service, field="service"),
            name=check.optional_text(name, field="name"),
            product_id=check.optional_text(product_id, field="product_id"),
        )

    async def product(self, product_id: str, /) -> Product:
        """One product by ``_id`` (``GET /products/{productId}``, 2026-04-27)."""
        op = self._operation("products.get")
        ident = check.text(product_id, field="product_id")
        return await self._send(op, One(Product, at=("data",)), product_id=ident)

    async def data_plans(
        self,
        *,
        product: str | None = None,
        plan_id: str | None = None,
        is_hot_deal: bool | None = None,
        is_bucket_plan: bool | None = None,
    ) -> ResultList[Plan]:
        """Data plans, e.g. ``product="MTN GIFTING"``; buy with the plan's ``plan_id``."""
        op = self._operation("plans.data")
        return await self._send(
            op,
            _PLANS,
            product=check.optional_text(product, field="product"),
            plan_id=check.optional_text(plan_id, field="plan_id"),
            is_hot_deal=check.optional_bool(is_hot_deal, field="is_hot_deal"),
            is_bucket_plan=check.optional_bool(is_bucket_plan, field="is_bucket_plan"),
        )

    async def cable_plans(
        self, *, product: str | None = None, cable_plan_id: str | None = None
    ) -> ResultList[Plan]:
        """Cable plans, e.g. ``product="GOTV"``; buy with the plan's ``plan_id``."""
        op = self._operation("plans.cable")
        return await self._send(
            op,
            _PLANS,
            product=check.optional_text(product, field="product"),
            cable_plan_id=check.optional_text(cable_plan_id, field="cable_plan_id"),
        )

    async def internet_plans(
        self,
        *,
        product: str | None = None,
        internet_id: str | None = None,
        action: str | None = None,
    ) -> ResultList[Plan]:
        """Internet plans, e.g. ``product="Spectranet"``; buy with the plan's ``id``."""
        op = self._operation("plans.internet")
        return await self._send(
            op,
            _PLANS,
            product=check.optional_text(product, field="product"),
            internet_id=check.optional_text(internet_id, field="internet_id"),
            action=check.optional_text(action, field="action"),
        )
