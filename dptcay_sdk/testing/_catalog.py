"""The static catalogue: supported currencies and webhook event types."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared_auth._models import JSONValue

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
    """One asset on one network, as ``GET /currencies`` lists it (fields in wire order)."""

    code: str
    name: str
    network: str
    exchange_rate: str
    rate_currency: str = "USD"
    network_fee: str
    confirmations_required: int
    decimals: int

    def to_json(self) -> dict[str, JSONValue]:
        """Return the wire shape of the contract."""
        return asdict(self)


# One row an asset on one network: code, name, network, exchange rate (USD), network fee,
# confirmations required, decimals. The first row of a code is its default network when a
# payment names none.
_ROWS: tuple[tuple[str, str, str, str, str, int, int], ...] = (
    ("BTC", "Bitcoin", "bitcoin", "97250.12", "0.00002", 2, 8),
    ("ETH", "Ether", "ethereum", "3412.55", "0.0006", 12, 18),
    ("USDC", "USD Coin", "ethereum", "1.00", "1.85", 12, 6),
    ("USDC", "USD Coin", "polygon", "1.00", "0.01", 64, 6),
    ("USDT", "Tether USD", "ethereum", "1.00", "1.85", 12, 6),
    ("USDT", "Tether USD", "tron", "1.00", "1.00", 20, 6),
    ("SOL", "Solana", "solana", "187.40", "0.000005", 32, 9),
    ("LTC", "Litecoin", "litecoin", "98.15", "0.0001", 6, 8),
)
CURRENCIES: tuple[Currency, ...] = tuple(
    Currency(
        code=code,
        name=name,
        network=network,
        exchange_rate=rate,
        network_fee=fee,
        confirmations_required=confirmations,
        decimals=decimals,
    )
    for code, name, network, rate, fee, confirmations, decimals in _ROWS
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
