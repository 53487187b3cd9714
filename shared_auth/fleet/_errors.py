"""The purchase journal's errors: typed, inside the SDK's tree, naming the journal.

Every failure of a journal backend (a SQLite file, a Redis server) reaches the caller as one
of these, with the backend's own exception as ``__cause__``; a backend exception never
escapes raw. Each message names ``journal=`` (credentials masked) and the backend.

* `JournalUnavailableError`: the backend could
  not be reached, timed out, or failed an I/O.
* `JournalMissingError`: the journal was never
  created (journals are created explicitly), or vanished before this process opened it.
* `JournalLostError`: a journal this process knew was
  deleted, replaced or flushed: purchases are refused until an operator acknowledges it.
* `JournalVolatileError`: a Redis without
  persistence, refused unless ``allow_volatile=True``.
"""

from __future__ import annotations

import re
from typing import Final

from shared_auth._errors import SDKError

__all__ = [
    "JournalError",
    "JournalLostError",
    "JournalMissingError",
    "JournalUnavailableError",
    "JournalVolatileError",
    "describe_target",
]

_CREDENTIALS: Final = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]*@", re.IGNORECASE)


def describe_target(target: str) -> str:
    """``target`` with any ``user:password@`` of a URL masked."""
    return _CREDENTIALS.sub(r"\g<scheme>***@", target)


class JournalError(SDKError):
    """The purchase journal failed; see the subclass for what happened and what was sent.

    Attributes:
        backend: ``"sqlite"``, ``"redis"``, or the class name of a custom store.
        journal: Where the journal is (a path or URL, credentials masked).
        reference: The purchase's reference, when the failure concerns one.
    """

    def __init__(
        self, message: str, *, backend: str, journal: str, reference: str | None = None
    ) -> None:
        where = describe_target(journal)
        super().__init__(f"{message} [journal={where}, backend={backend}]")
        self.backend = backend
        self.journal = where
        self.reference = reference
        self._message = message

    def _before_send(self, reference: str | None) -> None:
        """Say the failure came before the request was sent (and name its reference)."""
        if self.reference is None:
            self.reference = reference
        if reference is not None and not self._message.endswith("nothing was sent"):
            self._message = f"{self._message}; nothing was sent"
            text = f"{self._message} [journal={self.journal}, backend={self.backend}]"
            self.args = (SDKError(text).args[0],)  # redacted as every SDK message


class JournalUnavailableError(JournalError):
    """The journal's backend could not be reached, timed out, or failed an I/O.

    Raised before sending: nothing was sent. The backend's exception is ``__cause__``.
    """


class JournalMissingError(JournalError):
    """The journal does not exist: never created, or lost before this process opened it.

    Create it with ``python -m shared_auth.fleet init <target>`` (or ``create=True`` in
    development and tests). If a journal existed there before, it was lost: reconcile from
    the API's transaction list, then acknowledge the loss.
    """


class JournalLostError(JournalError):
    """The journal this process was using was deleted, replaced or flushed.

    Purchases are refused before anything is sent until an operator reconciles from the
    API's transaction list and acknowledges the loss (``await journal.acknowledge_loss()``
    or ``python -m shared_auth.fleet acknowledge-loss <target>``).
    """


class JournalVolatileError(JournalError):
    """A Redis journal on a server without persistence (no RDB ``save``, no AOF).

    A restart would empty it silently. Turn persistence on (``appendonly yes``) or pass
    ``allow_volatile=True`` if losing the journal on a restart is acceptable.
    """


# Tracebacks and pickles name the public module users import these from, not this file.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = "shared_auth.fleet"
