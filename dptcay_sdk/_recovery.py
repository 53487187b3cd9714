"""``python -m shared_auth.fleet recover`` for dptcay: its ``shared_auth.fleet.recovery`` entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared_auth.fleet import Journal, RecoveryReport

__all__ = ["recover_for_review"]


async def recover_for_review(journal: Journal, grace: float) -> RecoveryReport:
    """``python -m shared_auth.fleet recover`` for dptcay: report what a person must check.

    dptcay cannot be searched by ``order_id``, so an abandoned intent that may have taken
    effect is reported for review, never guessed (entry point ``shared_auth.fleet.recovery``).
    """
    return await journal.recover({}, grace=grace, only_api="dptcay")
