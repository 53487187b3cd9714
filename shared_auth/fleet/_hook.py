"""What a client does with a journal around one money-moving request.

A route with ``idempotent=False`` called with a reference is an intent: it is claimed in
the journal before it is sent and settled after; every other call (reads above all) never
touches the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Coroutine
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, cast

import attrs
import httpx

from shared_auth._errors import ResponseValidationError
from shared_auth._outcomes import Unreadable
from shared_auth._reply import Reply
from shared_auth.fleet._identity import journal_key
from shared_auth.fleet._intent import fingerprint, new_owner
from shared_auth.fleet._journal import Journal, Reconciler, RecoveryReport, open_journal

if TYPE_CHECKING:
    import os

    import cattrs

    from shared_auth._decode import Decoder
    from shared_auth._routes import Route

__all__ = ["JournalHook"]

_T = TypeVar("_T")
_NOTHING: Final[Any] = object()

_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})


class _Recording(Generic[_T]):
    """A decoder that keeps the body it decoded: the answer the journal records."""

    def __init__(self, inner: Decoder[_T]) -> None:
        self.inner = inner
        self.data: Any = None
        self.result: Any = _NOTHING

    def decode(self, data: Any, reply: Reply, converter: cattrs.Converter) -> _T:
        result = self.inner.decode(data, reply, converter)
        self.data = data  # only a body the resource could read is worth recording
        return result


def _replay(into: Decoder[_T], data: Any, route: Route, converter: cattrs.Converter) -> _T:
    """Decode a recorded answer as the resource would have decoded the live one."""
    # Its headers belong to a response long gone: the result carries none.
    reply = Reply(200, httpx.Headers(), route.method, route.path, converter)
    try:
        return into.decode(data, reply, converter)
    except Unreadable as exc:
        msg = f"the journal's recorded answer for {route.method} {route.path} {exc.what}"
        raise ResponseValidationError(
            msg, errors=exc.errors, method=route.method, path=route.path
        ) from exc


@attrs.define(eq=False)
class JournaledCall(Generic[_T]):
    """A money-moving call under the journal: sent at most once per intent."""

    _hook: JournalHook
    _route: Route
    _reference: str
    _key: str
    _digest: str
    decoder: _Recording[_T]
    _converter: Callable[[], cattrs.Converter]
    _deadline: float | None = None

    async def run(self, sending: Coroutine[Any, Any, _T]) -> _T:
        """Claim, then await ``sending`` only if the intent must be sent; else replay."""
        recording = self.decoder
        started = False

        async def send_once() -> Any:
            nonlocal started
            started = True
            recording.result = await sending
            return recording.data

        hook = self._hook
        try:
            data = await hook.journal.run_once(
                key=self._key,
                api=hook.api,
                reference=self._reference,
                fingerprint=self._digest,
                owner=hook.owner,
                send=send_once,
                reconcile=hook.reconcile,
                deadline=self._deadline,
            )
        finally:
            if not started:
                sending.close()  # answered from the journal (or refused): never sent
        if recording.result is not _NOTHING:
            return cast("_T", recording.result)
        return _replay(recording.inner, data, self._route, self._converter())


class JournalHook:
    """One client's view of a journal: its API name, worker id and reconciler.

    Args:
        journal: A [`Journal`][shared_auth.fleet.Journal], a ``sqlite:///`` path, a file path or a
            ``redis://`` URL.
        api: The API's name in journal keys (its SDK's name for it).
        reconcile: How to ask the API for its record of a reference (``None``: it cannot
            be asked, so a lost answer is reported for review).
        per_parameters: Route paths whose reference alone does not name one intent (a
            refund names its payment): their key also carries the route and the parameters'
            fingerprint. Every other intent's key is the API and the reference alone, so one
            reference reused for another operation is refused (`IntentConflictError`).
        generation: The API generation (the client's ``api_version``), part of the fingerprint.
    """

    def __init__(
        self,
        journal: Journal | str | os.PathLike[str],
        *,
        api: str,
        reconcile: Reconciler | None,
        per_parameters: Collection[str] = (),
        generation: str | None = None,
    ) -> None:
        # A journal opened here from a target is this hook's to close; one passed in is
        # the caller's (it may serve other clients).
        self.owns_journal = not isinstance(journal, Journal)
        self.journal = open_journal(journal)
        self.generation = generation
        self.api = api
        self.owner = new_owner()
        self.reconcile = reconcile
        self._per_parameters = frozenset(per_parameters)

    def __repr__(self) -> str:
        return f"JournalHook({self.journal!r}, api={self.api!r})"

    async def aclose(self) -> None:
        """Close the journal if this hook opened it (a journal passed in is left open)."""
        if self.owns_journal:
            await self.journal.aclose()

    @staticmethod
    def applies(route: Route, reference: str | None) -> bool:
        """Whether a call is a journaled intent: a state-changing route with a reference.

        ``idempotent=None`` is inferred from the method, as the pipeline does.
        """
        if reference is None or route.idempotent:
            return False
        return route.idempotent is False or route.method not in _IDEMPOTENT_METHODS

    def prepare(
        self,
        route: Route,
        reference: str,
        body: Any,
        into: Decoder[_T],
        converter: Callable[[], cattrs.Converter],
        deadline: float | None = None,
    ) -> JournaledCall[_T]:
        """One intent: send it with `JournaledCall.decoder`, then ``run`` the sending.

        The fingerprint covers the operation (method and path), the API generation and the
        parameters; ``deadline`` (the call's, in seconds) bounds the journal's calls.
        """
        digest = fingerprint(route.method, route.path, body, generation=self.generation)
        if route.path in self._per_parameters:
            key = f"{self.api}:{route.method} {route.path}:{reference}:{digest[:16]}"
        else:
            key = journal_key(self.api, reference)
        return JournaledCall(
            self, route, reference, key, digest, _Recording(into), converter, deadline
        )

    async def check(self) -> str:
        """Open the journal and check its identity; the identity's id (see `Journal.check`)."""
        return await self.journal.check()

    async def recover(self, *, grace: float = 0.0) -> RecoveryReport:
        """Recover this API's abandoned intents (other APIs' are left to their clients)."""
        reconcilers = {} if self.reconcile is None else {self.api: self.reconcile}
        return await self.journal.recover(reconcilers, grace=grace, only_api=self.api)
