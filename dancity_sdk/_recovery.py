"""``python -m shared_auth.fleet recover`` for Dancity: its ``shared_auth.fleet.recovery`` entry."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from dancity_sdk._client import AsyncDancityClient

if TYPE_CHECKING:
    from shared_auth.fleet import Journal, RecoveryReport

__all__ = ["recover_from_env"]


async def recover_from_env(journal: Journal, grace: float) -> RecoveryReport | None:
    """``python -m shared_auth.fleet recover`` for Dancity: settle from Dancity's own record.

    Each abandoned intent is settled from Dancity's latest transaction with its
    ``customerRef``. It needs ``DANCITY_API_KEY`` (and ``DANCITY_BASE_URL`` /
    ``DANCITY_VAS_PREFIX`` if your workers set them); without a key Dancity's intents are
    left as they are and this returns ``None`` (entry point ``shared_auth.fleet.recovery``).
    """
    if not os.environ.get("DANCITY_API_KEY"):
        sys.stderr.write("DANCITY_API_KEY is not set: Dancity intents are left as they are\n")
        return None
    async with AsyncDancityClient.from_env(journal=journal, throttle=True) as client:
        return await client.recover_journal(grace=grace)
