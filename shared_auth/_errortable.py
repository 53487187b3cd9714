"""Each SDK's own error classes, derived from the one shared tree and handed to the pipeline.

Every SDK has, at import, a real subclass of each class of the shared tree
([`shared_auth._errors`][shared_auth._errors]): ``<sdk>.NotFoundError`` subclasses
``shared_auth.NotFoundError`` and ``<sdk>.APIStatusError``, so a traceback names the
package the user imported and ``except shared_auth.NotFoundError`` /
``except <sdk>.NotFoundError`` both catch what that SDK's call raises. The classes are
derived here from the shared tree (its ``__all__`` is the one list of them), so no SDK
writes them out; type checkers see the shared classes under the SDK's names (the same
attributes, and an ``except`` of either catches them). The client hands its table to the
pipeline, which builds the SDK's class directly; an error raised deeper in the shared code
(a journal, a closed client) is handed on as the SDK's class by
[`ErrorTable.convert`][shared_auth._errortable.ErrorTable.convert]: a new exception with
the same message, attributes, cause and traceback.

The rule for the shared classes: raised by a client (its constructor, ``from_env``, its
calls, its journal checks), an error is the SDK's class (``<sdk>.ConfigurationError``);
raised by shared code used on its own (``open_journal``, ``aiohttp_http_client()``,
``Inbox.receive``...), it is the shared class, shown under the public module that exports
it (``shared_auth.ConfigurationError``, ``shared_auth.fleet.JournalMissingError``).
"""

from __future__ import annotations

import copy
import functools
import inspect
import re
import typing
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Final, TypeVar, cast

from shared_auth import _errors
from shared_auth._errors import SDKError

__all__ = ["NO_TABLE", "ErrorTable", "converting", "converting_entry_points"]

_E = TypeVar("_E", bound=BaseException)
#: The classes of the shared tree, each derived once per SDK.
_TREE: Final[frozenset[type]] = frozenset(getattr(_errors, name) for name in _errors.__all__)


class ErrorTable:
    """Shared error class -> the SDK's subclass of it (whose first base it is).

    Args:
        package: The SDK's package (``"example_sdk"``), where tracebacks and pickles find
            its classes; ``None`` for a table without classes (the shared ones are raised).
        label: The API's name in the classes' docstrings (``"Example"``).
    """

    __slots__ = ("_classes", "_renamed", "package")

    def __init__(self, package: str | None = None, *, label: str = "") -> None:
        self.package = package
        self._classes: dict[type, type] = {}
        self._renamed: tuple[re.Pattern[str], str] | None = None
        if package is not None:
            for shared in sorted(_TREE, key=lambda cls: cls.__name__):
                self._derive(shared, package, label)

    def _derive(self, shared: type, package: str, label: str) -> type:
        """The SDK's class for ``shared``: ``(shared, <the SDK's class of each shared base>)``."""
        derived = self._classes.get(shared)
        if derived is None:
            parents = tuple(
                self._derive(base, package, label) for base in shared.__bases__ if base in _TREE
            )
            name = shared.__name__
            doc = (
                f"{label}'s [`{name}`][{shared.__module__}.{name}]: the same error, raised by "
                f"{package} (``except`` either name catches it)."
            )
            namespace = {"__module__": package, "__qualname__": name, "__doc__": doc}
            derived = self._classes[shared] = type(name, (shared, *parents), namespace)
        return derived

    @property
    def classes(self) -> Mapping[str, type]:
        """The SDK's classes by name (``"NotFoundError"``...)."""
        return {cls.__name__: cls for cls in self._classes.values()}

    def __call__(self, cls: type[_E]) -> type[_E]:
        """The class to raise for the shared ``cls`` (``cls`` itself if the SDK has none)."""
        return cast("type[_E]", self._classes.get(cls, cls))

    def renaming(self, called: str, shown: str) -> ErrorTable:
        """This table, whose errors name the class ``shown`` where they said ``called``.

        A blocking twin's table: its calls run the async client, whose messages name
        ``AsyncExampleClient``; the user called ``ExampleClient``.
        """
        view = copy.copy(self)
        view._renamed = (re.compile(rf"\b{re.escape(called)}\b"), shown)  # noqa: SLF001
        return view

    def rename(self, error: BaseException) -> None:
        """Make ``error``'s message name the class the user called (a twin's table only)."""
        if self._renamed is None or not error.args or not isinstance(error.args[0], str):
            return
        pattern, shown = self._renamed
        error.args = (pattern.sub(shown, error.args[0]), *error.args[1:])

    def convert(self, error: _E) -> _E:
        """``error`` itself, or a copy of it as the SDK's class: same state and chain.

        Its message names the class the user called (see `renaming`).
        """
        self.rename(error)
        cls = self(type(error))
        if cls is type(error):
            return error
        copy = cls.__new__(cls)
        copy.args = error.args
        copy.__dict__.update(error.__dict__)
        copy.__cause__ = error.__cause__
        copy.__context__ = error.__context__
        copy.__suppress_context__ = error.__suppress_context__
        copy.__traceback__ = error.__traceback__
        return copy


