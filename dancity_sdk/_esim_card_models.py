"""Response models of Dancity's eSIM and virtual-card families.

Read by the same converter as every Dancity model (`dancity_sdk._models`); kept apart so
each module stays one family's worth of reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

import attrs

from dancity_sdk._models import Pagination, _Listing, _wire
from shared_auth._models import APIObject

__all__ = [
    "Card",
    "CardTransaction",
    "CardTransactionPage",
    "Esim",
    "EsimCoverage",
    "EsimDetails",
    "EsimOperator",
    "EsimPackage",
    "EsimPackageDetails",
    "EsimPackages",
    "EsimPage",
    "EsimRegion",
    "EsimRegions",
    "ExchangeRate",
]


# --- eSIM ----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class EsimRegion(APIObject):
    """A country or multi-country area eSIM packages are sold for."""

    code: str | None = None
    name: str | None = None
    type: str | None = None
    flag_url: str | None = None
    iso: str | None = None


@attrs.frozen(kw_only=True)
class EsimRegions(_Listing):
    """``esim.regions``: the regions (``data.regions``)."""

    _ROWS: ClassVar[str] = "regions"
    regions: tuple[EsimRegion, ...] = ()

    def __iter__(self) -> Iterator[EsimRegion]:
        return iter(self.regions)

    def __len__(self) -> int:
        return len(self.regions)


@attrs.frozen(kw_only=True)
class EsimPackage(APIObject):
    """An eSIM data package (``BASE``) or top-up (``TOPUP``); buy it by `package_code`.

    Attributes:
        price: In [`currency`][dancity_sdk.EsimPackage.currency] (USD in the 2026-05-31 top-up list,
            naira elsewhere).
        price_in_naira: The naira price, when the row gives both.
        volume: Bytes of data; [`data_amount`][dancity_sdk.EsimPackage.data_amount] is the same as
            text (``"1GB"``).
        duration: Days of validity; [`validity`][dancity_sdk.EsimPackage.validity] is the same as
            text (``"7 days"``).
    """

    package_code: str | None = None
    name: str | None = None
    description: str | None = None
    data_amount: str | None = None
    validity: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    price_in_naira: Decimal | None = None
    volume: int | None = None
    duration: int | None = None
    type: str | None = None
    region_code: str | None = None


@attrs.frozen(kw_only=True)
class EsimPackages(_Listing):
    """A list of eSIM packages, with the exchange rate used when the API gives it."""

    _ROWS: ClassVar[str] = "packages"
    packages: tuple[EsimPackage, ...] = ()
    exchange_rate: Decimal | None = None

    def __iter__(self) -> Iterator[EsimPackage]:
        return iter(self.packages)

    def __len__(self) -> int:
        return len(self.packages)


@attrs.frozen(kw_only=True)
class Esim(APIObject):
    """One of the merchant's eSIMs, as ``esim.my_esims`` lists it.

    ``activation_code`` installs the eSIM (an ``LPA:`` string): treat it as a secret.
    """

    transaction_id: str | None = None
    tranx_id: str | None = None
    iccid: str | None = None
    status: str | None = None
    package_code: str | None = None
    package_name: str | None = None
    package_volume: int | None = None
    package_duration: int | None = None
    region_code: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    qr_code_url: str | None = attrs.field(default=None, repr=False)
    activation_code: str | None = attrs.field(default=None, repr=False)
    imsi: str | None = None
    smdp_address: str | None = None
    data_usage_remaining: int | None = None
    purchased_at: datetime | None = None
    expires_at: datetime | None = None


@attrs.frozen(kw_only=True)
class EsimPage(_Listing):
    """``esim.my_esims``: a page of eSIMs (``data.esims`` + ``pagination``, or a bare list)."""

    _ROWS: ClassVar[str] = "esims"
    esims: tuple[Esim, ...] = ()
    pagination: Pagination | None = None

    def __iter__(self) -> Iterator[Esim]:
        return iter(self.esims)

    def __len__(self) -> int:
        return len(self.esims)


@attrs.frozen(kw_only=True)
class EsimOperator(APIObject):
    """A mobile operator an eSIM package roams on."""

    operator_name: str | None = None
    network_type: str | None = None


@attrs.frozen(kw_only=True)
class EsimCoverage(APIObject):
    """A location an eSIM package covers, with its operators."""

    location_name: str | None = None
    location_logo: str | None = None
    location_code: str | None = None
    operator_list: tuple[EsimOperator, ...] = ()


@attrs.frozen(kw_only=True)
class EsimPackageDetails(APIObject):
    """The package behind an eSIM, as ``esim.details`` nests it."""

    name: str | None = None
    code: str | None = None
    volume: int | None = None
    duration: int | None = None
    location: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    location_logo: str | None = None
    description: str | None = None
    speed: str | None = None
    coverage: tuple[EsimCoverage, ...] = ()


@attrs.frozen(kw_only=True)
class EsimDetails(APIObject):
    """``esim.details``: one eSIM's state, remaining data and package."""

    iccid: str | None = None
    imsi: str | None = None
    status: str | None = None
    qr_code_url: str | None = attrs.field(default=None, repr=False)
    activation_code: str | None = attrs.field(default=None, repr=False)
    data_remaining: str | None = None
    data_usage_remaining: int | None = None
    total_volume: int | None = None
    total_duration: int | None = None
    validity_remaining: int | None = None
    package_details: EsimPackageDetails | None = None
    created_at: datetime | None = None
    expired_at: datetime | None = None
    expires_at: datetime | None = None


# --- virtual cards -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Card(APIObject):
    """A USD virtual card (``balance`` in [`currency`][dancity_sdk.Card.currency]).

    Attributes:
        sent_customer_ref: The reference the SDK sent with the card creation or funding
            that returned this record; ``None`` on cards from lists and lookups.
    """

    card_id: str | None = None
    id: str | None = attrs.field(default=None, metadata=_wire("_id"))
    last4: str | None = None
    currency: str | None = None
    balance: Decimal | None = None
    status: str | None = None
    sent_customer_ref: str | None = attrs.field(default=None, eq=False, metadata={"local": True})


@attrs.frozen(kw_only=True)
class ExchangeRate(APIObject):
    """Naira per unit of `currency` (``rate`` NGN for 1 USD)."""

    currency: str | None = None
    rate: Decimal | None = None
    base_currency: str | None = None


@attrs.frozen(kw_only=True)
class CardTransaction(APIObject):
    """One spend or funding on a virtual card."""

    id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    description: str | None = None
    created_at: datetime | None = None


@attrs.frozen(kw_only=True)
class CardTransactionPage(_Listing):
    """``cards.transactions``: a card's transactions and their ``total`` count."""

    _ROWS: ClassVar[str] = "transactions"
    transactions: tuple[CardTransaction, ...] = ()
    total: int | None = None

    def __iter__(self) -> Iterator[CardTransaction]:
        return iter(self.transactions)

    def __len__(self) -> int:
        return len(self.transactions)
