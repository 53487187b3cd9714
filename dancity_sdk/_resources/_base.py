"""What every resource shares: one generation, the client's call function, the money rules."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

import attrs

from dancity_sdk import _validation as check
from dancity_sdk._bodies import build, operation
from dancity_sdk._decoders import One
from dancity_sdk._models import Transaction
from dancity_sdk._routes import route_for

if TYPE_CHECKING:
    from dancity_sdk._spec import Generation, Operation
    from shared_auth import Route

__all__ = ["TRANSACTION", "Call", "Decoder", "Resource"]

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)

#: A purchase's answer: the transaction record under ``data``.
TRANSACTION: Final = One(Transaction, at=("data",))


class Decoder(Protocol[_T_co]):
    """What a call makes of its success body (``One(...)``, ``Many(...)``)."""

    def decode(self, data: Any, reply: Any, converter: Any) -> _T_co:
        """Build the result from the decoded body."""
        ...


class Call(Protocol):
    """The client's function that performs a route and decodes its answer ``into`` a result."""

    def __call__(
        self,
        route: Route,
        /,
        *,
        into: Decoder[_T],
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        reference: str | None = None,
    ) -> Awaitable[_T]:
        """Perform ``route`` and decode its success body."""
        ...


class Resource:
    """A resource: the client's call function plus the selected generation."""

    __slots__ = ("_call", "_generation")

    def __init__(self, call: Call, generation: Generation) -> None:
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

        The reference the SDK sent is on :attr:`Transaction.sent_customer_ref`; the
        record's own ``customer_ref`` is whatever the server says.
        """
        tx = await self._send(
            op, TRANSACTION, reference=customer_ref, customer_ref=customer_ref, **values
        )
        return attrs.evolve(tx, sent_customer_ref=customer_ref)


def purchase_ref(customer_ref: object) -> str:
    """The caller's reference, or a fresh one: every purchase carries one to reconcile by."""
    return check.customer_ref(customer_ref)
