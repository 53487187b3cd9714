"""A package's public names, each imported from its module on first access (PEP 562).

Each package root writes its exports once, as one table: each private module, then the
names the package exports from it (`exports`). `lazy_exports` gives the package its
``__all__`` (the table's names, sorted) and a ``__getattr__`` that imports a name from its module
when first used (so ``import <sdk>`` loads no model, resource or blocking twin). Type
checkers and IDEs, which cannot read a table, read the package's ``if TYPE_CHECKING:``
block of ``from module import Name as Name`` lines (``tests/test_public_api.py`` checks that
it says what the table says); they see no ``__getattr__``, so a misspelt name is an error.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from importlib import import_module

__all__ = ["exports", "lazy_exports"]


def exports(
    table: str, *, errors: str | None = None, shared: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Read a table of exports: each public name -> the module that defines it.

    Args:
        table: Lines of a module followed by names it defines; a line without a module
            continues the one before::

                example_sdk._client   AsyncExampleClient RatePlanName
                example_sdk._models   ApiKey Currency Event Payment
                                      Refund RefundStatus
        errors: The module holding the package's class of every error of the shared tree
            (``shared_auth._errors`` itself, or an SDK's ``_exceptions``).
        shared: Rows of another table (the shared names both SDKs export).
    """
    rows: dict[str, str] = {}
    if errors is not None:
        from shared_auth._errors import __all__ as tree  # noqa: PLC0415 - a cheap module

        rows.update(dict.fromkeys(tree, errors))
    rows.update(shared or {})
    module = ""
    for line in table.split("\n"):
        words = line.split()
        if words and "." in words[0]:
            module, *words = words
        rows.update(dict.fromkeys(words, module))
    return rows


def lazy_exports(namespace: MutableMapping[str, object], sources: Mapping[str, str]) -> None:
    """Give a package its ``__all__``, ``__getattr__`` and ``__dir__`` from its table.

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

    # Sorted as ruff's RUF022 sorts a written ``__all__``: constants, then the rest.
    namespace["__all__"] = sorted(sources, key=lambda name: (not name.isupper(), name))
    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = __dir__
