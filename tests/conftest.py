"""Fixtures shared by every test: an async test runs on asyncio and on trio where the loop matters.

Every ``@pytest.mark.anyio`` test runs once per event loop (the ``anyio_backend`` fixture
below), because the SDK promises the same behaviour under both: anything that does I/O (even
over an in-memory transport or ASGI), waits, times out or is cancelled, uses threads or the
blocking twins, the journal, the inbox or the rate budget, the sandboxes, rotation or any
concurrency runs on asyncio AND trio.

One kind of test runs on one loop only: a test marked ``@pytest.mark.loop_agnostic``. It is
for pure checks that await nothing the loop could change: building a client with bad options,
or calling a method with bad arguments that is refused by argument validation before any
request, lock, wait or I/O. The refusal happens in plain Python before the coroutine reaches
anything loop-specific, so running it under trio as well would only repeat the same code;
such tests run on asyncio alone. Mark a test ``loop_agnostic`` only if every ``await`` in
it is refused by validation (or the test awaits nothing); when in doubt, leave it on both
loops. Model, decoding and configuration tests that need no loop at all are plain
synchronous tests and need no marker.
"""

from __future__ import annotations

import importlib

import pytest

pytest_plugins = ("pytester",)

LOOPS = ("asyncio", "trio")
"""Every event loop the SDK supports; an async test runs on each of them."""

#: The fixtures each SDK registers by its own ``pytest11`` entry point.
_SDK_PLUGINS = ("dptcay_sdk.pytest_plugin", "dancity_sdk.pytest_plugin")


ONE_LOOP = ("asyncio",)
"""The loop a ``loop_agnostic`` test runs on."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``loop_agnostic`` marker and load the SDKs' fixture plugins.

    The suite runs with ``--strict-markers``. An editable install registers the SDKs'
    ``pytest11`` entry points only when it is (re)installed; whichever of the two plugins is
    not registered yet is registered here, so the suite runs either way.
    """
    config.addinivalue_line(
        "markers",
        "loop_agnostic: a pure validation test that awaits nothing loop-specific; "
        "runs on asyncio only (see tests/conftest.py)",
    )
    for name in _SDK_PLUGINS:
        module = importlib.import_module(name)
        if not config.pluginmanager.is_registered(module):
            config.pluginmanager.register(module, name)


@pytest.hookimpl(tryfirst=True)  # before the fixture parametrizes it with both loops
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a ``loop_agnostic`` test on one loop instead of the fixture's two."""
    if metafunc.definition.get_closest_marker("loop_agnostic") is None:
        return
    if "anyio_backend" not in metafunc.fixturenames:
        return  # a synchronous test in a loop_agnostic module: it runs once anyway
    metafunc.parametrize("anyio_backend", ONE_LOOP)


@pytest.fixture(params=LOOPS)
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test once per event loop (see the module docstring)."""
    return str(request.param)
