"""The floors, read from the code: `shared_auth` never reaches an SDK, and no package's
modules import each other in a circle (typing-only and function-level imports count too:
a circle is a circle to the reader, whenever Python happens to run it)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SDKS = ("dptcay_sdk", "dancity_sdk")
PACKAGES = ("shared_auth", *SDKS)


@cache
def _modules(package: str) -> dict[str, Path]:
    """Module name -> file, for every module of ``package`` (subpackages included)."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every import in ``path``, at any depth."""
    known = _modules(module.partition(".")[0])
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # ``from package import module`` imports the module (its package is merely
                # initialised first, as for any import); anything else comes from ``base``.
                name = f"{base}.{alias.name}"
                yield node.lineno, name if name in known else base


def test_shared_auth_never_imports_an_sdk() -> None:
    reached = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for module, path in _modules("shared_auth").items()
        for line, name in _imports(module, path)
        if name.partition(".")[0] in SDKS
    ]
    assert reached == []


def _reachable(edges: dict[str, list[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(edges[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(edges[module])
    return seen


def _cycles(package: str) -> list[tuple[str, ...]]:
    """Each group of modules that reach one another through their imports."""
    modules = _modules(package)
    edges = {
        module: sorted({name for _, name in _imports(module, path) if name in modules} - {module})
        for module, path in modules.items()
    }
    reach = {module: _reachable(edges, module) for module in modules}
    return sorted(
        {
            tuple(sorted(other for other in reach[module] if module in reach[other]))
            for module in modules
            if module in reach[module]
        }
    )


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_circle_among_a_package_s_modules(package: str) -> None:
    assert _cycles(package) == []


def test_the_checks_see_typing_only_function_level_and_module_imports() -> None:
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert _reachable(edges, "a") == {"a", "b", "c"}
    assert "d" not in _reachable(edges, "a")
    seen = {
        name
        for module in ("dancity_sdk._recovery", "dancity_sdk", "shared_auth._pipeline")
        for _, name in _imports(module, _modules(module.partition(".")[0])[module])
    }
    # typing-only, ``from package import module``, and a plain ``from module import name``
    assert {"shared_auth.fleet", "dancity_sdk._credentials", "dancity_sdk._client"} <= seen
    assert "shared_auth._decode" in seen  # the pipeline's typing-only import of Decoder


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """The string constants of ``tree`` that are not docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def test_shared_auth_code_names_no_sdk_package() -> None:
    # An SDK's name in a string is a reach up too (importlib.import_module("dptcay_sdk"), a
    # logger name): SDKs register what the floor needs to know about them.
    named = [
        f"{path.relative_to(ROOT)}:{line} {text!r}"
        for path in _modules("shared_auth").values()
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8")))
        if any(sdk in text for sdk in SDKS)
    ]
    assert named == []


#: What the floor may not name, in any case: either SDK, or either API.
NAMES_ABOVE = ("dptcay", "dancity")


def _names_above(text: str) -> list[tuple[int, str]]:
    """``(line, text)`` for each line of ``text`` naming an SDK or an API (any case)."""
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if any(name in line.lower() for name in NAMES_ABOVE)
    ]


def test_shared_auth_names_no_sdk_and_no_api_anywhere() -> None:
    # Code, strings, docstrings and comments alike: each API's facts (key formats, hosts,
    # schedules, header names) live in its SDK, which hands them to the floor's mechanisms.
    named = [
        f"{path.relative_to(ROOT)}:{line} {text!r}"
        for path in sorted((ROOT / "shared_auth").rglob("*"))
        if path.is_file() and path.suffix in {".py", ".pyi", ".typed", ".md", ".txt"}
        for line, text in _names_above(path.read_text(encoding="utf-8"))
    ]
    assert named == []


def test_the_name_check_sees_any_case_in_code_and_text() -> None:
    text = 'KEY = "x"\n# the DANCITY key\nclass DptcayAuth: ...\n"""ok"""\n'
    assert [line for line, _ in _names_above(text)] == [2, 3]


#: Where each SDK writes its route paths: the declarations (Dancity's are one module per API
#: generation in the ``_spec`` package, and its App prefix sits with the family names), and
#: nowhere else.
DECLARATIONS = {
    "dptcay_sdk": {"dptcay_sdk._spec"},
    "dancity_sdk": {"dancity_sdk._spec", "dancity_sdk._declarations", "dancity_sdk._families"},
}
#: The Dancity sandbox's own control routes (``/_sandbox/…``, no API operation) are declared
#: with its routing table.
SANDBOX_CONTROL = {"dancity_sdk": ("dancity_sdk.testing._routes", "/_sandbox/")}
_ROUTE_PATH = re.compile(r"/[A-Za-z0-9_{}-]+(?:/[A-Za-z0-9_{}.-]+)*")


def _route_paths(path: Path) -> Iterator[tuple[int, str]]:
    """The code strings of ``path`` that are route paths (``/a/{b}``), docstrings aside."""
    for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
        if _ROUTE_PATH.fullmatch(text):
            yield line, text


@pytest.mark.parametrize("package", SDKS)
def test_route_paths_are_written_only_in_the_declarations(package: str) -> None:
    control_module, control_prefix = SANDBOX_CONTROL.get(package, ("", "\0"))
    stray = [
        f"{path.relative_to(ROOT)}:{line} {text!r}"
        for module, path in _modules(package).items()
        if module not in DECLARATIONS[package]
        and module.rpartition(".")[0] not in DECLARATIONS[package]
        for line, text in _route_paths(path)
        if not (module == control_module and text.startswith(control_prefix))
    ]
    assert stray == []


def test_the_route_path_check_sees_paths_and_not_docstrings(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        '"""GET /payments/{id}"""\nA = "/payments/{payment_id}"\nB = "/api"\nC = "a/b"\nD = "/"\n'
    )
    assert list(_route_paths(source)) == [(2, "/payments/{payment_id}"), (3, "/api")]


#: The house's limit: a module longer than this is split along its seams.
MAX_MODULE_LINES = 600


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_the_line_limit(package: str) -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules(package).values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_the_no_re_classing_rule_holds() -> None:
    # The class a user catches is decided when the exception is built, never after.
    assigned = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for package in PACKAGES
        for path in _modules(package).values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Attribute) and target.attr == "__class__"
    ]
    assert assigned == []
