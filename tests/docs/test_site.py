"""The documentation site, read as built: what a reader sees, checked page by page.

The site is built once per session (``mkdocs build --strict`` into a temporary directory,
about ten seconds), or read from ``DOCS_SITE_DIR`` when a build already made it (the
``docs`` nox session builds ``site/`` and then runs this file against it).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROLE = re.compile(r":(?:class|meth|mod|func|attr|exc|data|obj|ref|doc):(?=[`\w~.])")
TEST_MARKERS = ("# doctest:", "readme-test", "doctest: +")
GOOGLE_FONTS = ("fonts.googleapis.com", "fonts.gstatic.com")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("DOCS_SITE_DIR")
    if given:
        return Path(given).resolve()
    target = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "NO_MKDOCS_2_WARNING": "1",
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)]
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return target


def _pages(site: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(site.rglob("*.html")):
        yield path.relative_to(site).as_posix(), path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def parsed(site: Path) -> dict[str, _Text]:
    """Every page's text, ids and links, read once."""
    return {page: _parse(html) for page, html in _pages(site)}


class _Text(HTMLParser):
    """A page's visible text and its ids and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href") is not None:
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def _parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_the_site_has_the_pages_a_newcomer_needs(site: Path) -> None:
    for page in (
        "index.html",
        "generations/index.html",
        "architecture/index.html",
        "reference/dancity_operations/index.html",
        "reference/dancity_sdk/index.html",
        "reference/dptcay_sdk/index.html",
        "reference/shared_auth/index.html",
        "404.html",
    ):
        assert (site / page).is_file(), page


def test_no_page_shows_a_sphinx_role(parsed: dict[str, _Text]) -> None:
    texts = {page: "".join(parser.text) for page, parser in parsed.items()}
    assert texts
    found = {page: ROLE.findall(text) for page, text in texts.items() if ROLE.search(text)}
    assert not found, found


def test_no_page_shows_a_test_marker(site: Path) -> None:
    found = [(page, m) for page, html in _pages(site) for m in TEST_MARKERS if m in html]
    assert not found, found


def test_every_page_has_exactly_one_h1(site: Path) -> None:
    counts = {page: len(re.findall(r"<h1[\s>]", html)) for page, html in _pages(site)}
    assert counts
    assert {page: n for page, n in counts.items() if n != 1} == {}


def test_no_page_loads_google_fonts(site: Path) -> None:
    found = [page for page, html in _pages(site) if any(host in html for host in GOOGLE_FONTS)]
    assert not found, found


def test_the_404_page_links_under_the_site_url(site: Path) -> None:
    html = (site / "404.html").read_text(encoding="utf-8")
    path = urlsplit(_site_url()).path
    assert path != "/"
    assets = re.findall(r'(?:href|src)="([^"]+/assets/[^"]+)"', html)
    assert assets
    assert all(asset.startswith(path) for asset in assets), assets


def _site_url() -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    found = re.search(r"^site_url:\s*(\S+)", text, re.MULTILINE)
    assert found is not None, "mkdocs.yml sets no site_url"
    return found.group(1)


def _dancity_declared() -> list[tuple[str, str]]:
    from dancity_sdk import _spec  # noqa: PLC0415

    vas = sorted({name for g in _spec.GENERATIONS.values() for name in g.operations})
    return [("vas", name) for name in vas] + [
        ("app", name) for name in sorted(_spec.APP_OPERATIONS)
    ]


def test_every_declared_dancity_operation_has_an_entry(site: Path) -> None:
    page = _parse((site / "reference/dancity_operations/index.html").read_text(encoding="utf-8"))
    declared = _dancity_declared()
    assert len(declared) > 30  # 35 VAS operations and 3 App ones today
    missing = [
        f"{family} {name}" for family, name in declared if f"op-{family}-{name}" not in page.ids
    ]
    assert missing == []
    # ... and the entry is the method's own: its signature and its per-generation table.
    text = "".join(page.text)
    for name in ("airtime.buy", "esim.purchase", "cards.create", "transactions.reconcile"):
        assert f"client.vas.{name}" in text, name
    assert "POST /esim/purchase" in text


def test_every_client_namespace_is_on_its_client_page(site: Path) -> None:
    dancity = _parse((site / "reference/dancity_sdk/index.html").read_text(encoding="utf-8"))
    dptcay = _parse((site / "reference/dptcay_sdk/index.html").read_text(encoding="utf-8"))
    for client in ("AsyncDancityClient", "DancityClient"):
        assert {f"dancity_sdk.{client}.vas", f"dancity_sdk.{client}.app"} <= dancity.ids
    resources = ("payments", "refunds", "currencies", "webhooks", "keys")
    for client in ("AsyncDptcayClient", "DptcayClient"):
        assert {f"dptcay_sdk.{client}.{name}" for name in resources} <= dptcay.ids


def test_every_dptcay_method_has_an_entry(site: Path) -> None:
    from dptcay_sdk import AsyncDptcayClient  # noqa: PLC0415

    ids = _parse((site / "reference/dptcay_sdk/index.html").read_text(encoding="utf-8")).ids
    client = AsyncDptcayClient(api_key="dp_test_sk_" + "0" * 32)
    resources = [
        type(value)
        for name in dir(client)
        if not name.startswith("_")
        and not callable(value := getattr(client, name))
        and type(value).__module__.startswith("dptcay_sdk")
    ]
    entries = [
        f"dptcay_sdk.{kind.__name__}.{method}"
        for kind in resources
        for method in dir(kind)
        if not method.startswith("_") and callable(getattr(kind, method))
    ]
    assert entries
    assert [entry for entry in entries if entry not in ids] == []


def test_internal_links_reach_a_page_and_an_anchor(parsed: dict[str, _Text]) -> None:
    ids = {page: parser.ids for page, parser in parsed.items()}
    broken = []
    for page, parser in parsed.items():
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:") or page == "404.html":
                continue
            target = (Path(page).parent / unquote(parts.path)).as_posix() if parts.path else page
            target = os.path.normpath(target)
            if not target.endswith(".html"):
                target = f"{target}/index.html".removeprefix("./")
            if target not in ids:
                broken.append(f"{page}: {href}")
            elif parts.fragment and unquote(parts.fragment) not in ids[target]:
                broken.append(f"{page}: {href} (no anchor)")
    assert broken == []


def test_the_home_page_code_is_the_readme_s_tested_code() -> None:
    home = (ROOT / "docs/index.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", home, re.MULTILINE | re.DOTALL)
    assert blocks
    assert [block for block in blocks if block not in readme] == []


def _griffe_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("griffe_docs", ROOT / "docs/griffe_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_doctest_and_literal_blocks_become_fenced_code() -> None:
    markdown = _griffe_docs().markdown
    doctest = "Intro.\n\n>>> import x  # doctest: +SKIP\n>>> x.y()\n1\n\nAfter."
    assert markdown(doctest) == ("Intro.\n\n```pycon\n>>> import x\n>>> x.y()\n1\n```\n\nAfter.")
    literal = "Use it with ``async for``::\n\n    async for tx in it:\n        print(tx)\n\nNext."
    assert markdown(literal) == (
        "Use it with ``async for``:\n\n```python\nasync for tx in it:\n    print(tx)\n```\n\n"
        "\nNext."
    )
    fenced = "```python\n>>> kept\n```"
    assert markdown(fenced) == fenced


def _html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def _code_blocks(html: str) -> list[str]:
    """The text of each highlighted code block of a page."""
    blocks = re.findall(r'<div class="highlight"><pre>.*?<code>(.*?)</code>', html, re.DOTALL)
    return [unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def test_every_operation_example_calls_its_method_as_declared(site: Path) -> None:
    import inspect  # noqa: PLC0415

    from dancity_sdk import AsyncDancityClient  # noqa: PLC0415

    client = AsyncDancityClient(api_key="dcy_live_" + "0" * 40, jwt="e30.e30.sig")
    calls = 0
    for block in _code_blocks(_html(site, "reference/dancity_operations/index.html")):
        tree = ast.parse("async def example():\n" + textwrap.indent(block, "    "))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            path = ast.unparse(node.func)
            if not path.startswith(("client.vas.", "client.app.")):
                continue
            method: Any = client
            for part in path.split(".")[1:]:
                method = getattr(method, part)
            # bind() raises for a keyword the method does not take or a required argument
            # left out; ``extras=...`` would bind to ``**extras``, so it is refused here.
            signature = inspect.signature(method)
            signature.bind(*node.args, **{k.arg: k.value for k in node.keywords if k.arg})
            bags = {p.name for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD}
            assert all(k.arg and k.arg not in bags for k in node.keywords), block
            assert "..." not in ast.unparse(node), block
            calls += 1
    assert calls > 40  # one example per method


def test_an_example_of_an_older_generation_says_which_client_runs_it(site: Path) -> None:
    from dancity_sdk import _spec  # noqa: PLC0415

    newest = _spec.GENERATIONS[_spec.DEFAULT_API_VERSION].operations
    html = _html(site, "reference/dancity_operations/index.html")
    blocks = {
        re.search(r"client\.vas\.(\w+\.\w+)\(", block).group(1): block  # type: ignore[union-attr]
        for block in _code_blocks(html)
        if re.search(r"client\.vas\.(\w+\.\w+)\(", block)
    }
    assert "cards.create" not in newest
    for name in ("cards.create", "cards.list"):
        assert 'api_version="2026-05-09"' in blocks[name], blocks[name]
    assert "api_version=" not in blocks["airtime.buy"]


def test_no_argument_the_caller_passes_is_said_to_be_set_by_the_sdk(site: Path) -> None:
    import dancity_sdk  # noqa: PLC0415

    records = (
        dancity_sdk.PurchaseExtras,
        dancity_sdk.MerchantTransactionFilters,
        dancity_sdk.TransactionFilters,
    )
    keys = {key for record in records for key in record.__annotations__}
    assert {"pin", "promocode", "tranx_type"} <= keys
    html = _html(site, "reference/dancity_operations/index.html")
    by_sdk = set(re.findall(r"<code[^>]*>(\w+)</code> \(set by the SDK\)", html))
    assert by_sdk & keys == set()
    assert re.search(r"<code[^>]*>pin</code> \(in <code[^>]*>\*\*extras</code>\)", html)


def test_no_attribute_is_listed_twice(site: Path) -> None:
    """An attribute is a row of its class's Attributes table or an entry, not both."""
    twice = []
    for page, html in _pages(site):
        ids = set(re.findall(r'<h\d id="([^"]+)"', html))
        for cls, body in re.findall(
            r'<h\d id="([\w.]+)" class="doc doc-heading">(.*?)(?=<h\d id=)', html, re.DOTALL
        ):
            table = re.search(r"doc-section-title\">Attributes:</span>.*?</table>", body, re.DOTALL)
            if table is None:
                continue
            names = re.findall(
                r"<td><code[^>]*>(?:<a [^>]*>)?(\w+)(?:</a>)?</code></td>", table.group(0)
            )
            twice += [f"{page}: {cls}.{n}" for n in names if f"{cls}.{n}" in ids]
    assert twice == []
    html = _html(site, "reference/dancity_sdk/index.html")
    assert 'id="dancity_sdk.DancityOptions.jwt"' in html  # the option keeps its entry


