"""What every resource shares: one generation, the client's call function, the money rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from dancity_sdk import _validation as check
from dancity_sdk._bodies import build, operation
from dancity_sdk._models import Transaction
from dancity_sdk._routes import route_for
from shared_auth import One

if TYPE_CHECKING:
    from dancity_sdk._spec import Generation, Operation
    from shared_auth import CallFunction, Decoder

__all__ = ["TRANSACTION", "Resource", "purchase_ref"]

_T = TypeVar("_T")

#: A purchase's answer: the transaction record under ``data``.
TRANSACTION: Final = One(Transaction, at=("data",))


class Resource:
    """A resource: the client's call function plus the selected generation."""

    __slots__ = ("_call", "_generation")

    def __init__(self, call: CallFunction, generation: Generation) -> None:
        self._call = call
        self._generation = generation

    def _operation(self, name: str) -> Operation:
        """The selected generation's declaration; raises before I/O if it has none."""
        return operation(self._generation, name)

    async def _send(
        self,
        op: Operation,
        into: Decoder[_T],
        /,
        *,
        reference: str | None = None,
        **values: Any,
    ) -> _T:
        """Place ``values`` as ``op`` declares them and perform it."""
        request = build(self._generation, op, values)
        return await self._call(
            route_for(op),
            into=into,
            path_params=request.path_params or None,
            params=request.params,
            json=request.json,
            reference=reference,
        )

    async def _buy(self, op: Operation, /, *, customer_ref: str, **values: object) -> Transaction:
        """A purchase: sent once with ``customer_ref``; the answer keeps the server's record.

        The reference the SDK sent is on
        [`Transaction.sent_customer_ref`][dancity_sdk.Transaction.sent_customer_ref]; the record's
        own ``customer_ref`` is whatever the server says.
        """
        tx = await self._send(
            op, TRANSACTION, reference=customer_ref, customer_ref=customer_ref, **values
        )
        return attrs.evolve(tx, sent_customer_ref=customer_ref)


def purchase_ref(customer_ref: object) -> str:
    """The caller's reference, or a fresh one: every purchase carries one to reconcile by."""
    return check.customer_ref(customer_ref)
