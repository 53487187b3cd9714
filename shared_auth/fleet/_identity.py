"""A journal's identity: how a process tells its journal from an empty or replaced store.

Each journal gets a random id when it is created (``python -m shared_auth.fleet init``,
``create=True``), kept in the store itself (a SQLite ``meta`` row, a Redis key
``<prefix>:identity``). A process remembers the identity it opened and every claim checks
it, so a deleted or replaced file, or a Redis flushed or restarted without persistence, is
noticed before anything is sent.

Acknowledging a loss writes a fresh identity that names the one it supersedes (or
``"unknown"`` when the store was gone). A running process adopts it when it supersedes the
identity that process knew, or when it was written after that identity (the operator
acknowledged after the loss); an identity created by ``init`` is never adopted.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Final

import attrs

__all__ = [
    "KEY_SCHEME",
    "UNKNOWN",
    "Identity",
    "journal_key",
    "lost_message",
    "migrated_key",
    "missing_message",
]

#: Journal keys name the API and the reference (2); before, API, route and reference (1).
KEY_SCHEME: Final = 2
UNKNOWN: Final = "unknown"


@attrs.frozen(kw_only=True)
class Identity:
    """Who a journal is.

    Attributes:
        id: Random, set at creation.
        created_at: Unix time of creation.
        supersedes: ``None`` for a journal created by ``init``; for one written by an
            acknowledgement, the id it replaces (``"unknown"`` if the store was gone).
        keys: The key scheme its records use.
    """

    id: str
    created_at: float
    supersedes: str | None = None
    keys: int = KEY_SCHEME

    @classmethod
    def new(cls, supersedes: str | None = None) -> Identity:
        """A fresh identity."""
        return cls(id=secrets.token_hex(8), created_at=time.time(), supersedes=supersedes)

    def to_json(self) -> str:
        """The stored form (compared byte for byte by the Redis scripts)."""
        return json.dumps(attrs.asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Identity:
        """Read what `to_json` wrote."""
        fields = json.loads(raw)
        return cls(
            id=str(fields["id"]),
            created_at=float(fields["created_at"]),
            supersedes=fields.get("supersedes"),
            keys=int(fields.get("keys", KEY_SCHEME)),
        )

    def adoptable_by(self, known: Identity) -> bool:
        """Whether a process that knew ``known`` may go on with this one."""
        if self.id == known.id:
            return True
        if self.supersedes is None:
            return False  # created, not acknowledged: the loss is not acknowledged
        return self.supersedes == known.id or self.created_at > known.created_at


def missing_message(where: str, *, legacy: bool = False) -> str:
    """Why a store without a journal is refused, and what to do."""
    if legacy:
        return (
            f"the purchase journal at {where} was written by an earlier version of the SDK "
            "(it has records but no identity): adopt it with "
            f"`python -m shared_auth.fleet init {where}` (its keys are migrated to the current "
            "scheme)"
        )
    return (
        f"no purchase journal exists at {where}: create it with "
        f"`python -m shared_auth.fleet init {where}` (or create=True in development and "
        "tests). If a journal existed there before, it was LOST: reconcile recent "
        "purchases from the API's transaction list, then run "
        f"`python -m shared_auth.fleet acknowledge-loss {where}`"
    )


def lost_message(where: str, known: Identity, found: str) -> str:
    """Why a process refuses a journal that is not the one it opened."""
    return (
        f"the purchase journal this process opened (identity {known.id}) is LOST: {found}. "
        "Purchases are refused until an operator reconciles recent purchases from the API's "
        "transaction list and acknowledges the loss (`python -m shared_auth.fleet "
        f"acknowledge-loss {where}` or `await journal.acknowledge_loss()`)"
    )


def journal_key(api: str, reference: str) -> str:
    """The key of an intent: one per reference and API, whatever the operation."""
    return f"{api}:{reference}"


def migrated_key(key: str, api: str, reference: str) -> str:
    """The current key of a record written with the per-route keys of earlier versions.

    ``<api>:POST /airtime/buy:ref-1`` becomes ``<api>:ref-1``; keys that also carry
    the parameters (a refund's ``…:ref:digest``) and current keys are kept.
    """
    head, tail = f"{api}:", f":{reference}"
    if key.startswith(head) and key.endswith(tail):
        route = key[len(head) : len(key) - len(tail)]
        if " " in route and ":" not in route.partition(" ")[0]:
            return journal_key(api, reference)
    return key
