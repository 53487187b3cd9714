"""examples/tour.ipynb runs top to bottom in a real kernel, with tables and redacted reprs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parents[2] / "examples" / "tour.ipynb"
FULL_KEYS = re.compile(
    r"dp_test_sk_[A-Za-z0-9]{24}|dp_live_sk_[A-Za-z0-9]{24}|dcy_live_[0-9a-f]{40}"
)


def _texts(output: dict[str, Any]) -> list[str]:
    if output["output_type"] == "stream":
        return [output["text"]]
    if output["output_type"] == "error":
        return [output["ename"], output["evalue"], *output["traceback"]]
    data = output.get("data", {})
    return [data[kind] for kind in ("text/plain", "text/html") if kind in data]


def test_the_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert any(c.cell_type == "markdown" for c in nb.cells)
    assert all(len(c.source.splitlines()) <= 15 for c in code)  # small cells


def test_the_notebook_runs_and_shows_tables_and_redacted_reprs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parents[1])}},
    )
    client.execute()

    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert errors == [], "\n".join(_texts(errors[0]))
    texts = [t for o in outputs for t in _texts(o)]
    everything = "\n".join(texts)

    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("<table" in h and "<th>code</th>" in h and "USDC" in h for h in html)  # currencies
    assert any("<table" in h and "<th>balance</th>" in h for h in html)  # wallets

    # The client's repr shows its key redacted; no full credential appears anywhere.
    assert re.search(r"api_key=Secret\('dp_test_sk_…[A-Za-z0-9]{4}'\)", everything)
    assert "Secret('dcy_live_…" in everything
    assert FULL_KEYS.search(everything) is None
    assert "AuthenticationError 401" in everything
    assert "Transaction(status='SUCCESS'" in everything
