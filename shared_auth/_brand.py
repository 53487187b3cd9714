"""Tracebacks that name the SDK: ``dptcay_sdk.NotFoundError``, ``dancity_sdk.NotFoundError``.

Both SDKs share one error tree (``shared_auth``), and ``dptcay_sdk.NotFoundError`` *is*
``shared_auth.NotFoundError``: ``except`` and ``isinstance`` work with either name, across
both SDKs, exactly as before. What a traceback prints is ``type(exc).__module__`` and its
``__qualname__``; so an error on its way out of an SDK is re-classed, in place, to a *display
subclass* of its class whose module is that SDK's package. The subclass adds nothing, so
every ``except shared_auth.X``, ``except dptcay_sdk.X`` and ``isinstance`` check is unchanged;
only ``type(exc) is X`` sees the difference. Errors raised before a call reaches an SDK
boundary (a bad argument to a constructor) keep the shared name.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any, Final, TypeVar, cast

from shared_auth._errors import SDKError

__all__ = ["brand_for", "branded", "rebrand", "unbranded"]

_BRANDED: Final = "__sdk_branded__"
_E = TypeVar("_E", bound=SDKError)


def _reduce_as_parent(self: BaseException) -> tuple[Any, ...]:
    """Pickle as the shared class: the display subclass is not importable by its name."""
    reduced = BaseException.__reduce__(self)
    return (type(self).__mro__[1], *reduced[1:])


def branded(cls: type[_E], package: str) -> type[_E]:
    """The display subclass of ``cls`` that tracebacks show as ``package.<name>``."""
    display = _DISPLAY.get((cls, package))
    if display is None:
        display = _DISPLAY[cls, package] = _display_subclass(cls, package)
    return cast("type[_E]", display)


_DISPLAY: dict[tuple[type, str], type] = {}


def _display_subclass(cls: type, package: str) -> type:
    namespace = {
        "__module__": package,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
        "__reduce__": _reduce_as_parent,
        _BRANDED: True,
    }
    return type(cls.__name__, (cls,), namespace)


@functools.cache
def brand_for(package: str) -> dict[type, type]:
    """Shared error class -> its display subclass, for the classes ``package`` exports."""
    try:
        module = importlib.import_module(package)
    except ImportError:
        return {}
    classes = (getattr(module, name, None) for name in getattr(module, "__all__", ()))
    return {
        cls: branded(cls, package)
        for cls in classes
        if isinstance(cls, type)
        and issubclass(cls, SDKError)
        and cls.__module__.startswith("shared_auth")
    }


def rebrand(error: BaseException, package: str) -> None:
    """Re-class ``error`` in place to ``package``'s display subclass (if it has one)."""
    cls = type(error)
    if cls.__dict__.get(_BRANDED):
        return
    display = brand_for(package).get(cls)
    if display is not None:
        error.__class__ = display


def unbranded(cls: type) -> type:
    """The shared class behind a display subclass (``cls`` itself otherwise)."""
    return cls.__mro__[1] if cls.__dict__.get(_BRANDED) else cls
