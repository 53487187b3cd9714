"""A package's public names, each imported from its module on first access (PEP 562).

Each package root writes its exports once, as one table (name -> the private module that
defines it); its ``__all__`` is the table's keys, and its ``if TYPE_CHECKING:`` block says
the same to type checkers and IDEs (``tests/test_public_api.py`` checks they agree). A name
is imported when first used, so ``import dptcay_sdk`` loads no model, resource or blocking
twin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from importlib import import_module

__all__ = ["errors_from", "lazy_exports"]


def errors_from(module: str) -> dict[str, str]:
    """The table rows of the whole error tree, each class found in ``module``.

    ``module`` is the shared tree (``shared_auth._errors``) or an SDK's classes derived
    from it (``dptcay_sdk._exceptions``): both name every class of the shared ``__all__``.
    """
    from shared_auth._errors import __all__ as tree  # noqa: PLC0415 - a cheap module

    return dict.fromkeys(tree, module)


def lazy_exports(
    namespace: MutableMapping[str, object], sources: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Build a package's ``__getattr__`` and ``__dir__`` from its table of exports.

    Args:
        namespace: The package's ``globals()``; a loaded name is stored there, so later
            lookups never reach ``__getattr__`` again.
        sources: Each public name and the module that defines it.
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
        return sorted({*namespace, *sources})

    return __getattr__, __dir__