#: The table of a client without classes of its own: every shared class is raised as is.
NO_TABLE: Final = ErrorTable()


_F = TypeVar("_F", bound=Callable[..., Any])


def _table(owner: Any) -> ErrorTable:
    """The error table of a client, or of a client class (for a classmethod)."""
    cls: Any = owner if isinstance(owner, type) else type(owner)
    table: ErrorTable = cls._errors
    return table


def _called_as(error: TypeError, method: Callable[..., Any], owner: Any) -> None:
    """Name the class the user called in an argument error of ``method`` itself.

    Python names the class that defines the method (``BaseAsyncClient.with_options() got an
    unexpected keyword argument``); the user called ``AsyncExampleClient.with_options()``.
    Only an error of binding the arguments (raised by the call itself, not inside it).
    """
    traceback: TracebackType | None = error.__traceback__
    if traceback is None or traceback.tb_next is not None or not error.args:
        return
    cls = owner if isinstance(owner, type) else type(owner)
    defined = f"{method.__qualname__}()"
    message = str(error.args[0])
    if message.startswith(defined):
        error.args = (f"{cls.__name__}.{method.__name__}(){message[len(defined) :]}",)


def _handed_on(error: _E, method: Callable[..., Any], owner: Any) -> _E:
    """What a client's entry point raises for ``error``: the SDK's class, naming the caller."""
    if isinstance(error, TypeError):
        _called_as(error, method, owner)
    return _table(owner).convert(error)


def converting(method: _F) -> _F:
    """Hand a shared error ``method`` raises on as its client's class (``self._errors``).

    For the client's entry points (its constructor, ``from_env``, its calls, its journal
    checks): what they raise is the SDK's class, with the original's chain, and an argument
    error names the class the user called. Put it under ``@classmethod`` for a classmethod.
    """
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def async_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except (SDKError, TypeError) as exc:
                converted = _handed_on(exc, method, self)
                if converted is exc:
                    raise
            raise converted  # outside the handler: the original's own chain, not it

        return cast("_F", async_wrapper)

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (SDKError, TypeError) as exc:
            converted = _handed_on(exc, method, self)
            if converted is exc:
                raise
        raise converted

    return cast("_F", wrapper)


def _twin_of(cls: type) -> type | None:
    """The async client a blocking twin drives (``SyncClient[AsyncExampleClient]``), if any."""
    for base in getattr(cls, "__orig_bases__", ()):
        for argument in typing.get_args(base):
            if isinstance(argument, type):
                return argument
    return None


def converting_entry_points(cls: type, names: tuple[str, ...] = ("__init__", "from_env")) -> None:
    """Make the constructors ``cls`` itself defines raise its SDK's classes (``converting``).

    A blocking twin's errors also name the twin where the async client's name themselves.
    """
    driven = _twin_of(cls)
    table: ErrorTable | None = cls.__dict__.get("_errors")
    if driven is not None and table is not None:
        setattr(cls, "_errors", table.renaming(driven.__name__, cls.__name__))  # noqa: B010
    for name in names:
        member = cls.__dict__.get(name)
        if isinstance(member, classmethod):
            setattr(cls, name, classmethod(converting(member.__func__)))
        elif callable(member):
            setattr(cls, name, converting(member))
