"""The blocking twins' stubs match the async clients they are generated from."""

from __future__ import annotations

import pytest

from tests.sync_stubs import TWINS, render, stub_path


@pytest.mark.parametrize(("module", "cls", "sample"), TWINS, ids=[t[1] for t in TWINS])
def test_stub_is_up_to_date(module: str, cls: str, sample: object) -> None:
    expected = render(module, cls, sample)  # type: ignore[arg-type]
    assert stub_path(module).read_text() == expected, "run: python -m tests.sync_stubs"