def test_no_reference_page_shows_a_private_class(parsed: dict[str, _Text]) -> None:
    """Bases and annotations name what a reader can import, not ``_CallLimits``/``_Vas``."""
    private = re.compile(r"(?<![\w.])_[A-Z]\w*|\b_T\b")
    found = {
        page: sorted(set(private.findall("".join(parser.text))))
        for page, parser in parsed.items()
        if page.startswith("reference/")
    }
    assert {page: names for page, names in found.items() if names} == {}


def test_no_bases_line_names_a_private_module_s_class(site: Path) -> None:
    lines = [
        line
        for _, html in _pages(site)
        for line in re.findall(r'class="doc doc-class-bases">(.*?)</p>', html, re.DOTALL)
    ]
    assert lines
    private = [line for line in lines if re.search(r'title="[\w.]*\._\w', line)]
    assert private == []


def test_no_table_has_an_empty_header(site: Path) -> None:
    empty = [
        page
        for page, html in _pages(site)
        for head in re.findall(r"<thead>(.*?)</thead>", html, re.DOTALL)
        if not re.sub(r"<[^>]+>|\s", "", head)
    ]
    assert empty == []


def test_a_docstring_section_is_not_run_into_its_paragraph(parsed: dict[str, _Text]) -> None:
    """``Raised before any I/O. Attributes:`` rendered its attributes as one paragraph."""
    text = {page: "".join(parser.text) for page, parser in parsed.items()}
    run_in = {
        page: re.findall(r"\w[.:] (?:Attributes|Raises|Returns|Args):\n", body)
        for page, body in text.items()
    }
    assert {page: found for page, found in run_in.items() if found} == {}


