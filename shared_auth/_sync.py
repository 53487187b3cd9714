"""Blocking twins of the async clients, for scripts and notebooks.

A sync client owns a private event loop on a **daemon** thread and runs the async client
there. That works where a loop is already running in the calling thread — Jupyter — and in
plain scripts alike, and it means there is one implementation of every operation: the
async one.

What a blocking call promises:

- **Interpreter exit never waits for it.** The loop thread is a daemon; an unclosed client
  is closed by a finalizer (at garbage collection or at exit) whose every wait is bounded,
  and it warns with `ResourceWarning`, as an unclosed file does.
- **An interrupt cancels the call.** If the calling thread is interrupted while it waits
  (Ctrl-C's ``KeyboardInterrupt``, or any exception a signal handler raises), the call is
  cancelled on the loop thread and the caller waits until the cancellation has landed, so
  nothing goes on in the background. The interrupt is then re-raised — it is the user's
  "stop", and ``except Exception`` must not swallow it — and if a money-moving request may
  already have been sent, the [`OutcomeUnknownError`][shared_auth.OutcomeUnknownError] saying how to
  reconcile it is
  attached: [`unknown_outcome`][shared_auth.unknown_outcome] returns it, and the traceback shows it
      as a note.
- **Any thread may call it**, concurrently: the calls run on the one loop thread, which
  owns the connection pool. A thread whose own event loop is running (a Jupyter cell) may
  call it too: that thread blocks until the answer, as any blocking call would; the work
  runs on the private loop, so it cannot deadlock. Calling it *from the loop thread itself*
  (inside a JWT provider, say) would deadlock, so it raises instead.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
import threading
import warnings
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, Self, TypeVar, Unpack

import anyio
from anyio.from_thread import BlockingPortal

from shared_auth._client import BaseAsyncClient
from shared_auth._errors import (
    ClientClosedError,
    ConfigurationError,
    OutcomeUnknownError,
    SDKError,
)
from shared_auth._errortable import NO_TABLE, ErrorTable, converting, converting_entry_points
from shared_auth._models import APIObject
from shared_auth._options import CallOptions, check_options
from shared_auth._secret import Secret
from shared_auth._tracing import CallRecord, recording

if TYPE_CHECKING:
    import cattrs
    import httpx

    from shared_auth._outcomes import RetryPolicy
    from shared_auth._ratelimit import RateLimit

__all__ = ["SyncClient", "unknown_outcome"]

_A = TypeVar("_A", bound=BaseAsyncClient)
_T = TypeVar("_T")
#: Values handed back as they are: data, not something to drive through the loop thread.
_PLAIN = (APIObject, Secret, str, bytes, int, float, bool, tuple, list, dict, type(None))
#: Bounded waits of the finalizer and of close(): interpreter exit must never hang on them.
_CLOSE_TIMEOUT: Final = 5.0
_JOIN_TIMEOUT: Final = 2.0
#: Where the SDK hangs the unknown outcome on a re-raised interrupt.
_OUTCOME_ATTRIBUTE: Final = "sdk_unknown_outcome"


def unknown_outcome(interrupt: BaseException) -> OutcomeUnknownError | None:
    """The unknown outcome a blocking call attached to the interrupt that stopped it.

    ``None`` unless the interrupted call may already have sent a money-moving request::

        try:
            payment = dp.payments.create(amount=Decimal(5), currency="USDC", order_id="A-7")
        except KeyboardInterrupt as exc:
            if (outcome := unknown_outcome(exc)) is not None:
                save_for_reconciliation(outcome.reference)
            raise
    """
    outcome = getattr(interrupt, _OUTCOME_ATTRIBUTE, None)
    return outcome if isinstance(outcome, OutcomeUnknownError) else None


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


class _Call:
    """One blocking call on the loop thread: its cancel scope, its record, its result."""

    __slots__ = ("cancelled", "done", "error", "record", "result", "scope")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.scope: anyio.CancelScope | None = None
        self.record: CallRecord | None = None
        self.cancelled = False
        self.result: Any = None
        self.error: BaseException | None = None

    async def run(self, function: Callable[[], Awaitable[Any]]) -> None:
        try:
            with anyio.CancelScope() as scope, recording() as record:
                self.scope, self.record = scope, record
                if self.cancelled:
                    scope.cancel()
                self.result = await function()
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            self.error = exc
        finally:
            self.done.set()

    def cancel(self) -> None:
        """Runs on the loop thread: cancel the call, started or not."""
        self.cancelled = True
        if self.scope is not None:
            self.scope.cancel()


class _LoopThread:
    """A private event loop on a daemon thread, with a portal into it."""

    def __init__(self, owner: str, errors: ErrorTable) -> None:
        self.owner = owner
        #: The SDK's error classes: what errors raised or handed on here are.
        self.errors = errors
        self.closed = False
        self._portal: BlockingPortal | None = None
        self._failure: BaseException | None = None
        ready = threading.Event()
        self.thread = threading.Thread(
            target=self._main, args=(ready,), name=f"{owner}-loop", daemon=True
        )
        self.thread.start()
        ready.wait()
        if self._failure is not None:
            raise self._failure

    def _main(self, ready: threading.Event) -> None:
        try:
            anyio.run(self._serve, ready, backend="asyncio")
        except BaseException as exc:  # noqa: BLE001 - reported to the constructing thread
            self._failure = exc
        finally:
            ready.set()

    async def _serve(self, ready: threading.Event) -> None:
        async with BlockingPortal() as portal:
            self._portal = portal
            ready.set()
            await portal.sleep_until_stopped()

    def run(self, name: str, function: Callable[[], Awaitable[_T]]) -> _T:
        """Run ``function()`` on the loop; block until it ends, or cancel it if interrupted."""
        portal = self._usable_portal(name)
        call = _Call()
        portal.start_task_soon(call.run, function)
        try:
            call.done.wait()
        except BaseException as interrupt:
            self._cancel(call)
            record = call.record
            outcome = None if record is None else record.outcome_unknown("it was interrupted")
            if outcome is not None:
                outcome = self.errors.convert(outcome)
                outcome.__cause__ = interrupt
                setattr(interrupt, _OUTCOME_ATTRIBUTE, outcome)
                interrupt.add_note(f"{self.owner}: {outcome}")
            raise
        if call.error is not None:
            raise self.errors.convert(call.error)
        result: _T = call.result
        return result

    def _cancel(self, call: _Call) -> None:
        """Cancel ``call`` on the loop thread and wait until the cancellation has landed."""
        portal = self._portal
        if portal is None:
            return
        try:
            portal.call(call.cancel)
        except RuntimeError:  # the loop already stopped: nothing is running any more
            return
        # A second interrupt here escapes: the user insists, and the thread is a daemon.
        call.done.wait()

    def _usable_portal(self, name: str) -> BlockingPortal:
        if self.closed or self._portal is None:
            msg = (
                f"this {self.owner} is closed (close() was called or its 'with' block ended), "
                f"so {name}() cannot run: create a new {self.owner}"
            )
            raise self.errors(ClientClosedError)(msg)
        if threading.current_thread() is self.thread:
            msg = (
                f"{name}() of a {self.owner} was called on that client's own event-loop thread "
                "(from a callback such as a JWT provider), where it would wait for itself "
                "forever: await the async client's method there instead"
            )
            raise RuntimeError(msg)
        return self._portal

    def stop(self, close: Callable[[], Awaitable[None]] | None) -> None:
        """Run ``close`` (bounded), stop the loop and join the thread (bounded); idempotent."""
        if self.closed:
            return
        self.closed = True
        portal = self._portal
        if portal is None:
            return
        on_loop_thread = threading.current_thread() is self.thread
        if close is not None and not on_loop_thread:
            # Closing is best effort: the loop stops anyway.
            with contextlib.suppress(Exception):
                portal.start_task_soon(_bounded, close).result(timeout=_CLOSE_TIMEOUT + 1)
        try:
            if on_loop_thread:
                portal.start_task_soon(portal.stop, True)  # noqa: FBT003 - cancel_remaining
            else:
                portal.start_task_soon(portal.stop, True).result(timeout=_CLOSE_TIMEOUT)  # noqa: FBT003
        except Exception:  # noqa: BLE001, S110 - already stopped, or stopping took too long
            pass
        if not on_loop_thread:
            self.thread.join(_JOIN_TIMEOUT)


async def _bounded(close: Callable[[], Awaitable[None]]) -> None:
    with anyio.move_on_after(_CLOSE_TIMEOUT):
        await close()


def _finalize(loop: _LoopThread, close: Callable[[], Awaitable[None]], name: str) -> None:
    """Close a client nobody closed: at garbage collection, or at interpreter exit."""
    if loop.closed:
        return
    loop.stop(close)  # first: a warning turned into an error must not keep the loop alive
    warnings.warn(
        f"unclosed {name}: use it with 'with' or call close() (it was closed for you now)",
        ResourceWarning,
        stacklevel=1,
    )


def _wrap(value: Any, loop: _LoopThread, name: str) -> Any:
    if inspect.iscoroutinefunction(value):

        @functools.wraps(value)
        def blocking(*args: Any, **kwargs: Any) -> Any:
            return loop.run(name, functools.partial(value, *args, **kwargs))

        return blocking
    if inspect.ismethod(value):
        # A plain method may hand back more async surface (``with_options()``'s copy).
        method = value

        @functools.wraps(method)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            return _wrap(method(*args, **kwargs), loop, name)

        return wrapped
    if isinstance(value, AsyncIterator):
        return _blocking_iterator(value, loop, name)
    return _SyncProxy(value, loop, name) if _is_async_surface(value) else value


def _blocking_iterator(items: AsyncIterator[Any], loop: _LoopThread, name: str) -> Iterator[Any]:
    """An async iterator (``transactions.iterate()``) walked from a plain ``for`` loop.

    Each item is fetched on the loop thread when the loop reaches it (a page at a time, as
    in the async client); leaving the loop early closes the walk there.
    """
    try:
        while True:
            try:
                yield loop.run(name, items.__anext__)
            except StopAsyncIteration:
                return
    finally:
        close = getattr(items, "aclose", None)
        if close is not None and not loop.closed:
            loop.run(name, close)


class _SyncProxy:
    """A resource seen through the loop thread: its coroutine methods become blocking calls."""

    __slots__ = ("_loop", "_name", "_target")

    def __init__(self, target: object, loop: _LoopThread, name: str) -> None:
        self._target = target
        self._loop = loop
        self._name = name

    def __getattr__(self, name: str) -> Any:
        return _wrap(getattr(self._target, name), self._loop, f"{self._name}.{name}")

    def __dir__(self) -> list[str]:
        return dir(self._target)

    def __repr__(self) -> str:
        return f"<blocking {self._target!r}>"


def _from_env(cls: type[SyncClient[Any]], **arguments: Any) -> SyncClient[Any]:
    """Build the async client's ``from_env(**arguments)`` and drive it.

    The arguments are the async client's ``from_env()``'s: its own (``api_key``,
    ``environ``) and the client's options, checked here first (``_check_options``).
    """
    own = inspect.signature(cls._async_class.from_env).parameters
    options = {
        name: value
        for name, value in arguments.items()
        if name not in own or own[name].kind is inspect.Parameter.VAR_KEYWORD
    }
    cls._check_options(options, method=f"{cls.__name__}.from_env()")
    self = cls.__new__(cls)
    SyncClient.__init__(self, lambda: cls._async_class.from_env(**arguments))
    return self


class SyncClient(Generic[_A]):
    """The blocking form of an async client: same resources, same methods, no ``await``.

    Use it as a context manager (or call [`close`][shared_auth.SyncClient.close]). One left open is
    closed when it is garbage collected or when the interpreter exits, with a `ResourceWarning`.
    """

    _loop: _LoopThread
    _finalizer: weakref.finalize[..., Any] | None
    #: The SDK's own error classes (its async client's).
    _errors: ClassVar[ErrorTable] = NO_TABLE
    #: A twin's async client class (its ``from_env`` is the twin's), and the ``TypedDict``
    #: of its options.
    _async_class: ClassVar[Any] = None
    _options: ClassVar[object] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """An SDK twin's constructors raise the SDK's error classes, whoever checks."""
        super().__init_subclass__(**kwargs)
        converting_entry_points(cls)

    @classmethod
    def _check_options(cls, options: Mapping[str, object], *, method: str) -> None:
        """Check a twin's ``**options`` before its loop thread starts.

        Refuses a keyword its options ``TypedDict`` lacks, naming ``method`` (the twin's,
        as the caller called it), and an ``httpx.Client``: the twin drives an
        ``httpx.AsyncClient``.
        """
        check_options(options, cls._options, method=method)
        http_client = options.get("http_client")
        if http_client is None or "httpx" not in sys.modules:
            return
        import httpx  # noqa: PLC0415 - already imported, see above

        if isinstance(http_client, httpx.Client):
            msg = (
                f"{cls.__name__} runs the async client on its own event-loop thread, so "
                "http_client= must be an httpx.AsyncClient, not an httpx.Client: pass "
                "httpx.AsyncClient(...) (it is used, and must be closed, on that thread: prefer "
                "letting the client create its own)"
            )
            raise ConfigurationError(msg)

    def __init__(self, make_async_client: Callable[[], _A]) -> None:
        name = type(self).__name__
        loop = _LoopThread(name, self._errors)
        try:
            # Built on the loop thread so anything it binds belongs to that loop.
            async_client: _A = loop.run(
                f"{name}.__init__", functools.partial(_construct, make_async_client)
            )
        except BaseException:
            loop.stop(None)
            raise
        self._loop = loop
        self._async_client = async_client
        self._finalizer = weakref.finalize(self, _finalize, loop, async_client.aclose, name)

    if not TYPE_CHECKING:  # typed by each twin's stub, as its async client's from_env()
        from_env = classmethod(converting(_from_env))

    @property
    def async_client(self) -> _A:
        """The async client this one drives (use it only on this client's loop)."""
        return self._async_client

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or "_async_client" not in self.__dict__:
            raise AttributeError(name)
        value = getattr(self._async_client, name)
        if inspect.ismethod(value) and not inspect.iscoroutinefunction(value):
            return self._renaming_errors(value, name)
        return _wrap(value, self._loop, name)

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._async_client.base_url

    @property
    def converter(self) -> cattrs.Converter:
        """The async client's converter (wire format ↔ models), built on first use."""
        return self._async_client.converter

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry and deadline policy in force."""
        return self._async_client.retry_policy

    @property
    def timeout(self) -> httpx.Timeout:
        """The per-attempt timeouts in force."""
        return self._async_client.timeout

    @property
    def last_rate_limit(self) -> RateLimit | None:
        """The rate-limit headers of the latest response (``None`` if it carried none)."""
        return self._async_client.last_rate_limit

    def with_options(self, **options: Unpack[CallOptions]) -> Self:
        """A blocking copy with other call options, on this client's loop and connections.

        See the async client's ``with_options()``; the options are
        [CallOptions][shared_auth.CallOptions]. Closing the copy closes nothing.
        """
        check_options(options, CallOptions, method=f"{type(self).__name__}.with_options()")
        return self._view(self._async_client.with_options(**options))

    def _renaming_errors(self, method: Callable[..., Any], name: str) -> Callable[..., Any]:
        """A plain method of the async client (``set_api_key``, ``takes``...), naming this class.

        ``with_options()`` is this class's own; no other plain method returns a client.
        """

        @functools.wraps(method)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                result = method(*args, **kwargs)
            except (SDKError, TypeError) as exc:
                self._errors.rename(exc)  # name this class, the one the user called
                raise
            return _wrap(result, self._loop, name)

        return wrapped

    def _view(self, async_client: _A) -> Self:
        """A blocking client over ``async_client`` on this client's loop thread and pool."""
        view = object.__new__(type(self))
        # The parent stays referenced: its finalizer must not stop the loop under a view.
        view.__dict__.update(
            _loop=self._loop, _async_client=async_client, _finalizer=None, _parent=self
        )
        return view

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *dir(self._async_client)})

    @property
    def closed(self) -> bool:
        """Whether `close` was called (a closed client refuses every call)."""
        return self._loop.closed

    def close(self) -> None:
        """Close the async client and stop the loop thread (idempotent, bounded).

        On a copy from ``with_options()`` it does nothing: the copy shares the original's
        loop thread and connections, which close with the original.
        """
        if self._finalizer is None:
            return
        self._finalizer.detach()
        self._loop.stop(self._async_client.aclose)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} wrapping {self._async_client!r}>"


async def _construct(factory: Callable[[], _A]) -> _A:
    return factory()
