"""A Griffe extension for the reference: docstrings as Markdown, and the clients' namespaces.

- Docstrings written for ``help()`` and the terminal keep two reStructuredText habits that
  Markdown renders as one paragraph: doctest blocks (``>>> ...``, with ``# doctest:``
  directives) and literal blocks introduced by ``::``. Both become fenced code blocks, and
  the doctest directives are dropped.
- The clients set their resources at run time (``client.payments``, ``client.vas``), which
  static analysis cannot see. Each client class gets one documented attribute per resource
  or namespace, read from a client built with fake credentials (nothing is sent), linking
  to the resource's entry in the reference.
- A constant or type alias documented by ``#:`` comment lines (which griffe does not read)
  gets them as its docstring.
- An attribute a class's ``Attributes:`` section describes was shown twice: a row of that
  table, then an entry with its type and nothing else (an options record listed each
  option twice). The description moves to the entry, which keeps its anchor; attributes
  with no entry of their own (or one with a docstring) stay in the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import griffe

_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")
_SECTION = re.compile(r"^Attributes:\n((?:(?:    .*)?\n)+)", re.MULTILINE)
_ITEM = re.compile(r"^    (\w+)(?: \([^)]*\))?:", re.MULTILINE)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _language(block: list[str]) -> str:
    first = block[0].strip() if block else ""
    if first.startswith((">>>", "...")):
        return "pycon"
    if first.startswith(("$ ", "python -m", "pip ", "nox ", "export ", "curl ")):
        return "bash"
    if first.startswith(("{", "[")):
        return "json"
    return "python"


def _doctest(lines: list[str], index: int, out: list[str]) -> int:
    """Fence the doctest block starting at ``index``; the index after it."""
    pad = lines[index][: _indent(lines[index])]
    block: list[str] = []
    while index < len(lines) and lines[index].strip():
        block.append(_DIRECTIVE.sub("", lines[index][len(pad) :]))
        index += 1
    out += [f"{pad}```pycon", *(f"{pad}{b}" for b in block), f"{pad}```"]
    return index


def _literal(lines: list[str], index: int, out: list[str]) -> int | None:
    """Fence the ``::`` literal block after line ``index``; the index after it, or None."""
    line = lines[index]
    start = index + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines) or _indent(lines[start]) <= _indent(line):
        return None
    base = _indent(lines[start])
    end = start
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= base):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    body = [b[base:] if b.strip() else "" for b in lines[start:end]]
    intro = line.rstrip()[:-2].rstrip()
    pad = line[: _indent(line)]
    if intro.strip():  # "Use it::" reads "Use it:"; a lone "::" (or "text ::") disappears
        out.append(intro + ("" if line.rstrip().endswith(" ::") else ":"))
    out += ["", f"{pad}```{_language(body)}", *(f"{pad}{b}" if b else "" for b in body)]
    out += [f"{pad}```", ""]
    return end


def markdown(text: str) -> str:
    """``text`` with its doctest and ``::`` literal blocks as fenced code blocks."""
    lines = text.splitlines()
    out: list[str] = []
    fenced = False
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith("```"):
            fenced = not fenced
        elif not fenced and stripped.startswith(">>>"):
            index = _doctest(lines, index, out)
            continue
        elif not fenced and stripped.endswith("::") and not stripped.startswith(".."):
            after = _literal(lines, index, out)
            if after is not None:
                index = after
                continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def _runtime_members(package: str) -> dict[str, list[tuple[str, str, str]]]:
    """Client class name -> ``(attribute, type path, summary)`` for each runtime resource."""
    if package == "dptcay_sdk":
        from dptcay_sdk import AsyncDptcayClient  # noqa: PLC0415

        client: Any = AsyncDptcayClient(api_key="dp_test_sk_" + "0" * 32)
        names = ("AsyncDptcayClient", "DptcayClient")
        attributes = [
            n
            for n in dir(client)
            if not n.startswith("_")
            and not callable(value := getattr(client, n))
            and type(value).__module__.startswith("dptcay_sdk")
        ]
    elif package == "dancity_sdk":
        from dancity_sdk import AsyncDancityClient  # noqa: PLC0415

        client = AsyncDancityClient(api_key="dcy_live_" + "0" * 40, jwt="e30.e30.sig")
        names = ("AsyncDancityClient", "DancityClient")
        attributes = ["vas", "app"]
    else:
        return {}
    members: list[tuple[str, str, str]] = []
    for attribute in attributes:
        value = getattr(client, attribute)
        cls = type(value)
        members.append((attribute, f"{cls.__module__}.{cls.__qualname__}", _summary(value)))
    return dict.fromkeys(names, members)


def _summary(value: Any) -> str:
    """The attribute's documentation: its resources and methods, linked."""
    cls = type(value)
    public = getattr(__import__(cls.__module__.split(".")[0]), "__all__", ())
    if cls.__name__ in public:  # a public resource class (dptcay): link it and its methods
        methods = [n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))]
        package = cls.__module__.split(".")[0]
        links = ", ".join(f"[`{m}`][{package}.{cls.__name__}.{m}]" for m in methods)
        return f"[`{cls.__name__}`][{package}.{cls.__name__}]: {links}."
    rows = []
    for name in getattr(value, "__slots__", ()) or vars(value):
        if name.startswith("_"):
            continue
        resource = getattr(value, name)
        kind = type(resource)
        methods = sorted(
            m for m in dir(kind) if not m.startswith("_") and callable(getattr(kind, m))
        )
        path = f"{kind.__module__}.{kind.__qualname__}"
        links = ", ".join(f"[`{m}`][{path}.{m}]" for m in methods)
        rows.append(f"- `{name}`: {links}")
    title = (cls.__doc__ or "").strip().splitlines()[0]
    return "\n".join(
        [
            title,
            "",
            (
                "Every method, per API generation, is on the "
                "[Dancity operations](dancity_operations.md) page:"
            ),
            "",
            *rows,
        ]
    )


