"""mkdocs hook: the guide pages are sections of README.md, which stays the one source.

A page line ``<!-- readme: Heading -->`` becomes that README section;
``<!-- readme: Heading :: Label -->`` only the part of it that starts at the line
``**Label**`` and ends before the next such line (``:: _head``: the part before the first);
``<!-- readme: _intro -->`` is the text between the title and the contents, and
``<!-- readme: _rest -->`` every ``##`` section no page names, so a section added to the
README is never missing from the site.

One ``h1`` per page: a page with a title of its own (a ``# `` line) keeps the sections at
their README level (``##``) under it; a page without one takes its single section one level
up (``## Install`` becomes the page's ``# Install``). Links are rewritten for the site:
``#anchor`` to the page that now holds that heading, relative file links
(``examples/worker.py``) to the repository. The README's test markers
(``<!-- readme-test: ... -->``) are left out.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

_README = Path(__file__).resolve().parents[1] / "README.md"
_MARKER = re.compile(r"^<!-- readme: (.+?) -->$", re.MULTILINE)
_TEST_MARKER = re.compile(r"^<!-- readme-test:.*?-->\n", re.MULTILINE)
_LABEL = re.compile(r"^\*\*([^*]+)\*\*$", re.MULTILINE)
_TITLE = re.compile(r"^# ", re.MULTILINE)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_SKIPPED = {"Contents"}


def _slug(heading: str) -> str:
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"[\s]+", "-", text)


def _sections(text: str) -> tuple[str, dict[str, str]]:
    """The intro and each ``##`` section (by heading), code blocks left intact."""
    fences = [(m.start(), m.end()) for m in _FENCE.finditer(text)]

    def in_fence(position: int) -> bool:
        return any(start <= position < end for start, end in fences)

    starts = [
        m.start() for m in re.finditer(r"^## ", text, re.MULTILINE) if not in_fence(m.start())
    ]
    intro = text[text.index("\n", text.index("# ")) : starts[0]].strip()
    sections: dict[str, str] = {}
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        body = text[start:end].strip()
        sections[body.splitlines()[0][3:].strip()] = body
    return intro, sections


def _part(section: str, label: str) -> str:
    """The part of ``section`` under the line ``**label**`` (``_head``: before the first)."""
    labels = list(_LABEL.finditer(section))
    if label == "_head":
        return section[: labels[0].start()] if labels else section
    for index, match in enumerate(labels):
        if match.group(1) == label:
            end = labels[index + 1].start() if index + 1 < len(labels) else len(section)
            return section[match.start() : end]
    msg = f"README section has no line **{label}**"
    raise KeyError(msg)


def _promote(section: str) -> str:
    parts = re.split(r"(^```.*?^```)", section, flags=re.MULTILINE | re.DOTALL)
    for index in range(0, len(parts), 2):
        parts[index] = re.sub(r"^#(#+ )", r"\1", parts[index], flags=re.MULTILINE)
    return "".join(parts)


class _Site:
    def __init__(self, files: Any, repo_url: str) -> None:
        self.repo_url = repo_url.rstrip("/")
        self.intro, self.sections = _sections(_README.read_text(encoding="utf-8"))
        self.page_of: dict[str, str] = {}  # heading slug -> page path
        self.claimed: set[str] = set()
        for file in files.documentation_pages():
            source = Path(file.abs_src_path).read_text(encoding="utf-8")
            for name in _MARKER.findall(source):
                self.claimed.add(name.split(" :: ")[0])
        for file in files.documentation_pages():
            source = Path(file.abs_src_path).read_text(encoding="utf-8")
            for name in _MARKER.findall(source):
                for text in self._texts(name):
                    for line in text.splitlines():
                        if line.startswith("#"):
                            self.page_of[_slug(line.lstrip("#"))] = file.src_uri

    def _names(self, name: str) -> list[str]:
        if name == "_intro":
            return []
        if name == "_rest":
            return [h for h in self.sections if h not in self.claimed | _SKIPPED]
        if name not in self.sections:  # a README heading renamed: name the page to fix
            msg = f"README.md has no section {name!r}"
            raise KeyError(msg)
        return [name]

    def _texts(self, name: str) -> list[str]:
        heading, _, label = name.partition(" :: ")
        texts = [self.sections[h] for h in self._names(heading)]
        return [_part(t, label) for t in texts] if label else texts

    def render(self, name: str, page: str, *, promote: bool) -> str:
        if name == "_intro":
            return self._links(_TEST_MARKER.sub("", self.intro), page)
        texts = [_TEST_MARKER.sub("", t) for t in self._texts(name)]
        return "\n\n".join(self._links(_promote(t) if promote else t, page) for t in texts)

    def _links(self, text: str, page: str) -> str:
        def replace(match: re.Match[str]) -> str:
            target = match.group(1)
            if target.startswith("#"):
                home = self.page_of.get(target[1:])
                if home is None or home == page:
                    return match.group(0)
                relative = posixpath.relpath(home, posixpath.dirname(page) or ".")
                return f"]({relative}{target})"
            if "://" in target or target.startswith("mailto:"):
                return match.group(0)
            return f"]({self.repo_url}/blob/main/{target})"

        return _LINK.sub(replace, text)


_SITE: list[_Site] = []


