"""pytest fixtures for *your* tests: a fresh Dancity sandbox and clients bound to it.

Installed with the package (entry point ``pytest11``), the fixtures register only when the
``sandbox`` extra (Starlette) is installed; without it this module defines nothing and
imports nothing but pytest. Each test gets its own sandbox, so state never leaks between
tests. Override a fixture in your ``conftest.py`` to change it.

=========================  ================================================================
fixture                    what it is
=========================  ================================================================
``dancity_sandbox``        a fresh `dancity_sdk.testing.DancitySandbox`
``dancity_faults``         a `shared_auth.testing.FaultInjector` in front of it
``dancity_client``         an `dancity_sdk.AsyncDancityClient` (key and JWT), in-process
``dancity_sync_client``    a `dancity_sdk.DancityClient` over loopback
=========================  ================================================================

The sandbox fixture delivers webhooks with the test's ``webhook_faults`` marker (the
``webhook_faults`` fixture of `shared_auth.pytest_plugin`). Faults:
``dancity_faults.delay_next(...)``, ``.fail_next(503)``, ``.drop_next(...)``, and the
sandbox's own ``dancity_sandbox.fail_next("server_error" | "delay" | "drop")`` for purchases.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from dancity_sdk import AsyncDancityClient, DancityClient
    from dancity_sdk.testing import DancitySandbox
    from shared_auth.testing import FaultInjector, WebhookFaults

__all__: list[str] = []

#: Loopback client address for in-process Dancity requests: its IP allowlist admits it.
_LOOPBACK_CLIENT = ("127.0.0.1", 50000)
#: Whether the `sandbox` extra (Starlette) is installed: the fixtures exist only with it.
SANDBOX_INSTALLED = importlib.util.find_spec("starlette") is not None

if SANDBOX_INSTALLED:
    __all__ += ["dancity_client", "dancity_faults", "dancity_sandbox", "dancity_sync_client"]

    @pytest.fixture
    def dancity_sandbox(webhook_faults: WebhookFaults | None) -> DancitySandbox:
        """A fresh Dancity sandbox (merchant key, user JWT, wallets, catalog)."""
        from dancity_sdk.testing import DancitySandbox  # noqa: PLC0415 - only when used

        return DancitySandbox(webhook_faults=webhook_faults)

    @pytest.fixture
    def dancity_faults(dancity_sandbox: DancitySandbox) -> FaultInjector:
        """Faults to inject in front of ``dancity_sandbox`` (used by both Dancity clients)."""
        from shared_auth.testing import FaultInjector  # noqa: PLC0415

        return FaultInjector(dancity_sandbox.app)

    @pytest.fixture
    def dancity_client(
        dancity_sandbox: DancitySandbox, dancity_faults: FaultInjector
    ) -> AsyncDancityClient:
        """An async Dancity client with the merchant key and a user JWT, in-process."""
        import httpx  # noqa: PLC0415

        from dancity_sdk import AsyncDancityClient  # noqa: PLC0415

        transport = httpx.ASGITransport(app=dancity_faults, client=_LOOPBACK_CLIENT)
        return AsyncDancityClient(
            dancity_sandbox.api_key,
            jwt=dancity_sandbox.issue_jwt(),
            base_url=dancity_sandbox.base_url,
            http_client=httpx.AsyncClient(transport=transport),
        )

    @pytest.fixture
    def dancity_sync_client(
        dancity_sandbox: DancitySandbox, dancity_faults: FaultInjector
    ) -> Iterator[DancityClient]:
        """A blocking Dancity client, the sandbox served on loopback from a thread."""
        from dancity_sdk import DancityClient  # noqa: PLC0415
        from dancity_sdk.testing._server import serve_in_thread  # noqa: PLC0415

        with (
            serve_in_thread(dancity_faults, host="127.0.0.1", port=0) as url,
            DancityClient(
                dancity_sandbox.api_key, jwt=dancity_sandbox.issue_jwt(), base_url=url
            ) as client,
        ):
            yield client
