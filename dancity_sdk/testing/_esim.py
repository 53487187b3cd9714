"""eSIMs: the region and package catalogue, and the eSIMs bought on the account.

Packages are priced in USD and charged in NGN at the sandbox's fixed exchange rate (the
same rate the virtual-card routes quote). A ``BASE`` package issues a new eSIM with a fresh
ICCID; a ``TOPUP`` package adds data to an existing one (its ``iccid`` is required).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from dancity_sdk._declarations import Answers
from dancity_sdk.testing._catalog import normalise
from dancity_sdk.testing._wire import JsonObject, iso

EXCHANGE_RATE: Final = Decimal(1620)  # NGN per USD, as in the docs' examples
_MB: Final = 1024 * 1024
_GB: Final = 1024 * _MB
_DAY: Final = 24 * 3600


@dataclass(frozen=True, slots=True)
class Region:
    """A destination: one country (``type=1``) or a multi-country bundle (``type=2``)."""

    code: str
    name: str
    kind: str  # "country" | "multi-country"

    def wire(self) -> JsonObject:
        """The ``/esim/regions`` row."""
        return {
            "code": self.code,
            "name": self.name,
            "type": self.kind,
            "flagUrl": None,
            "iso": None,
        }


@dataclass(frozen=True, slots=True)
class Package:
    """A data package for a region; ``kind`` is ``BASE`` (new eSIM) or ``TOPUP``."""

    code: str
    region: str
    name: str
    volume: int  # bytes
    days: int
    usd: Decimal
    kind: str = "BASE"

    @property
    def naira(self) -> Decimal:
        """What the wallet pays: the USD price at the sandbox rate, whole naira."""
        return (self.usd * EXCHANGE_RATE).quantize(Decimal(1))

    @property
    def data_amount(self) -> str:
        """``"1GB"`` / ``"500MB"``."""
        if self.volume >= _GB:
            return f"{self.volume // _GB}GB"
        return f"{self.volume // _MB}MB"

    def wire(self) -> JsonObject:
        """The ``/esim/packages`` row (both generations) with the detail fields added."""
        return {
            "packageCode": self.code,
            "name": self.name,
            "dataAmount": self.data_amount,
            "validity": f"{self.days} days",
            "price": self.naira,
            "description": f"{self.data_amount} valid for {self.days} days",
            "currency": "NGN",
            "volume": self.volume,
            "duration": self.days,
            "type": self.kind,
            "regionCode": self.region,
            "priceInUsd": self.usd,
        }

    def topup_wire(self, dialect: Answers) -> JsonObject:
        """A ``/esim/topup-packages`` row: ``views`` quote USD plus ``priceInNaira``."""
        if dialect == "documents":
            return {
                "packageCode": self.code,
                "name": self.name,
                "dataAmount": self.data_amount,
                "price": self.naira,
            }
        return {
            "packageCode": self.code,
            "name": self.name,
            "description": f"Add {self.data_amount} valid for {self.days} days",
            "price": self.usd,
            "currency": "USD",
            "volume": self.volume,
            "duration": self.days,
            "type": self.kind,
            "regionCode": self.region,
            "priceInNaira": self.naira,
            "dataAmount": self.data_amount,
        }


REGIONS: Final = (
    Region("NG", "Nigeria", "country"),
    Region("GH", "Ghana", "country"),
    Region("ES", "Spain", "country"),
    Region("QA", "Qatar", "country"),
    Region("EU-42", "Europe (40+ areas)", "multi-country"),
    Region("AF-29", "Africa (29 areas)", "multi-country"),
)

PACKAGES: Final = (
    Package("NG-1GB-7D", "NG", "Nigeria 1GB 7 Days", _GB, 7, Decimal("1.85")),
    Package("NG-3GB-30D", "NG", "Nigeria 3GB 30 Days", 3 * _GB, 30, Decimal("4.60")),
    Package(
        "NG-500MB-7D-TOP", "NG", "Nigeria 500MB Top-Up", 500 * _MB, 7, Decimal("0.62"), "TOPUP"
    ),
    Package("GH-1GB-7D", "GH", "Ghana 1GB 7 Days", _GB, 7, Decimal("2.10")),
    Package("ES-1GB-7D", "ES", "Spain 1GB 7 Days", _GB, 7, Decimal("1.20")),
    Package("QA-1GB-7D", "QA", "Qatar 1GB 7Days", _GB, 7, Decimal("1.7115")),
    Package("EU-5GB-30D", "EU-42", "Europe 5GB 30 Days", 5 * _GB, 30, Decimal("9.50")),
    Package("EU-1GB-7D-TOP", "EU-42", "Europe 1GB Top-Up", _GB, 7, Decimal("1.90"), "TOPUP"),
    Package("AF-2GB-15D", "AF-29", "Africa 2GB 15 Days", 2 * _GB, 15, Decimal("6.00")),
)


def regions(kind: int | None) -> list[Region]:
    """All regions, or only single-country (``1``) or multi-country (``2``) ones."""
    if kind is None:
        return list(REGIONS)
    wanted = "country" if kind == 1 else "multi-country"
    return [region for region in REGIONS if region.kind == wanted]


def packages(region: str, kind: str = "BASE") -> list[Package]:
    """The packages of a region (code compared loosely) of one kind."""
    wanted = normalise(region)
    return [p for p in PACKAGES if normalise(p.region) == wanted and p.kind == kind.upper()]


def package(code: str) -> Package | None:
    """A package by its exact code."""
    return next((p for p in PACKAGES if p.code == code), None)


def activation_code(iccid: str) -> str:
    """The LPA activation string of an ICCID (stable, so it can be quoted before install)."""
    digest = hashlib.sha256(iccid.encode()).hexdigest()[:32].upper()
    return f"LPA:1$smdp.sandbox.dancity.invalid${digest}"


@dataclass(slots=True)
class Esim:
    """One installed eSIM and what is left on it."""

    iccid: str
    package: Package
    transaction_id: str  # the purchase record's Mongo _id
    tranx_id: str
    customer_ref: str
    amount: Decimal
    purchased_at: float
    remaining: int
    expires_at: float
    topups: list[str] = field(default_factory=list)

    @property
    def activation_code(self) -> str:
        """The LPA string a phone scans."""
        return activation_code(self.iccid)

    @property
    def imsi(self) -> str:
        """A stable IMSI for the ICCID."""
        return "62120" + self.iccid[-10:]

    @property
    def qr_code_url(self) -> str:
        """Where the install QR code would be."""
        return f"https://sandbox.dancity.invalid/esim/qr/{self.iccid}.png"

    def row(self, dialect: Answers) -> JsonObject:
        """A ``/esim/my-esims`` row."""
        if dialect == "documents":
            return {
                "iccid": self.iccid,
                "status": "ACTIVE",
                "packageCode": self.package.code,
                "expiresAt": iso(self.expires_at),
            }
        return {
            "transactionId": self.transaction_id,
            "tranxId": self.tranx_id,
            "packageCode": self.package.code,
            "packageName": self.package.name,
            "packageVolume": self.package.volume,
            "packageDuration": self.package.days,
            "regionCode": self.package.region,
            "amount": self.amount,
            "currency": "NGN",
            "iccid": self.iccid,
            "qrCodeUrl": self.qr_code_url,
            "activationCode": self.activation_code,
            "imsi": self.imsi,
            "smdpAddress": None,
            "status": "GOT_RESOURCE",
            "dataUsageRemaining": self.remaining,
            "purchasedAt": iso(self.purchased_at),
            "expiresAt": iso(self.expires_at),
        }

    def details(self, dialect: Answers, now: float) -> JsonObject:
        """The ``/esim/details/{transactionId}`` object."""
        if dialect == "documents":
            return {
                "iccid": self.iccid,
                "status": "ACTIVE",
                "dataRemaining": _size(self.remaining),
                "expiresAt": iso(self.expires_at),
            }
        days_left = max(int((self.expires_at - now) // _DAY), 0)
        return {
            "iccid": self.iccid,
            "imsi": self.imsi,
            "qrCodeUrl": self.qr_code_url,
            "activationCode": self.activation_code,
            "status": "GOT_RESOURCE",
            "totalVolume": self.package.volume,
            "totalDuration": self.package.days,
            "validityRemaining": days_left,
            "dataUsageRemaining": self.remaining,
            "packageDetails": self._package_details(),
            "createdAt": iso(self.purchased_at),
            "expiredAt": iso(self.expires_at),
        }

    def _package_details(self) -> JsonObject:
        region = next((r for r in REGIONS if r.code == self.package.region), None)
        name = region.name if region else self.package.region
        logo = f"https://flagcdn.com/w320/{self.package.region.lower()}.png"
        return {
            "name": self.package.name,
            "code": self.package.code,
            "volume": self.package.volume,
            "duration": self.package.days,
            "location": self.package.region,
            "price": self.package.usd,
            "currency": "USD",
            "locationLogo": logo,
            "description": self.package.name,
            "speed": "3G/4G/5G",
            "coverage": [
                {
                    "locationName": name,
                    "locationLogo": logo,
                    "locationCode": self.package.region,
                    "operatorList": [{"operatorName": "sandbox", "networkType": "5G"}],
                }
            ],
        }


def _size(volume: int) -> str:
    if volume >= _GB and volume % _GB == 0:
        return f"{volume // _GB}GB"
    return f"{volume // _MB}MB"


class EsimStore:
    """The eSIMs on the account, newest last; every mutation holds one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._esims: list[Esim] = []

    def add(self, esim: Esim) -> None:
        """Record a newly issued eSIM."""
        with self._lock:
            self._esims.append(esim)

    def by_iccid(self, iccid: str) -> Esim | None:
        """The eSIM with this ICCID."""
        with self._lock:
            return next((e for e in self._esims if e.iccid == iccid), None)

    def top_up(self, iccid: str, pack: Package, tranx_id: str, now: float) -> None:
        """Add a top-up's data and days to an eSIM."""
        with self._lock:
            esim = next(e for e in self._esims if e.iccid == iccid)
            esim.remaining += pack.volume
            esim.expires_at = max(esim.expires_at, now) + pack.days * _DAY
            esim.topups.append(tranx_id)

    def find(self, ident: str, record_ids: dict[str, str]) -> Esim | None:
        """An eSIM by its purchase's ``_id``/``tranxId``, or by a customerRef mapped to one."""
        with self._lock:
            wanted = record_ids.get(ident, ident)
            for esim in reversed(self._esims):
                if wanted in {esim.transaction_id, esim.tranx_id, *esim.topups}:
                    return esim
            return None

    def all(self) -> list[Esim]:
        """Every eSIM, newest first."""
        with self._lock:
            return list(reversed(self._esims))
