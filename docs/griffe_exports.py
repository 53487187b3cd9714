"""Griffe extension: a package root's ``__all__``, which it builds from its table of exports.

Each package writes its exports once, as a table (``shared_auth._lazy.exports``) that sets
``__all__`` at import; griffe reads modules without running them, so it is told here what
the package exports (the same list ``tests/test_exports.py`` checks).
"""

from __future__ import annotations

import importlib
from typing import Any

import griffe


class LazyExports(griffe.Extension):
    """Give each package root that has a table of exports its runtime ``__all__``."""

    def on_module_members(self, *, mod: griffe.Module, **kwargs: Any) -> None:
        """Set ``mod.exports`` from the imported package (after its members are known)."""
        del kwargs
        if not mod.is_package or "." in mod.path:
            return
        runtime = importlib.import_module(mod.path)
        if "_EXPORTS" in vars(runtime):
            mod.exports = list(runtime.__all__)
