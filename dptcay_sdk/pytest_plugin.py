"""pytest fixtures for *your* tests: a fresh dptcay sandbox and clients bound to it.

Installed with the package (entry point ``pytest11``), the fixtures register only when the
``sandbox`` extra (Starlette) is installed; without it this module defines nothing and
imports nothing but pytest. Each test gets its own sandbox, so state never leaks between
tests. Override a fixture in your ``conftest.py`` to change it (a rate plan, a seed).

=========================  ================================================================
fixture                    what it is
=========================  ================================================================
``dptcay_sandbox``         a fresh `dptcay_sdk.testing.DptcaySandbox` (Scale plan)
``dptcay_faults``          a `shared_auth.testing.FaultInjector` in front of it
``dptcay_client``          an `dptcay_sdk.AsyncDptcayClient` bound to it in-process
``dptcay_sync_client``     a `dptcay_sdk.DptcayClient` bound to it over loopback
=========================  ================================================================

The sandbox fixture delivers webhooks with the test's ``webhook_faults`` marker (the
``webhook_faults`` fixture of `shared_auth.pytest_plugin`). Faults:
``dptcay_faults.delay_next(...)``, ``.fail_next(503)``, ``.drop_next(...)``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from dptcay_sdk import AsyncDptcayClient, DptcayClient
    from dptcay_sdk.testing import DptcaySandbox
    from shared_auth.testing import FaultInjector, WebhookFaults

__all__: list[str] = []

#: Whether the `sandbox` extra (Starlette) is installed: the fixtures exist only with it.
SANDBOX_INSTALLED = importlib.util.find_spec("starlette") is not None

if SANDBOX_INSTALLED:
    __all__ += ["dptcay_client", "dptcay_faults", "dptcay_sandbox", "dptcay_sync_client"]

    @pytest.fixture
    def dptcay_sandbox(webhook_faults: WebhookFaults | None) -> DptcaySandbox:
        """A fresh dptcay sandbox on the Scale plan (2,000 requests a minute)."""
        from dptcay_sdk.testing import DptcaySandbox  # noqa: PLC0415 - only when used

        return DptcaySandbox(plan="scale", webhook_faults=webhook_faults)

    @pytest.fixture
    def dptcay_faults(dptcay_sandbox: DptcaySandbox) -> FaultInjector:
        """Faults to inject in front of ``dptcay_sandbox`` (used by both dptcay clients)."""
        from shared_auth.testing import FaultInjector  # noqa: PLC0415

        return FaultInjector(dptcay_sandbox.app)

    @pytest.fixture
    def dptcay_client(
        dptcay_sandbox: DptcaySandbox, dptcay_faults: FaultInjector
    ) -> AsyncDptcayClient:
        """An async dptcay client with the sandbox's write key, served in-process."""
        import httpx  # noqa: PLC0415

        from dptcay_sdk import AsyncDptcayClient  # noqa: PLC0415

        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=dptcay_faults))
        return AsyncDptcayClient(
            dptcay_sandbox.write_key, base_url=dptcay_sandbox.base_url, http_client=http
        )

    @pytest.fixture
    def dptcay_sync_client(
        dptcay_sandbox: DptcaySandbox, dptcay_faults: FaultInjector
    ) -> Iterator[DptcayClient]:
        """A blocking dptcay client, the sandbox served on loopback from a thread."""
        from dptcay_sdk import DptcayClient  # noqa: PLC0415
        from dptcay_sdk.testing._server import serve_in_thread  # noqa: PLC0415

        with (
            serve_in_thread(dptcay_faults, host="127.0.0.1", port=0) as url,
            DptcayClient(dptcay_sandbox.write_key, base_url=url) as client,
        ):
            yield client
