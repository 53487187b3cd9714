"""No ``typing.Any`` in a public signature: what users call, read and pass is typed.

Public: each name in a public module's ``__all__``; for a class, its public methods,
properties and annotated attributes, its constructor, and (for a ``TypedDict``) its items.
Every annotation is searched recursively: unions, generics, ``Callable``, ``Annotated``,
``Unpack[SomeTypedDict]`` and the items of any ``TypedDict`` or members of any ``Protocol``
a signature names, and the aliases (recursive ones included) a signature goes through.
"""

from __future__ import annotations

import ast
import collections.abc
import functools
import importlib
import inspect
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from tests.test_public_api import PUBLIC_MODULES

pytestmark = pytest.mark.loop_agnostic

#: Dunder methods whose signature users see: constructing and calling.
PUBLIC_DUNDERS = ("__init__", "__new__", "__call__")
#: Members whose signature keeps an ``Any``, each with its reason (keep this list short).
ALLOWED: dict[str, str] = {
    "shared_auth.testing.FaultInjector.__call__": (
        "the ASGI entry point: httpx.ASGITransport calls it with dict[str, Any] messages "
        "and Starlette with MutableMapping[str, Any] ones; no Any-free (scope, receive, "
        "send) accepts both callers' send"
    ),
}
OUR_PACKAGES = ("dptcay_sdk", "dancity_sdk", "shared_auth")


def _ours(value: object) -> bool:
    module = getattr(value, "__module__", None) or ""
    return module.split(".")[0] in OUR_PACKAGES


