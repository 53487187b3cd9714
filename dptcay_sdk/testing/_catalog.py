"""The static catalogue: supported currencies and webhook event types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EVENT_TYPES: tuple[str, ...] = (
    "payment.pending",
    "payment.confirming",
    "payment.completed",
    "payment.expired",
    "payment.failed",
    "refund.completed",
    "refund.failed",
    "dispute.opened",
    "dispute.resolved",
)


@dataclass(frozen=True, kw_only=True)
class Currency:
    """One asset on one network, as ``GET /currencies`` lists it."""

    code: str
    name: str
    network: str
    exchange_rate: str
    network_fee: str
    confirmations_required: int
    decimals: int
    rate_currency: str = "USD"

    def to_json(self) -> dict[str, Any]:
        """Return the wire shape of the contract."""
        return {
            "code": self.code,
            "name": self.name,
            "network": self.network,
            "exchange_rate": self.exchange_rate,
            "rate_currency": self.rate_currency,
            "network_fee": self.network_fee,
            "confirmations_required": self.confirmations_required,
            "decimals": self.decimals,
        }


# The first entry of a code is its default network when a payment names none.
CURRENCIES: tuple[Currency, ...] = (
    Currency(
        code="BTC",
        name="Bitcoin",
        network="bitcoin",
        exchange_rate="97250.12",
        network_fee="0.00002",
        confirmations_required=2,
        decimals=8,
    ),
    Currency(
        code="ETH",
        name="Ether",
        network="ethereum",
        exchange_rate="3412.55",
        network_fee="0.0006",
        confirmations_required=12,
        decimals=18,
    ),
    Currency(
        code="USDC",
        name="USD Coin",
        network="ethereum",
        exchange_rate="1.00",
        network_fee="1.85",
        confirmations_required=12,
        decimals=6,
    ),
    Currency(
        code="USDC",
        name="USD Coin",
        network="polygon",
        exchange_rate="1.00",
        network_fee="0.01",
        confirmations_required=64,
        decimals=6,
    ),
    Currency(
        code="USDT",
        name="Tether USD",
        network="ethereum",
        exchange_rate="1.00",
        network_fee="1.85",
        confirmations_required=12,
        decimals=6,
    ),
    Currency(
        code="USDT",
        name="Tether USD",
        network="tron",
        exchange_rate="1.00",
        network_fee="1.00",
        confirmations_required=20,
        decimals=6,
    ),
    Currency(
        code="SOL",
        name="Solana",
        network="solana",
        exchange_rate="187.40",
        network_fee="0.000005",
        confirmations_required=32,
        decimals=9,
    ),
    Currency(
        code="LTC",
        name="Litecoin",
        network="litecoin",
        exchange_rate="98.15",
        network_fee="0.0001",
        confirmations_required=6,
        decimals=8,
    ),
)


def supported_codes() -> list[str]:
    """Return the asset codes in catalogue order, without duplicates."""
    return list(dict.fromkeys(currency.code for currency in CURRENCIES))


def networks_of(code: str) -> list[str]:
    """Return the networks an asset code is offered on, default first."""
    return [currency.network for currency in CURRENCIES if currency.code == code]


def find_currency(code: str, network: str | None) -> Currency | None:
    """Return the catalogue entry for ``code`` on ``network`` (default network if None)."""
    for currency in CURRENCIES:
        if currency.code == code and network in (None, currency.network):
            return currency
    return None
