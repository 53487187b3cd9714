"""Names a package root provides on first access (PEP 562), shared by the three packages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from importlib import import_module

__all__ = ["lazy_exports"]


def lazy_exports(
    namespace: MutableMapping[str, object], sources: Mapping[str, str], public: list[str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Build a package's ``__getattr__`` and ``__dir__`` for names imported on first use.

    Args:
        namespace: The package's ``globals()``; a loaded name is stored there, so later
            lookups never reach ``__getattr__`` again.
        sources: Each lazy name and the module that defines it.
        public: The package's ``__all__``.
    """
    package = namespace["__name__"]

    def __getattr__(name: str) -> object:  # noqa: N807 - the PEP 562 hook
        source = sources.get(name)
        if source is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(import_module(source), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the PEP 562 hook
        return sorted({*namespace, *public})

    return __getattr__, __dir__