class _Finder:
    """Collects ``place: path`` for every ``Any`` reached from the public names."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self._structures: set[int] = set()  # TypedDicts and Protocols already searched

    def annotation(self, place: str, hint: object, namespace: dict[str, object]) -> None:
        self._walk(place, hint, namespace, set())

    def _walk(  # noqa: C901, PLR0912 - one case per kind of annotation
        self, place: str, hint: object, namespace: dict[str, object], seen: set[int]
    ) -> None:
        if id(hint) in seen:
            return  # a recursive alias: searched already on this path
        seen = seen | {id(hint)}
        if hint is typing.Any:
            self.found.append(place)
            return
        if isinstance(hint, typing.ForwardRef):  # a TypedDict's item, maybe inherited
            module = getattr(hint, "__forward_module__", None)
            if module is not None:
                namespace = _namespace(module)
            hint = hint.__forward_arg__
        if isinstance(hint, str):  # written under ``from __future__ import annotations``
            self._source(place, ast.parse(hint, mode="eval").body, namespace, seen)
            return
        if isinstance(hint, typing.TypeVar):
            for bound in (hint.__bound__, *hint.__constraints__):
                if bound is not None:
                    self._walk(f"{place} ~{hint.__name__}", bound, namespace, seen)
            return
        if isinstance(hint, list | tuple):  # Callable's parameter list
            for item in hint:
                self._walk(place, item, namespace, seen)
            return
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            self._walk(place, typing.get_args(hint)[0], namespace, seen)
            return
        if origin is typing.Literal:
            return
        if origin is not None:
            for argument in typing.get_args(hint):
                self._walk(place, argument, namespace, seen)
            return
        # A TypedDict's items are part of the signature that names it (``Unpack``
        # included); so are the members of one of our Protocols.
        structure = typing.is_typeddict(hint) or (_ours(hint) and _is_protocol(hint))
        if isinstance(hint, type) and structure and id(hint) not in self._structures:
            self._structures.add(id(hint))
            self.cls(f"{hint.__module__}.{hint.__qualname__}", hint)

    def _source(  # noqa: C901 - one case per kind of expression
        self, place: str, node: ast.expr, namespace: dict[str, object], seen: set[int]
    ) -> None:
        """Search an annotation's source, resolving each name where it was written.

        Resolving name by name (not the whole expression) reads annotations that do not
        evaluate at runtime (``weakref.finalize[...]`` on Python 3.11).
        """
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):  # a nested forward reference
                self._walk(place, node.value, namespace, seen)
            return
        if isinstance(node, ast.Name | ast.Attribute):
            try:
                value = eval(ast.unparse(node), namespace)  # noqa: S307 - our own annotations
            except (NameError, AttributeError):
                self.found.append(f"{place} (unresolvable {ast.unparse(node)!r})")
                return
            if not isinstance(value, type | types.ModuleType):
                # An alias: the names it holds (forward references, a string alias) are
                # read where it is written.
                home = _alias_home(ast.unparse(node).rpartition(".")[2], value)
                namespace = _namespace(home) if home is not None else namespace
            self._walk(place, value, namespace, seen)
            return
        if isinstance(node, ast.Subscript):
            base = eval(ast.unparse(node.value), namespace)  # noqa: S307 - our own annotations
            self._walk(place, base, namespace, seen)
            if base is typing.Literal:
                return
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if base is typing.Annotated:
                elements = elements[:1]
            for element in elements:
                self._source(place, element, namespace, seen)
            return
        if isinstance(node, ast.BinOp):  # X | Y
            self._source(place, node.left, namespace, seen)
            self._source(place, node.right, namespace, seen)
            return
        if isinstance(node, ast.List | ast.Tuple):  # Callable's parameters
            for element in node.elts:
                self._source(place, element, namespace, seen)
            return
        self.found.append(f"{place} (unread annotation {ast.unparse(node)!r})")

    def function(
        self,
        place: str,
        function: Callable[..., object],
        owner: dict[str, object] | None = None,
        fields: dict[str, object] | None = None,
    ) -> None:
        function = inspect.unwrap(function)
        # A generated method (attrs' ``__init__``) names its class's module's types.
        module = getattr(function, "__globals__", {}).get("__name__")
        namespace = {**(owner or {}), **_namespace(module)}
        for variant in (function, *typing.get_overloads(function)):
            hints = getattr(variant, "__annotations__", None) or {}
            for parameter, hint in hints.items():
                if fields and fields.get(parameter, object()) == hint:
                    continue
                label = "return" if parameter == "return" else parameter
                self.annotation(f"{place}({label})", hint, namespace)

    def cls(self, place: str, cls: type) -> None:  # noqa: C901 - attributes, then members
        """A class's annotated attributes and public methods, each where it is written."""
        owner: dict[str, object] = {}  # an attrs __init__ names inherited fields' types
        for klass in reversed(cls.__mro__):
            if not (_ours(klass) or typing.is_typeddict(klass)) or _stub(klass) is not None:
                continue  # a builtin, or a blocking twin (its stub is searched instead)
            namespace = {**_namespace(_defined_in(klass)), klass.__name__: klass}
            owner.update(namespace)
            label = place if klass is cls else f"{_defined_in(klass)}.{klass.__qualname__}"
            for attribute, hint in vars(klass).get("__annotations__", {}).items():
                if not attribute.startswith("_"):
                    self.annotation(f"{label}.{attribute}", hint, namespace)
        if typing.is_typeddict(cls):
            return
        fields = {f.name: f.type for f in attrs.fields(cls)} if attrs.has(cls) else {}
        for klass, attribute, member in _members(cls):
            if _stub(klass) is not None or attribute in _runtime_only(klass):
                continue  # typed by a stub, or type checkers never see it
            label = place if klass is cls else f"{_defined_in(klass)}.{klass.__qualname__}"
            if isinstance(member, property):
                if member.fget is not None:
                    self.function(f"{label}.{attribute}", member.fget, owner)
            elif isinstance(member, classmethod | staticmethod):
                self.function(f"{label}.{attribute}", member.__func__, owner)
            elif inspect.isfunction(member) and _ours(member):
                # attrs' __init__ repeats each field's type: searched as the attribute.
                skip = fields if attribute == "__init__" else {}
                self.function(f"{label}.{attribute}", member, owner, skip)

    def stub(self, path: Path) -> None:  # noqa: C901 - every annotation of a stub
        """Every annotation of a stub (a blocking twin's ``_sync.pyi``)."""
        tree = ast.parse(path.read_text(encoding="utf-8"))
        namespace: dict[str, object] = {}
        for statement in tree.body:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                exec(ast.unparse(statement), namespace)  # noqa: S102 - the stub's imports
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                namespace[node.name] = object  # the stub's own (private) classes
        for klass in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            for item in klass.body:
                place = f"{path.parent.name}._sync.{klass.name}"
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    self._source(f"{place}.{item.target.id}", item.annotation, namespace, set())
                elif isinstance(item, ast.FunctionDef):
                    arguments = item.args
                    for argument in (
                        *arguments.posonlyargs,
                        *arguments.args,
                        *arguments.kwonlyargs,
                        *filter(None, (arguments.vararg, arguments.kwarg)),
                    ):
                        if argument.annotation is not None:
                            where = f"{place}.{item.name}({argument.arg})"
                            self._source(where, argument.annotation, namespace, set())
                    if item.returns is not None:
                        where = f"{place}.{item.name}(return)"
                        self._source(where, item.returns, namespace, set())


