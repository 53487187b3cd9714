"""The suite's loop rule (tests/conftest.py): both loops unless a test is marked one-loop."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")


def test_only_a_loop_agnostic_test_runs_on_one_loop(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makepyfile(
        test_sample="""
        import pytest

        @pytest.mark.anyio
        async def test_io():
            pass

        @pytest.mark.anyio
        @pytest.mark.loop_agnostic
        @pytest.mark.parametrize("n", [1, 2])
        async def test_pure(n):
            pass

        pytestmark = pytest.mark.anyio

        def test_plain():
            pass
        """
    )
    result = pytester.runpytest(
        "--collect-only", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"
    )
    collected = sorted(line for line in result.outlines if "::" in line)
    assert collected == [
        "test_sample.py::test_io[asyncio]",
        "test_sample.py::test_io[trio]",
        "test_sample.py::test_plain",
        "test_sample.py::test_pure[asyncio-1]",
        "test_sample.py::test_pure[asyncio-2]",
    ]


def test_the_marker_is_registered_for_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text())
    result = pytester.runpytest("--markers")
    assert any(line.startswith("@pytest.mark.loop_agnostic:") for line in result.outlines)
