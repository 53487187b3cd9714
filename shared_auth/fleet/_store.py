"""What a journal backend is: the `Store` protocol the SQLite and Redis stores implement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from shared_auth.fleet._identity import Identity
    from shared_auth.fleet._intent import Change, Intent

__all__ = ["Store"]


class Store(Protocol):
    """What a journal backend does; every method blocks briefly and is thread-safe.

    ``open`` checks the journal exists and is the one this process knew (its identity);
    ``claim`` does the same check (cheaply) before it claims anything. A store raises
    `JournalMissingError` or `JournalLostError` itself; any other exception it raises
    reaches the caller as `JournalUnavailableError`.
    """

    where: str

    def open(self) -> Identity: ...
    def create(self) -> tuple[Identity, bool]: ...
    def acknowledge(self) -> Identity: ...
    def claim(self, intent: Intent) -> Intent | None: ...
    def update(self, key: str, owner: str, change: Change) -> bool: ...
    def release(self, key: str, owner: str) -> bool: ...
    def take_over(
        self, key: str, old_owner: str, new_owner: str, lease_until: float, now: float
    ) -> bool: ...
    def get(self, key: str) -> Intent | None: ...
    def open_intents(self) -> list[Intent]: ...
    def purge(self, now: float) -> int: ...
    def close(self) -> None: ...