def _fold(docstring: str, wanted: Callable[[str], bool]) -> tuple[str, dict[str, str]]:
    """Take the ``Attributes:`` items ``wanted`` accepts out of ``docstring``.

    Returns the docstring without them (without the section once it is empty) and each
    taken item's description, its continuation lines dedented.
    """
    found = _SECTION.search(docstring + "\n")
    if found is None:
        return docstring, {}
    kept: list[str] = []
    taken: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in found.group(1).splitlines():
        item = _ITEM.match(line)
        if item is not None:
            current = None
            if wanted(item.group(1)):
                current = taken.setdefault(item.group(1), [line[item.end() :].strip()])
                continue
        elif current is not None and (line.startswith("        ") or not line.strip()):
            current.append(line[8:])
            continue
        kept.append(line)
    if not taken:
        return docstring, {}
    rest = "\n".join(kept).strip("\n")
    section = f"Attributes:\n{rest}\n" if rest.strip() else ""
    text = (docstring + "\n")[: found.start()] + section + (docstring + "\n")[found.end() :]
    return text.rstrip() + "\n", {n: "\n".join(d).strip() for n, d in taken.items()}


class MarkdownDocstrings(griffe.Extension):
    """Fence doctest and literal blocks; document the clients' runtime attributes."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:  # noqa: ARG002
        """Rewrite the object's docstring as Markdown."""
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # noqa: ARG002
        """Add each client's resources (set at run time) as documented attributes."""
        if pkg.docstring is not None:  # ``on_object`` sees members only, not the package
            pkg.docstring.value = markdown(pkg.docstring.value)
        for class_name, members in _runtime_members(pkg.name).items():
            target = pkg.get_member(class_name)
            cls = target.final_target if isinstance(target, griffe.Alias) else target
            for attribute, annotation, summary in members:
                known = cls.members.get(attribute)
                if known is not None and known.docstring is not None:
                    continue  # documented in the source: kept as written
                docstring = griffe.Docstring(summary, parent=cls)
                member = griffe.Attribute(
                    attribute,
                    value=None,
                    annotation=griffe.ExprName(annotation.rsplit(".", 1)[-1]),
                    docstring=docstring,
                )
                member.labels.add("instance-attribute")
                cls.set_member(attribute, member)
        _twin_docstrings(pkg)
        for cls in _classes(pkg):
            _once(cls)
        _comment_docstrings(pkg)


