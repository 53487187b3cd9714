"""The documentation site, read as built: what a reader sees, checked page by page.

The site is built once per session (``mkdocs build --strict`` into a temporary directory,
about ten seconds), or read from ``DOCS_SITE_DIR`` when a build already made it (the
``docs`` nox session builds ``site/`` and then runs this file against it).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
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
