"""dptcay's side of fleet support: its journal hook and its shared rate window.

dptcay cannot look payments up by ``order_id``, so the journal has no way to ask it about a
payment whose answer was lost: such an intent is reported for a person to check
([`IntentNeedsReviewError`][shared_auth.fleet.IntentNeedsReviewError], ``journal.recover()``), never
guessed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from dptcay_sdk._exceptions import ConfigurationError
from shared_auth._throttle import Throttle

if TYPE_CHECKING:
    import os

    import httpx

    from shared_auth.fleet import Journal, RateBudget, RateBudgetOutage
    from shared_auth.fleet._hook import JournalHook

__all__ = ["journal_hook", "shared_throttles"]


def journal_hook(journal: Journal | str | os.PathLike[str] | None) -> JournalHook | None:
    """The client's journal hook (``None`` without a journal: nothing is loaded)."""
    if journal is None:
        return None
    from dptcay_sdk._spec import OPERATIONS  # noqa: PLC0415 - only with a journal
    from shared_auth.fleet._hook import JournalHook  # noqa: PLC0415 - only with a journal

    # A refund's reference is its payment: several different refunds of one payment are
    # several intents, so the parameters are part of a refund's key.
    refunds = OPERATIONS["refunds.create"].path
    return JournalHook(journal, api="dptcay", reconcile=None, per_parameters={refunds})


def shared_throttles(
    rate_budget: RateBudget,
    throttles: tuple[Throttle, ...],
    *,
    api_key: str,
    outage: RateBudgetOutage = "fail",
) -> tuple[tuple[Throttle, ...], Callable[[httpx.Headers], None] | None]:
    """The plan's window, moved to Redis when ``rate_budget`` names a server.

    Raises:
        ConfigurationError: a shared budget without ``rate_plan`` (the window's size), or
            ``outage`` is not an outage policy.
    """
    if outage != "fail":
        from shared_auth.fleet._budget import outage_policy  # noqa: PLC0415 - only when set

        outage_policy(outage)
    if rate_budget is None or rate_budget == "local":
        return throttles, None
    if not throttles:
        msg = "rate_budget= shares the rate plan's window: pass rate_plan= as well"
        raise ConfigurationError(msg)
    from shared_auth.fleet import observe, windows_for  # noqa: PLC0415 - only when shared

    (plan,) = throttles
    windows = windows_for(
        rate_budget,
        api="dptcay",
        secret=api_key,
        windows={"key": (plan.limit, plan.window)},
        outage=outage,
    )
    return tuple(windows.values()), functools.partial(observe, windows)
