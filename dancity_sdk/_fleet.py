"""Dancity's side of fleet support: requery by reference for the journal, and its windows.

Dancity does not deduplicate purchases by ``customerRef`` but can be asked for the latest
transaction with one, so a journaled purchase whose answer was lost (or whose worker died)
is settled from that record instead of being bought again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from shared_auth import NotFoundError, Raw, Throttle

if TYPE_CHECKING:
    import os

    import httpx

    from shared_auth import CallFunction, Route
    from shared_auth.fleet import Journal, Reconciler
    from shared_auth.fleet._hook import JournalHook

__all__ = ["journal_hook", "rate_windows", "requery_reconciler"]

#: Documented limits (rate-limits guide): 120 requests/minute per key, 30 purchases/minute.
WINDOWS: Final = {"key": (120, 60.0), "purchase": (30, 60.0)}


def requery_reconciler(call: CallFunction, transaction_route: Route) -> Reconciler:
    """Ask Dancity for its latest record of a ``customerRef`` (``None`` if it has none)."""

    async def requery(reference: str) -> Any:
        try:
            return await call(
                transaction_route, into=Raw(), path_params={"transaction_id": reference}
            )
        except NotFoundError:
            return None

    return requery


def journal_hook(
    journal: Journal | str | os.PathLike[str] | None, call: CallFunction, transaction_route: Route
) -> JournalHook | None:
    """The client's journal hook (``None`` without a journal: nothing is loaded)."""
    if journal is None:
        return None
    from shared_auth.fleet._hook import JournalHook  # noqa: PLC0415 - only with a journal

    return JournalHook(
        journal, api="dancity", reconcile=requery_reconciler(call, transaction_route)
    )


def rate_windows(
    rate_budget: Any, *, api_key: str, enabled: bool
) -> tuple[Mapping[str, Throttle], Callable[[httpx.Headers], None] | None]:
    """The key and purchase windows, and the header observer a shared budget needs."""
    if not enabled:
        return {}, None
    if rate_budget is None or rate_budget == "local":
        return {name: Throttle(*size) for name, size in WINDOWS.items()}, None
    from shared_auth.fleet import observe, windows_for  # noqa: PLC0415 - only when shared

    windows = windows_for(rate_budget, api="dancity", secret=api_key, windows=WINDOWS)
    return windows, functools.partial(observe, windows)
