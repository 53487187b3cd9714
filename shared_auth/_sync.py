"""Blocking twins of the async clients, for scripts and notebooks.

A sync client owns a private event loop on a daemon thread (an anyio blocking portal) and
runs the async client there. That works where a loop is already running in the calling
thread — Jupyter — and in plain scripts alike, and it means there is one implementation of
every operation: the async one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Generic, Protocol, Self, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from shared_auth._models import APIObject
from shared_auth._secret import Secret

__all__ = ["SyncClient"]


class _AsyncClosable(Protocol):
    async def aclose(self) -> None: ...


_A = TypeVar("_A", bound=_AsyncClosable)
#: Values handed back as they are: data, not something to drive through the portal.
_PLAIN = (APIObject, Secret, str, bytes, int, float, bool, tuple, list, dict, type(None))


@functools.cache
def _has_coroutine_methods(cls: type) -> bool:
    return any(inspect.iscoroutinefunction(v) for _, v in inspect.getmembers(cls))


def _attributes(value: object) -> list[tuple[str, object]]:
    """The instance attributes of ``value``: its slots along the MRO, then its ``__dict__``."""
    names: list[str] = []
    for cls in type(value).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        names.extend((slots,) if isinstance(slots, str) else slots)
    names.extend(getattr(value, "__dict__", {}))
    return [(name, getattr(value, name, None)) for name in names]


#: Per type: does it expose coroutines, itself or through a namespace attribute
#: (``client.vas.airtime``)? Namespaces of one type always hold the same resources.
_ASYNC_SURFACE: dict[type, bool] = {}


def _is_async_surface(value: object, depth: int = 3) -> bool:
    if isinstance(value, _PLAIN):
        return False
    cls: type = type(value)
    known = _ASYNC_SURFACE.get(cls)
    if known is not None:
        return known
    found = _has_coroutine_methods(cls) or (
        depth > 0 and any(_is_async_surface(v, depth - 1) for _, v in _attributes(value))
    )
    _ASYNC_SURFACE[cls] = found
    return found


def _wrap(value: Any, portal: BlockingPortal) -> Any:
    if inspect.iscoroutinefunction(value):

        @functools.wraps(value)
        def blocking(*args: Any, **kwargs: Any) -> Any:
            return portal.call(functools.partial(value, *args, **kwargs))

        return blocking
    return _SyncProxy(value, portal) if _is_async_surface(value) else value


class _SyncProxy:
    """A resource seen through the portal: its coroutine methods become blocking calls."""

    __slots__ = ("_portal", "_target")

    def __init__(self, target: object, portal: BlockingPortal) -> None:
        self._target = target
        self._portal = portal

    def __getattr__(self, name: str) -> Any:
        return _wrap(getattr(self._target, name), self._portal)

    def __dir__(self) -> list[str]:
        return dir(self._target)

    def __repr__(self) -> str:
        return f"<blocking {self._target!r}>"


class SyncClient(Generic[_A]):
    """The blocking form of an async client: same resources, same methods, no ``await``.

    Use it as a context manager (or call :meth:`close`) so its loop thread stops.
    """

    _portal: BlockingPortal

    def __init__(self, make_async_client: Callable[[], _A]) -> None:
        self._portal_cm: AbstractContextManager[BlockingPortal] = start_blocking_portal(
            "asyncio", name="sdk-sync-client-loop"
        )
        self._portal = self._portal_cm.__enter__()
        self._closed = False
        try:
            # Built on the loop thread so anything it binds belongs to that loop.
            self._async_client: _A = self._portal.call(_construct, make_async_client)
        except BaseException:
            self._portal_cm.__exit__(None, None, None)
            raise

    @property
    def async_client(self) -> _A:
        """The async client this one drives (use it only on this client's loop)."""
        return self._async_client

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or "_async_client" not in self.__dict__:
            raise AttributeError(name)
        return _wrap(getattr(self._async_client, name), self._portal)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *dir(self._async_client)})

    def close(self) -> None:
        """Close the async client and stop the loop thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._portal.call(self._async_client.aclose)
        finally:
            self._portal_cm.__exit__(None, None, None)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} wrapping {self._async_client!r}>"


async def _construct(factory: Callable[[], _A]) -> _A:
    return factory()
