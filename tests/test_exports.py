"""Each package writes its exports once (one table); what type checkers read says the same.

A package root's table (``_EXPORTS``: each private module and the names it defines) gives
it ``__all__`` and its lazy ``__getattr__``; its ``if TYPE_CHECKING:`` block, which type
checkers and IDEs read instead, must name the same things from the same modules.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import shared_auth
from shared_auth import _errors, _reexports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dptcay_sdk", "dancity_sdk", "shared_auth")
#: What users of the shared package need: the error tree, the settings they pass (retry,
#: timeouts and their "not given" default), secrets, rate limits, listings, redaction, and
#: the type of the JSON they hand over unmodelled.
#: The request pipeline, decoders, credentials and client base class are private.
SHARED_SURFACE = {
    *_errors.__all__,
    "NOT_GIVEN",
    "CallOptions",
    "ClientOptions",
    "JSONValue",
    "NotGiven",
    "RateLimit",
    "ResultList",
    "RetryPolicy",
    "Secret",
    "TimeoutArgument",
    "redact",
}
#: Names the shared package exported before it was made small: the pipeline and its types.
PIPELINE = ("BODY", "OUTCOMES", "Envelope", "Pipeline", "Reply", "Route", "BaseAsyncClient")


def _type_checking_view(package: str) -> dict[str, str]:
    """What the package's ``if TYPE_CHECKING:`` block exports: name -> defining module."""
    source = (ROOT / package / "__init__.py").read_text(encoding="utf-8")
    block = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "_TYPE_CHECKING"
    )
    view: dict[str, str] = {}
    for statement in block.body:
        assert isinstance(statement, ast.ImportFrom), ast.unparse(statement)
        assert statement.module is not None
        for alias in statement.names:
            if alias.name == "*":
                for name in importlib.import_module(statement.module).__all__:
                    view[name] = statement.module
            else:
                # ``X as X``: the form that re-exports under ``mypy --strict`` and pyright.
                assert alias.asname == alias.name, ast.unparse(statement)
                view[alias.name] = statement.module
    return view


def _defining_module(package: str, name: str, source: str) -> str:
    """The module type checkers should find ``name`` in, for a table row."""
    if source.endswith("._exceptions"):
        return "shared_auth._errors"  # an SDK's classes: type checkers see the shared ones
    return source


@pytest.mark.parametrize("package", PACKAGES)
def test_what_type_checkers_read_is_the_table(package: str) -> None:
    module = importlib.import_module(package)
    table: dict[str, str] = module._EXPORTS
    expected = {name: _defining_module(package, name, row) for name, row in table.items()}
    assert _type_checking_view(package) == expected
    assert module.__all__ == sorted(table, key=lambda name: (not name.isupper(), name))


@pytest.mark.parametrize("package", PACKAGES)
def test_each_row_of_the_table_names_where_the_object_lives(package: str) -> None:
    module = importlib.import_module(package)
    for name, source in module._EXPORTS.items():
        assert getattr(module, name) is getattr(importlib.import_module(source), name), name


def test_both_sdks_export_the_shared_names_of_one_table() -> None:
    for sdk in ("dptcay_sdk", "dancity_sdk"):
        table = importlib.import_module(sdk)._EXPORTS
        assert {name: table[name] for name in _reexports.SOURCES} == _reexports.SOURCES


def test_the_shared_package_exports_only_what_users_need() -> None:
    assert set(shared_auth.__all__) == SHARED_SURFACE
    assert len(shared_auth.__all__) == 38
    for name in PIPELINE:
        assert not hasattr(shared_auth, name), name
        with pytest.raises(AttributeError, match=f"has no attribute '{name}'"):
            getattr(shared_auth, name)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_is_documented(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{package}.{name} has no docstring"
            continue
        # A constant or type alias: documented by a ``#:`` comment where it is defined.
        source = Path(inspect.getfile(importlib.import_module(module._EXPORTS[name])))
        text = source.read_text(encoding="utf-8")
        assert re.search(rf"#:[^\n]*\n(#:[^\n]*\n)*{name}\b", text), f"{package}.{name}"


def test_a_misspelt_name_is_an_attribute_error_naming_the_package() -> None:
    with pytest.raises(AttributeError, match="module 'dptcay_sdk' has no attribute 'Paymnet'"):
        importlib.import_module("dptcay_sdk").Paymnet  # noqa: B018


def test_the_error_table_is_one_list_for_every_package() -> None:
    # The SDKs do not write their error classes out: each is derived from the shared tree.
    for sdk in ("dptcay_sdk", "dancity_sdk"):
        source = (ROOT / sdk / "_exceptions.py").read_text(encoding="utf-8")
        assert not re.search(r"^class ", source, re.MULTILINE)
        module = importlib.import_module(sdk)
        for name in _errors.__all__:
            assert getattr(module, name).__bases__[0] is getattr(shared_auth, name)


def test_importing_a_package_imports_no_model_or_twin() -> None:
    code = (
        "import sys, shared_auth, dptcay_sdk, dancity_sdk\n"
        "late = ('shared_auth._models', 'shared_auth._sync', 'shared_auth._pipeline', "
        "'dptcay_sdk._models', 'dptcay_sdk._sync', 'dancity_sdk._models', 'dancity_sdk._sync')\n"
        "print([m for m in late if m in sys.modules])\n"
    )
    run = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"