def test_the_fleet_reference_sits_under_its_heading(site: Path) -> None:
    html = _html(site, "reference/shared_auth_fleet/index.html")
    levels = {name: int(level) for level, name in re.findall(r'<h([1-6]) id="([^"]+)"', html)}
    assert levels["shared_auth.fleet"] == 2
    members = [n for n in levels if n.startswith("shared_auth.fleet.") and n.count(".") == 2]
    assert members
    assert {levels[n] for n in members} == {3}


def test_every_table_cell_is_labelled_by_its_column(site: Path) -> None:
    """On a phone a row is shown as "column: value" lines, from each cell's data-label."""
    unlabelled = []
    tables = 0
    for page, html in _pages(site):
        for table in re.findall(r"<table>(.*?)</table>", html, re.DOTALL):
            head, _, body = table.partition("</thead>")
            headers = [
                " ".join(re.sub(r"<[^>]+>", " ", h).split())
                for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.DOTALL)
            ]
            tables += 1
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL):
                labels = [unescape(x) for x in re.findall(r'<td data-label="([^"]*)"', row)]
                if labels != headers[: len(labels)] or len(labels) != row.count("<td"):
                    unlabelled.append(f"{page}: {labels} != {headers}")
    assert tables > 50
    assert unlabelled[:5] == []


