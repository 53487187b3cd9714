"""Fixtures shared by every test: each async test runs on asyncio and on trio."""

from __future__ import annotations

import pytest

pytest_plugins = ("pytester",)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test once per event loop."""
    return str(request.param)
