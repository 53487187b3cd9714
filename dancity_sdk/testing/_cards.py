"""USD virtual cards: create, fund or withdraw against the NGN wallet, freeze, list spend.

Card amounts are USD; the NGN wallet moves by ``amount x EXCHANGE_RATE``. Creating a card
costs `CREATION_FEE_USD` (a sandbox convention: the docs give no fee). Every money
movement is also a wallet transaction (service ``VIRTUAL CARD``), so it can be requeried
by ``customerRef`` like any purchase.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from dancity_sdk.testing._wire import JsonObject, envelope_error, iso, nest_error

CREATION_FEE_USD: Final = Decimal(1)
CARD_STATUSES: Final = ("ACTIVE", "FROZEN")
CARD_ACTIONS: Final = ("fund", "withdraw")


@dataclass(frozen=True, slots=True)
class CardMovement:
    """One line of a card's history."""

    id: str
    amount: Decimal
    description: str
    created_at: float

    def wire(self) -> JsonObject:
        """The ``/cards/transactions/{cardId}`` row."""
        return {
            "id": self.id,
            "amount": self.amount,
            "currency": "USD",
            "description": self.description,
            "createdAt": iso(self.created_at),
        }


@dataclass(slots=True)
class Card:
    """One USD virtual card."""

    id: str
    last4: str
    name: str
    created_at: float
    balance: Decimal = Decimal(0)
    status: str = "ACTIVE"
    history: list[CardMovement] = field(default_factory=list)

    def wire(self) -> JsonObject:
        """The card as the card routes return it (``_id`` and ``cardId`` are the same)."""
        return {
            "_id": self.id,
            "cardId": self.id,
            "last4": self.last4,
            "maskedPan": f"5399 **** **** {self.last4}",
            "nameOnCard": self.name,
            "brand": "MASTERCARD",
            "currency": "USD",
            "balance": self.balance,
            "status": self.status,
            "createdAt": iso(self.created_at),
        }


class CardStore:
    """The account's cards; every mutation holds one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cards: dict[str, Card] = {}

    def add(self, card: Card) -> None:
        """Record a new card."""
        with self._lock:
            self._cards[card.id] = card

    def all(self) -> list[Card]:
        """Every card, oldest first."""
        with self._lock:
            return list(self._cards.values())

    def get(self, card_id: str) -> Card:
        """A card by id.

        Raises:
            ApiError: 404 when there is no such card.
        """
        with self._lock:
            card = self._cards.get(card_id)
        if card is None:
            raise envelope_error(404, "Card not found")
        return card

    def check_move(self, card: Card, action: str, amount: Decimal) -> None:
        """Refuse a movement the card cannot take (before any money moves).

        Raises:
            ApiError: 400 for a frozen card or a withdrawal above the card's balance.
        """
        if card.status != "ACTIVE":
            raise nest_error(400, "Card is frozen")
        if action == "withdraw" and amount > card.balance:
            raise nest_error(400, "Insufficient card balance")

    def move(self, card: Card, movement: CardMovement, *, credit: bool) -> None:
        """Apply a checked movement to the card's balance and history."""
        with self._lock:
            card.balance += movement.amount if credit else -movement.amount
            card.history.append(movement)

    def set_status(self, card: Card, status: str) -> None:
        """Freeze or unfreeze."""
        with self._lock:
            card.status = status