def test_code_in_a_table_wraps_only_between_whole_pieces(site: Path) -> None:
    """``"2026-04-27"`` or ``validate-product`` never wraps inside; a path may after a ``/``."""
    css = (ROOT / "docs/stylesheets/extra.css").read_text(encoding="utf-8")
    assert re.search(r"table:not\(\[class\]\) code \{\s*white-space: nowrap;", css)
    html = _html(site, "generations/index.html")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.DOTALL)
    loose = [c for c in cells if re.search(r"<code>[^<]*[ /][^<]*</code>", c)]
    assert loose == []
    assert (
        '<span class="nowrap">/transactions/</span><wbr>'
        '<span class="nowrap">{transactionId}</span>' in html
    )
    assert '<span class="nowrap">"2026-04-27"</span>' not in html  # no space, no "/": one piece


def test_a_constant_documented_by_comment_lines_shows_them(site: Path) -> None:
    """``#: What jwt= takes...`` above ``JWTArgument`` is its documentation on the site."""
    for page, name, words in (
        ("reference/dancity_sdk/index.html", "dancity_sdk.JWTArgument", "What"),
        ("reference/dancity_sdk/index.html", "dancity_sdk.DancityChannel", "channel"),
        ("reference/shared_auth/index.html", "shared_auth.TimeoutArgument", "timeout="),
        ("reference/shared_auth_fleet/index.html", "shared_auth.fleet.DEFAULT_LEASE", "claim"),
    ):
        html = _html(site, page)
        after = html.split(f'id="{name}" class="doc doc-heading">', 1)[1]
        entry = re.split(r'<h\d id="[^"]+" class="doc doc-heading">', after)[0]
        contents = entry.split('<div class="doc doc-contents', 1)[1]
        assert words in unescape(re.sub(r"<[^>]+>", "", contents)), name


def test_no_hover_title_names_a_private_module(site: Path) -> None:
    """A link's or a name's tooltip gives its public path (``dancity_sdk.Transaction``)."""
    private = re.compile(r"(?:shared_auth|dptcay_sdk|dancity_sdk)(?:\.\w+)*\._[a-z]\w*\.[A-Z]")
    found = [
        (page, title)
        for page, html in _pages(site)
        for title in re.findall(r'title="([^"]*)"', html)
        if private.search(title) and "_resources" not in title
    ]
    assert found[:5] == []


def test_short_inline_code_does_not_break_inside(site: Path) -> None:
    """``"2026-05-09"`` in a sentence stays whole at the end of a line."""
    css = (ROOT / "docs/stylesheets/extra.css").read_text(encoding="utf-8")
    assert re.search(r"code\.nowrap \{\s*white-space: nowrap;", css)
    html = _html(site, "reference/dancity_sdk/index.html")
    assert '<code class="nowrap">"2026-05-09"</code>' in html
    bare = [
        (page, code)
        for page, html in _pages(site)
        for code in re.findall(r"<code>([^<\s]{1,40})</code>", html)
    ]
    assert bare[:5] == []
