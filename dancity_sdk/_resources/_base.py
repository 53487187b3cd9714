"""What every resource shares: one generation, the client's call function, the money rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

import attrs

from dancity_sdk import _validation as check
from dancity_sdk._bodies import build, operation
from dancity_sdk._models import Transaction
from dancity_sdk._resources._purchase import checked_extras
from dancity_sdk._routes import route_for
from shared_auth._decode import One
from shared_auth._options import check_options

if TYPE_CHECKING:
    from dancity_sdk._spec import Generation, Operation
    from shared_auth._decode import Decoder
    from shared_auth._routes import CallFunction

__all__ = ["TRANSACTION", "Resource", "purchase_ref"]

_T = TypeVar("_T")

#: A purchase's answer: the transaction record under ``data``.
TRANSACTION: Final = One(Transaction, at=("data",))


class Resource:
    """A resource: the client's call function plus the selected generation."""

    __slots__ = ("_call", "_generation")

    #: Where users reach the resource, for messages (``client.app`` for the App family).
    _namespace: ClassVar[str] = "client.vas"

    def __init__(self, call: CallFunction, generation: Generation) -> None:
        self._call = call
        self._generation = generation

    def _operation(
        self, name: str, keywords: Mapping[str, object] | None = None, record: object = None
    ) -> Operation:
        """The selected generation's declaration; raises before I/O if it has none.

        ``keywords``, the method's ``**`` keywords, are checked first against ``record``,
        the ``TypedDict`` that types them.
        """
        if keywords:
            self._refuse_unknown(keywords, record, name)
        return operation(self._generation, name)

    def _refuse_unknown(self, keywords: Mapping[str, object], record: object, name: str) -> None:
        """Refuse a keyword ``record`` lacks, as Python would, naming the method called."""
        check_options(keywords, record, method=f"{self._namespace}.{name}()")

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

    async def _buy(
        self, op: Operation, customer_ref: str, extras: Mapping[str, object], /, **values: object
    ) -> Transaction:
        """A purchase: sent once with ``customer_ref``; the answer keeps the server's record.

        ``values`` are the method's own arguments, checked; ``extras`` its
        [PurchaseExtras][dancity_sdk.PurchaseExtras], checked here (after the others).

        The reference the SDK sent is on
        [`Transaction.sent_customer_ref`][dancity_sdk.Transaction.sent_customer_ref]; the record's
        own ``customer_ref`` is whatever the server says.
        """
        values.update(checked_extras(extras))
        tx = await self._send(
            op, TRANSACTION, reference=customer_ref, customer_ref=customer_ref, **values
        )
        return attrs.evolve(tx, sent_customer_ref=customer_ref)


def purchase_ref(customer_ref: object) -> str:
    """The caller's reference, or a fresh one: every purchase carries one to reconcile by."""
    return check.customer_ref(customer_ref)