def _stub(cls: type) -> Path | None:
    """The stub that types ``cls`` for type checkers, if its module has one."""
    module = sys.modules.get(_defined_in(cls))
    source = getattr(module, "__file__", None)
    if source is None:
        return None
    stub = Path(source).with_suffix(".pyi")
    return stub if stub.is_file() else None


def _defined_in(cls: type) -> str:
    """The module whose source wrote ``cls`` (public classes name their package instead)."""
    for member in vars(cls).values():
        function = getattr(member, "__func__", getattr(member, "fget", member))
        if inspect.isfunction(function) and function.__qualname__.startswith(cls.__qualname__):
            return str(function.__globals__["__name__"])
    for name, module in list(sys.modules.items()):
        private = name.split(".")[0] in OUR_PACKAGES and "._" in name
        if private and vars(module).get(cls.__name__) is cls:
            return name
    return cls.__module__


def _alias_home(name: str, value: object) -> str | None:
    """The module that writes the alias ``name = value`` (ours or a dependency's)."""
    for module_name, module in list(sys.modules.items()):
        if vars(module).get(name) is value and re.search(
            rf"^{name}(: [\w.]*TypeAlias)? =", _source_of(module_name), re.MULTILINE
        ):
            return module_name
    return None


@functools.cache
def _source_of(module_name: str) -> str:
    try:
        return inspect.getsource(sys.modules[module_name])
    except (OSError, TypeError):
        return ""


@functools.cache
def _namespace(name: str | None) -> dict[str, object]:
    """What a module's annotations may name: its globals and its ``TYPE_CHECKING`` imports."""
    module = sys.modules.get(name or "")
    if module is None:
        return {}
    namespace = dict(vars(module))
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return namespace
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for statement in node.body:
                if isinstance(statement, ast.Import | ast.ImportFrom):
                    exec(ast.unparse(statement), namespace)  # noqa: S102 - our own imports
    return namespace


@functools.cache
def _runtime_only(cls: type) -> frozenset[str]:
    """Members a class defines under ``if not TYPE_CHECKING:`` (type checkers skip them)."""
    try:
        tree = ast.parse(inspect.getsource(cls).strip())
    except (OSError, TypeError, SyntaxError):
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("not TYPE_CHECKING"):
            for statement in ast.walk(node):
                if isinstance(statement, ast.Name) and isinstance(statement.ctx, ast.Store):
                    names.add(statement.id)
                elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(statement.name)
    return frozenset(names)


def _is_protocol(cls: object) -> bool:
    return bool(getattr(cls, "_is_protocol", False))


def _members(cls: type) -> Iterator[tuple[type, str, object]]:
    """A class's public members and user-facing dunders, as written (not bound)."""
    for attribute in dir(cls):
        if attribute.startswith("_") and attribute not in PUBLIC_DUNDERS:
            continue
        for klass in cls.__mro__:
            if attribute in vars(klass):
                yield klass, attribute, vars(klass)[attribute]
                break


