"""The virtual-card operations of the Dancity sandbox (its card state lives in ``_cards``)."""

from __future__ import annotations

from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response

from dancity_sdk.testing import _esim
from dancity_sdk.testing._cards import (
    CARD_ACTIONS,
    CREATION_FEE_USD,
    Card,
    CardMovement,
)
from dancity_sdk.testing._faults import apply
from dancity_sdk.testing._fields import Fields
from dancity_sdk.testing._handler_kit import (
    _DEFAULT_PAGE_SIZE,
    Caller,
    SandboxState,
    _paging,
    json_body,
    path_value,
)
from dancity_sdk.testing._ledger import Event, Order
from dancity_sdk.testing._wire import (
    JsonObject,
    ok,
    validation_error,
)


class CardHandlers:
    """``cards.*`` behaviour over one `SandboxState` (mixed into ``Handlers``)."""

    state: SandboxState

    # --- virtual cards --------------------------------------------------------------------

    async def cards(self, _request: Request, _caller: Caller) -> Response:
        """``cards.list``."""
        return ok("Cards fetched", [card.wire() for card in self.state.cards.all()])

    async def card(self, request: Request, _caller: Caller) -> Response:
        """``cards.get``."""
        return ok("Card fetched", self.state.cards.get(path_value(request)).wire())

    async def exchange_rate(self, _request: Request, _caller: Caller) -> Response:
        """``cards.exchange_rate``: NGN per USD."""
        data = {"currency": "USD", "rate": _esim.EXCHANGE_RATE, "baseCurrency": "NGN"}
        return ok("Exchange rate fetched", data)

    async def create_card(self, request: Request, caller: Caller) -> Response:
        """``cards.create``: charges the creation fee; answers 201 with the new card."""
        state = self.state
        fields = Fields(await json_body(request))
        customer_ref = fields.text("customerRef", required=False, exact=True)
        name = fields.text("nameOnCard", required=False) or "SANDBOX USER"
        fields.check()
        card_id = "card_" + state.ledger.new_id()
        naira = CREATION_FEE_USD * _esim.EXCHANGE_RATE
        order = _card_order(card_id, naira, "Virtual card creation")
        record, events = self._charge(order, caller, customer_ref)
        card = Card(card_id, f"{int(card_id[-8:], 16) % 10000:04d}", name, state.clock())
        card.history.append(CardMovement(record["_id"], Decimal(0), "Card created", state.clock()))
        state.cards.add(card)
        await state.outbox.publish(events)
        body = ok("Card created", {**card.wire(), "transaction": record})
        body.status_code = 201
        return await apply(state.faults.pop(), request, body)

    async def fund_card(self, request: Request, caller: Caller) -> Response:
        """``cards.fund``: move USD onto (``fund``) or off (``withdraw``) a card; 201."""
        state = self.state
        fields = Fields(await json_body(request))
        card_id = fields.text("cardId")
        amount = fields.number("amount", minimum=Decimal("0.01"))
        action = fields.choice("action", CARD_ACTIONS, default="fund")
        customer_ref = fields.text("customerRef", required=False, exact=True)
        fields.check()
        card = state.cards.get(card_id)
        state.cards.check_move(card, action, amount)
        naira = (amount * _esim.EXCHANGE_RATE).quantize(Decimal("0.01"))
        remarks = f"Virtual card {action} ${amount}"
        order = _card_order(card_id, naira, remarks, usdAmount=amount)
        # Card movements always go through (a card id's last digits decide nothing).
        if action == "fund":
            record, events = self._charge(order, caller, customer_ref)
        else:
            record, events = state.ledger.credit(
                order, wallettype="main", channel=caller.channel, customer_ref=customer_ref
            )
        movement = CardMovement(record["_id"], amount, remarks, state.clock())
        state.cards.move(card, movement, credit=action == "fund")
        await state.outbox.publish(events)
        data = {
            "cardId": card.id,
            "balance": card.balance,
            "currency": "USD",
            "transaction": record,
        }
        message = "Card funded successfully" if action == "fund" else "Card withdrawal successful"
        body = ok(message, data)
        body.status_code = 201
        return await apply(state.faults.pop(), request, body)

    def _charge(
        self, order: Order, caller: Caller, customer_ref: str
    ) -> tuple[JsonObject, list[Event]]:
        # Card charges always succeed (a card id's last digits decide no outcome).
        return self.state.ledger.purchase(
            order,
            wallettype="main",
            channel=caller.channel,
            customer_ref=customer_ref,
            status="SUCCESS",
        )

    async def update_card(self, request: Request, _caller: Caller) -> Response:
        """``cards.update``: ``{"status": "frozen" | "active"}``."""
        fields = Fields(await json_body(request))
        status = fields.text("status").upper()
        if status and status not in {"FROZEN", "ACTIVE"}:
            fields.errors.append("status must be one of the following values: frozen, active")
        fields.check()
        card = self.state.cards.get(path_value(request))
        self.state.cards.set_status(card, status)
        return ok("Card updated", {"cardId": card.id, "status": card.status, **_card_extra(card)})

    async def card_transactions(self, request: Request, _caller: Caller) -> Response:
        """``cards.transactions``: the card's history, newest first."""
        page, limit, errors = _paging(request.query_params, _DEFAULT_PAGE_SIZE)
        if errors:
            raise validation_error(errors)
        card = self.state.cards.get(path_value(request))
        rows = [m.wire() for m in reversed(card.history)]
        data = {"total": len(rows), "transactions": rows[(page - 1) * limit : page * limit]}
        return ok("Transactions fetched", data)


def _card_order(card_id: str, naira: Decimal, remarks: str, **extra: object) -> Order:
    """The ledger order of a card movement (its naira value off the main wallet)."""
    extra = {"cardId": card_id, **extra}
    return Order("VIRTUAL CARD", "USD Virtual Card", naira, card_id, remarks, extra=extra)


def _card_extra(card: Card) -> JsonObject:
    return {"_id": card.id, "balance": card.balance, "currency": "USD"}