def on_files(files: Any, config: Any) -> Any:
    """Read the README once per build, with the pages that use it."""
    _SITE[:] = [_Site(files, config["repo_url"])]
    return files


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Replace each ``<!-- readme: ... -->`` line with the README text it names."""
    site = _SITE[0]
    # Without a title of its own the page's one section is its title (``## X`` -> ``# X``).
    promote = _TITLE.search(_MARKER.sub("", markdown)) is None
    return _MARKER.sub(
        lambda m: site.render(m.group(1), page.file.src_uri, promote=promote), markdown
    )


_DIRECTIVE = re.compile(r"^::: ([\w.]+)$", re.MULTILINE)


def on_post_build(config: Any) -> None:
    """Fail the build if a public name of a documented module has no entry in the reference."""
    import importlib  # noqa: PLC0415 - only at the end of a build

    from mkdocs.exceptions import Abort  # noqa: PLC0415

    site = Path(config["site_dir"])
    missing: list[str] = []
    for page in sorted((Path(config["docs_dir"]) / "reference").glob("*.md")):
        html = (site / "reference" / page.stem / "index.html").read_text(encoding="utf-8")
        for module_name in _DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            module = importlib.import_module(module_name)
            missing += [
                f"{module_name}.{name}"
                for name in getattr(module, "__all__", ())
                if f'id="{module_name}.{name}"' not in html
            ]
    if missing:
        msg = f"the API reference lacks {len(missing)} public names: {', '.join(missing)}"
        raise Abort(msg)


_BASES = re.compile(
    r'(<p class="doc doc-class-bases">\s*Bases: )(<code>.*?</code>(?:, <code>.*?</code>)*)(</p>)'
)
_PRIVATE_TITLE = re.compile(
    r'<span title="(?:shared_auth|dptcay_sdk|dancity_sdk)(?:\.\w+)*\._\w*(?:\.\w+)*">(\w+)</span>'
)


def _bases(match: re.Match[str]) -> str:
    """A "Bases:" line without the bases a reader cannot import (``_CallLimits``, ``APIObject``).

    mkdocstrings links each base that has an entry; an unlinked one whose path is in one of
    the packages' private modules is an implementation detail (a type variable ``_T`` in a
    kept base reads ``T``). The line goes when nothing is left.
    """
    items = match.group(2)[len("<code>") : -len("</code>")].split("</code>, <code>")
    kept = [item for item in items if not re.match(_PRIVATE_TITLE.pattern, item)]
    kept = [_PRIVATE_TITLE.sub(lambda m: m.group(1).lstrip("_"), item) for item in kept]
    if not kept:
        return ""
    return match.group(1) + ", ".join(f"<code>{item}</code>" for item in kept) + match.group(3)


_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th[^>]*>(.*?)</th>", re.DOTALL)
_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<td(?=[\s>])")


_PLAIN_CODE = re.compile(r"<code>([^<]*[ /][^<]*)</code>")


def _breakable(match: re.Match[str]) -> str:
    """Code in a table cell that may wrap at a space or after a path's ``/``, nowhere else.

    ``GET /transactions/{transactionId}`` needs a narrow column to wrap, but not inside
    ``"2026-04-27"`` or ``validate-product``: each piece is a ``nowrap`` span, and the
    only places to break are the spaces and a ``<wbr>`` after each inner ``/``.
    """
    words = []
    for word in match.group(1).split(" "):
        pieces = re.findall(r"/?[^/]+/?|/", word)
        words.append("<wbr>".join(f'<span class="nowrap">{p}</span>' for p in pieces))
    return f'<code class="breakable">{" ".join(words)}</code>'


def _labelled(match: re.Match[str]) -> str:
    """The table with each body cell labelled by its column's header (``data-label``).

    On a phone the stylesheet shows each row as a block of "header: value" lines instead
    of a table wider than the screen.
    """
    table = match.group(1)
    head, end, body = table.partition("</thead>")
    if not end:
        return match.group(0)
    labels = [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split()).replace('"', "&quot;")
        for cell in _HEADER_CELL.findall(head)
    ]

    def row(found: re.Match[str]) -> str:
        cells = iter(labels)
        text = _CELL.sub(lambda _: f'<td data-label="{next(cells, "")}"', found.group(0))
        return _PLAIN_CODE.sub(_breakable, text)

    return f"<table>{head}{end}{_ROW.sub(row, body)}</table>"


_PRIVATE_PATH = r"(?:shared_auth|dptcay_sdk|dancity_sdk)(?:\.\w+)*\._\w+(?:\.\w+)*"
_LINK_TITLE = re.compile(r'title="[^"]*?' + _PRIVATE_PATH + r'\)?" href="([^"#]*)#([^"]+)"')
_SPAN_TITLE = re.compile(r'<span title="' + _PRIVATE_PATH + r'(?:\([^"]*\))?">')


def _public_titles(html: str) -> str:
    """Hover titles that name the public path (a link's target), not a private module's."""
    html = _LINK_TITLE.sub(lambda m: f'title="{m.group(2)}" href="{m.group(1)}#{m.group(2)}"', html)
    return _SPAN_TITLE.sub("<span>", html)


_SHORT_CODE = re.compile(r"<code>([^<\s]{1,40})</code>")


def _unbroken(html: str) -> str:
    """Short inline code without a space (``"2026-05-09"``, ``api_version=``) on one line.

    Material lets inline code break anywhere, so a date or a name split at the end of a
    line (``"2026-05-`` / ``09"``); a longer one may still wrap, or a phone would scroll.
    """
    return _SHORT_CODE.sub(r'<code class="nowrap">\1</code>', html)


def on_post_page(output: str, **_: Any) -> str:
    """Leave private bases out of "Bases:" lines and titles; label table cells by column."""
    return _unbroken(_public_titles(_TABLE.sub(_labelled, _BASES.sub(_bases, output))))
