"""``client.vas.cards``: USD virtual cards (api_version 2026-04-27 and 2026-05-09).

The descriptions declare these bodies free-form; the SDK sends the fields the virtual-card
guide shows, plus ``customerRef`` on the two that move money (creating and funding).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

import attrs

from dancity_sdk import _validation as check
from dancity_sdk._esim_card_models import Card, CardTransactionPage, ExchangeRate
from dancity_sdk._resources._base import Resource, purchase_ref
from shared_auth._decode import Many, One

if TYPE_CHECKING:
    from dancity_sdk._spec import Operation
    from shared_auth import ResultList

__all__ = ["CardsResource"]

_CARD: Final = One(Card, at=("data",))


class CardsResource(Resource):
    """``client.vas.cards``: create, fund, freeze and inspect virtual cards."""

    __slots__ = ()

    async def list(self) -> ResultList[Card]:
        """Every virtual card of the merchant."""
        return await self._send(self._operation("cards.list"), Many(Card, at=("data",)))

    async def create(self, *, customer_ref: str | None = None) -> Card:
        """Create a card (it may cost a fee): sent once, never replayed; reconcile on doubt.

        The reference sent is on ``card.sent_customer_ref``.
        """
        op = self._operation("cards.create")
        return await self._move_money(op, purchase_ref(customer_ref))

    async def exchange_rate(self) -> ExchangeRate:
        """Naira per US dollar, for pricing a card or its funding."""
        op = self._operation("cards.exchange_rate")
        return await self._send(op, One(ExchangeRate, at=("data",)))

    async def transactions(
        self, card_id: str, /, *, page: int | None = None, limit: int | None = None
    ) -> CardTransactionPage:
        """A card's spending and fundings, one page."""
        op = self._operation("cards.transactions")
        return await self._send(
            op,
            One(CardTransactionPage, at=("data",)),
            card_id=check.text(card_id, field="card_id"),
            page=check.optional_positive_int(page, field="page"),
            limit=check.optional_positive_int(limit, field="limit"),
        )

    async def fund(
        self,
        card_id: str,
        /,
        *,
        amount: Decimal | int,
        action: str = "fund",
        customer_ref: str | None = None,
    ) -> Card:
        """Move ``amount`` US dollars from the wallet to the card (or back: ``withdraw``).

        Money moves: sent once with ``customer_ref``; after
        [`OutcomeUnknownError`][dancity_sdk.OutcomeUnknownError] check the card's balance and
        transactions before trying again.
        """
        op = self._operation("cards.fund")
        return await self._move_money(
            op,
            purchase_ref(customer_ref),
            card_id=check.text(card_id, field="card_id"),
            amount=check.amount(amount),
            action=check.text(action, field="action"),
        )

    async def get(self, card_id: str, /) -> Card:
        """One card."""
        op = self._operation("cards.get")
        return await self._send(op, _CARD, card_id=check.text(card_id, field="card_id"))

    async def update(self, card_id: str, /, *, status: str) -> Card:
        """Change a card's status, e.g. ``status="frozen"`` to freeze it."""
        op = self._operation("cards.update")
        return await self._send(
            op,
            _CARD,
            card_id=check.text(card_id, field="card_id"),
            status=check.text(status, field="status"),
        )

    async def _move_money(self, op: Operation, ref: str, **values: object) -> Card:
        card = await self._send(op, _CARD, reference=ref, customer_ref=ref, **values)
        return attrs.evolve(card, sent_customer_ref=ref)