def _public_any() -> list[str]:
    finder = _Finder()
    searched: set[int] = set()
    stubs: set[Path] = set()
    # The shared package first: a name both SDKs re-export is reported under it.
    for name in sorted(PUBLIC_MODULES, key=lambda name: not name.startswith("shared_auth")):
        module = importlib.import_module(name)
        for public in module.__all__:
            value = getattr(module, public)
            if id(value) in searched:
                continue
            searched.add(id(value))
            place = f"{name}.{public}"
            if inspect.isclass(value):
                finder.cls(place, value)
                stub = _stub(value)
                if stub is not None and stub not in stubs:
                    stubs.add(stub)
                    finder.stub(stub)
            elif inspect.isfunction(value):
                finder.function(place, value)
            elif _is_type_form(value):
                finder.annotation(place, value, _namespace(name))
    return sorted(set(finder.found))


def _is_type_form(value: object) -> bool:
    """A type alias (``X = int | str``, ``Literal[...]``), not a constant."""
    return (
        value is typing.Any
        or isinstance(
            value,
            types.UnionType | types.GenericAlias | type(typing.Union[int, str]),  # noqa: UP007
        )
        or typing.get_origin(value) is not None
    )


def _member(place: str) -> str:
    """``pkg.Class.method`` of ``pkg.Class.method(parameter)``."""
    return place.partition("(")[0]


def test_no_public_signature_names_any() -> None:
    found = _public_any()
    unexpected = [place for place in found if _member(place) not in ALLOWED]
    assert not unexpected, "Any in public signatures:\n" + "\n".join(unexpected)


def test_the_allow_list_names_only_places_that_still_need_it() -> None:
    stale = set(ALLOWED) - {_member(place) for place in _public_any()}
    assert not stale, f"allowed but gone: {sorted(stale)}"


class _Options(typing.TypedDict, total=False):
    hook: Callable[[int], typing.Any]


#: A recursive alias hiding an Any two levels down.
_Tree: typing.TypeAlias = int | list["_Tree"] | dict[str, "_Tree | typing.Any"]


def _unpacked(**options: typing.Unpack[_Options]) -> None:
    """Takes options."""


def _nested(value: collections.abc.Mapping[str, list[typing.Any] | None]) -> None:
    """Takes a mapping."""


def _annotated() -> typing.Annotated[dict[str, typing.Any], "meta"]:
    """Returns a dict."""
    return {}


def _recursive(tree: _Tree) -> None:
    """Takes a tree."""


@typing.overload
def _overloaded(value: int) -> int: ...
@typing.overload
def _overloaded(value: str) -> typing.Any: ...
def _overloaded(value: int | str) -> object:
    """Overloads: the variants are searched too."""
    return value


def _clean(value: collections.abc.Mapping[str, list[int] | None]) -> typing.Literal["a"]:
    """Takes and returns no Any."""
    return "a"


def test_the_search_finds_any_where_a_user_would(tmp_path: Path) -> None:
    # The search itself can fail: each of these hides an Any one level down or more.
    finder = _Finder()
    for function in (_unpacked, _nested, _annotated, _recursive, _overloaded, _clean):
        finder.function(function.__name__, function)
    assert finder.found == [
        f"{__name__}._Options.hook",
        "_nested(value)",
        "_annotated(return)",
        "_recursive(tree)",
        "_overloaded(return)",
    ]
    stub = tmp_path / "_sync.pyi"
    stub.write_text(
        "from typing import Any\nclass Twin:\n    def get(self, key: str) -> dict[str, Any]: ...\n",
        encoding="utf-8",
    )
    finder.found.clear()
    finder.stub(stub)
    assert finder.found == [f"{tmp_path.name}._sync.Twin.get(return)"]


def test_what_type_checkers_never_see_is_left_out() -> None:
    import shared_auth._sync  # noqa: PLC0415 - the blocking twins' base

    assert "from_env" in _runtime_only(shared_auth._sync.SyncClient)
    assert "async_client" not in _runtime_only(shared_auth._sync.SyncClient)