def _classes(obj: griffe.Object) -> list[griffe.Class]:
    """Every class defined in ``obj`` and its submodules (re-exports not followed)."""
    found: list[griffe.Class] = []
    for member in obj.members.values():
        if isinstance(member, griffe.Alias):
            continue
        if isinstance(member, griffe.Class):
            found.append(member)
        if isinstance(member, (griffe.Class, griffe.Module)):
            found += _classes(member)
    return found


def _comment_docstrings(obj: griffe.Object) -> None:
    """An attribute documented by ``#:`` comment lines above it gets them as its docstring.

    Griffe reads a string under an assignment, not the ``#:`` comments the sources use for
    constants and type aliases (``JWTArgument``, ``DEFAULT_LEASE``), which showed empty.
    """
    lines: dict[str, list[str]] = {}
    for member in obj.members.values():
        if isinstance(member, griffe.Alias):
            continue
        if isinstance(member, (griffe.Class, griffe.Module)):
            _comment_docstrings(member)
        if not isinstance(member, griffe.Attribute) or member.docstring is not None:
            continue
        if member.lineno is None or not isinstance(member.filepath, Path):
            continue
        path = str(member.filepath)
        if path not in lines:
            lines[path] = member.filepath.read_text(encoding="utf-8").splitlines()
        source = lines[path]
        index = member.lineno - 2
        if index >= len(source):  # a stub's line (``_sync.pyi``) against the module's file
            continue
        comment: list[str] = []
        while index >= 0 and source[index].strip().startswith("#:"):
            comment.insert(0, source[index].strip()[2:].strip())
            index -= 1
        if comment:
            member.docstring = griffe.Docstring(" ".join(comment), parent=member)


def _once(cls: griffe.Class) -> None:
    """Each attribute the ``Attributes:`` table describes, documented once.

    An attribute with an entry of its own but no docstring takes the table's description
    (and keeps its anchor); one whose entry has a docstring leaves the table; one without
    an entry stays in it. An instance attribute's "value" is the constructor's code
    (``self.reference = reference``, ``redact(body_excerpt[:_EXCERPT_LENGTH])``), not a
    default: not shown.
    """
    for member in cls.members.values():
        if isinstance(member, griffe.Attribute) and "instance-attribute" in member.labels:
            member.value = None
    if cls.docstring is None:
        return

    def has_entry(name: str) -> bool:
        member = cls.members.get(name)
        return isinstance(member, griffe.Object) and not name.startswith("_")

    cls.docstring.value, descriptions = _fold(cls.docstring.value, has_entry)
    for name, description in descriptions.items():
        member = cls.members[name]
        if isinstance(member, griffe.Object) and member.docstring is None:
            member.docstring = griffe.Docstring(description, parent=member)


def _twin_docstrings(pkg: griffe.Module) -> None:
    """A blocking twin's member without a docstring takes its async client's one.

    The twins are typed by a stub (``_sync.pyi``) that declares members only.
    """
    for name in getattr(__import__(pkg.name), "__all__", ()):
        if not name.startswith("Async") or name[5:] not in pkg.members:
            continue
        source, twin = (pkg.get_member(n) for n in (name, name[5:]))
        source = source.final_target if isinstance(source, griffe.Alias) else source
        twin = twin.final_target if isinstance(twin, griffe.Alias) else twin
        for member_name, member in twin.members.items():
            known = source.members.get(member_name)
            if (
                isinstance(member, griffe.Object)
                and member.docstring is None
                and known is not None
                and known.docstring is not None
            ):
                member.docstring = griffe.Docstring(known.docstring.value, parent=member)
