"""Dancity's side of fleet support: requery by reference for the journal, and its windows.

Dancity does not deduplicate purchases by ``customerRef`` but can be asked for the latest
transaction with one, so a journaled purchase whose answer was lost (or whose worker died)
is settled from that record instead of being bought again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from dancity_sdk._exceptions import NotFoundError
from shared_auth._decode import Raw
from shared_auth._throttle import Throttle

if TYPE_CHECKING:
    import os

    import httpx

    from dancity_sdk._spec import Generation
    from shared_auth._routes import CallFunction
    from shared_auth.fleet import Journal, RateBudget, RateBudgetOutage, Reconciler
    from shared_auth.fleet._hook import JournalHook

__all__ = ["journal_hook", "rate_windows", "requery_reconciler"]


def requery_reconciler(call: CallFunction, generation: Generation) -> Reconciler:
    """Ask Dancity for its latest record of a ``customerRef`` (``None`` if it has none)."""
    from dancity_sdk._resources._base import Resource  # noqa: PLC0415 - with a journal only

    class Requery(Resource):
        __slots__ = ()

        async def record(self, reference: str) -> Any:
            operation = self._operation("transactions.get")
            return await self._send(operation, Raw(), transaction_id=reference)

    requery = Requery(call, generation)

    async def reconcile(reference: str) -> Any:
        try:
            return await requery.record(reference)
        except NotFoundError:
            return None

    return reconcile


def journal_hook(
    journal: Journal | str | os.PathLike[str] | None, call: CallFunction, generation: Generation
) -> JournalHook | None:
    """The client's journal hook (``None`` without a journal: nothing is loaded)."""
    if journal is None:
        return None
    from shared_auth.fleet._hook import JournalHook  # noqa: PLC0415 - only with a journal

    return JournalHook(
        journal,
        api="dancity",
        reconcile=requery_reconciler(call, generation),
        generation=generation.api_version,
    )


def rate_windows(
    rate_budget: RateBudget,
    *,
    api_key: str,
    enabled: bool,
    windows: Mapping[str, tuple[int, float]],
    outage: RateBudgetOutage = "fail",
) -> tuple[Mapping[str, Throttle], Callable[[httpx.Headers], None] | None]:
    """The key and purchase windows, and the header observer a shared budget needs.

    Raises:
        ConfigurationError: ``outage`` is not an outage policy (or ``rate_budget`` is not
            a Redis URL or client).
    """
    if outage != "fail":
        from shared_auth.fleet._budget import outage_policy  # noqa: PLC0415 - only when set

        outage_policy(outage)
    if not enabled:
        return {}, None
    if rate_budget is None or rate_budget == "local":
        return {name: Throttle(*size) for name, size in windows.items()}, None
    from shared_auth.fleet import observe, windows_for  # noqa: PLC0415 - only when shared

    shared = windows_for(rate_budget, api="dancity", secret=api_key, windows=windows, outage=outage)
    return shared, functools.partial(observe, shared)
