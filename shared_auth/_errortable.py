"""Each SDK's own error classes, handed by its client to the pipeline.

Every SDK defines, at import, a real subclass of each shared error it exports
(``<sdk>.NotFoundError`` subclasses `shared_auth.NotFoundError` and ``<sdk>.APIStatusError``),
so a traceback names the package the user imported and ``except shared_auth.NotFoundError``
/ ``except <sdk>.NotFoundError`` both catch what that SDK's call raises. The client hands
its table to the pipeline, which builds the SDK's class directly; an error raised deeper in
the shared code (a journal, a closed client) is handed on as the SDK's class by
[`ErrorTable.convert`][shared_auth._errortable.ErrorTable.convert]: a new exception with the
same message, attributes, cause and traceback.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import threading
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

from shared_auth._errors import SDKError

__all__ = ["NO_TABLE", "ErrorTable", "converting", "converting_entry_points"]

_E = TypeVar("_E", bound=BaseException)


class ErrorTable:
    """Shared error class -> the SDK's subclass of it (its first base).

    Args:
        classes: The SDK's error classes, each with the shared class as its first base.
        later: Modules of more such classes that the SDK loads only when used (its journal
            errors); imported at the first miss for an error of ``shared_auth.fleet``.
    """

    __slots__ = ("_classes", "_later", "_lock")

    def __init__(self, *classes: type[SDKError], later: tuple[str, ...] = ()) -> None:
        self._classes: dict[type, type] = {}
        self._later = later
        self._lock = threading.Lock()
        self.add(*classes)

    def add(self, *classes: type[SDKError]) -> None:
        """Register more of the SDK's classes (a module in ``later`` does, when imported)."""
        for cls in classes:
            shared = cls.__bases__[0]
            if not issubclass(cls, shared) or shared.__module__.split(".")[0] != "shared_auth":
                msg = f"{cls.__qualname__}'s first base must be a shared_auth error"
                raise TypeError(msg)
            self._classes[shared] = cls

    def __call__(self, cls: type[_E]) -> type[_E]:
        """The class to raise for the shared ``cls`` (``cls`` itself if the SDK has none)."""
        found = self._classes.get(cls)
        if found is None and self._later and cls.__module__.startswith("shared_auth.fleet"):
            self._load_later()
            found = self._classes.get(cls)
        return cast("type[_E]", found or cls)

    def _load_later(self) -> None:
        with self._lock:
            later, self._later = self._later, ()
        for module in later:
            importlib.import_module(module)

    def convert(self, error: _E) -> _E:
        """``error`` itself, or a copy of it as the SDK's class: same state and chain."""
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


def converting(method: _F) -> _F:
    """Hand a shared error ``method`` raises on as its client's class (``self._errors``).

    For the client's entry points (its constructor, ``from_env``, its calls, its journal
    checks): what they raise is the SDK's class, with the original's chain. Put it under
    ``@classmethod`` for a classmethod.
    """
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def async_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except SDKError as exc:
                converted = _table(self).convert(exc)
                if converted is exc:
                    raise
            raise converted  # outside the handler: the original's own chain, not it

        return cast("_F", async_wrapper)

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except SDKError as exc:
            converted = _table(self).convert(exc)
            if converted is exc:
                raise
        raise converted

    return cast("_F", wrapper)


def converting_entry_points(cls: type, names: tuple[str, ...] = ("__init__", "from_env")) -> None:
    """Make the constructors ``cls`` itself defines raise its SDK's classes (``converting``)."""
    for name in names:
        member = cls.__dict__.get(name)
        if isinstance(member, classmethod):
            setattr(cls, name, classmethod(converting(member.__func__)))
        elif callable(member):
            setattr(cls, name, converting(member))
