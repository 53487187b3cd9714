"""What a client does with a journal around one money-moving request.

A route with ``idempotent=False`` called with a reference is an intent: it is claimed in
the journal before it is sent and settled after; every other call (reads above all) never
touches the journal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import TYPE_CHECKING, Any, Final

import httpx

from shared_auth._pipeline import Reply
from shared_auth.fleet._intent import fingerprint, new_owner
from shared_auth.fleet._journal import Journal, Reconciler, RecoveryReport, open_journal

if TYPE_CHECKING:
    import os

    from shared_auth._routes import Route

__all__ = ["JournalHook"]

_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})


class JournalHook:
    """One client's view of a journal: its API name, worker id and reconciler.

    Args:
        journal: A :class:`Journal`, a ``sqlite:///`` path, a file path or a ``redis://`` URL.
        api: The API's name in journal keys (``"dancity"``, ``"dptcay"``).
        reconcile: How to ask the API for its record of a reference (``None``: it cannot
            be asked, so a lost answer is reported for review).
        per_parameters: Route paths whose reference alone does not name one intent (a
            refund names its payment): their key also carries the parameters' fingerprint.
    """

    def __init__(
        self,
        journal: Journal | str | os.PathLike[str],
        *,
        api: str,
        reconcile: Reconciler | None,
        per_parameters: Collection[str] = (),
    ) -> None:
        self.journal = open_journal(journal)
        self.api = api
        self.owner = new_owner()
        self.reconcile = reconcile
        self._per_parameters = frozenset(per_parameters)

    def __repr__(self) -> str:
        return f"JournalHook({self.journal!r}, api={self.api!r})"

    @staticmethod
    def applies(route: Route, reference: str | None) -> bool:
        """Whether a call is a journaled intent: a state-changing route with a reference.

        ``idempotent=None`` is inferred from the method, as the pipeline does.
        """
        if reference is None or route.idempotent:
            return False
        return route.idempotent is False or route.method not in _IDEMPOTENT_METHODS

    async def call(
        self, route: Route, reference: str, body: Any, send: Callable[[], Awaitable[Reply]]
    ) -> Reply:
        """Send ``route`` at most once for ``reference``; a recorded answer is replayed."""
        digest = fingerprint(route.method, route.path, body)
        key = f"{self.api}:{route.method} {route.path}:{reference}"
        if route.path in self._per_parameters:
            key = f"{key}:{digest[:16]}"
        fresh: list[Reply] = []

        async def send_once() -> Any:
            reply = await send()
            fresh.append(reply)
            return reply.data

        data = await self.journal.run_once(
            key=key,
            api=self.api,
            reference=reference,
            fingerprint=digest,
            owner=self.owner,
            send=send_once,
            reconcile=self.reconcile,
        )
        if fresh:
            return fresh[0]
        # A recorded answer: the rate-limit headers belong to a response long gone.
        return Reply(status_code=200, headers=httpx.Headers(), data=data)

    async def recover(self, *, grace: float = 0.0) -> RecoveryReport:
        """Recover this API's abandoned intents (other APIs' are left to their clients)."""
        reconcilers = {} if self.reconcile is None else {self.api: self.reconcile}
        return await self.journal.recover(reconcilers, grace=grace, only_api=self.api)
