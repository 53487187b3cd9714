"""Fixtures shared by every test: each async test runs on asyncio and on trio."""

from __future__ import annotations

import importlib

import pytest

pytest_plugins = ("pytester",)

#: The fixtures each SDK registers by its own ``pytest11`` entry point.
_SDK_PLUGINS = ("dptcay_sdk.pytest_plugin", "dancity_sdk.pytest_plugin")


def pytest_configure(config: pytest.Config) -> None:
    """Load the SDKs' fixture plugins from this tree when the installed metadata predates them.

    An editable install registers the entry points only when it is (re)installed; this
    registers whichever of the two is not registered yet, so the suite runs either way.
    """
    for name in _SDK_PLUGINS:
        module = importlib.import_module(name)
        if not config.pluginmanager.is_registered(module):
            config.pluginmanager.register(module, name)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test once per event loop."""
    return str(request.param)
