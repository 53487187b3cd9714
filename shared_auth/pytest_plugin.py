"""pytest fixtures for *your* tests: a fresh sandbox of each API and clients bound to it.

Installed with the package (entry point ``pytest11``), the fixtures register only when the
``sandbox`` extra (Starlette) is installed; without it this module defines nothing and
imports nothing but pytest. Each test gets its own sandbox, so state never leaks between
tests. Override a fixture in your ``conftest.py`` to change it (a rate plan, a seed).

=========================  ================================================================
fixture                    what it is
=========================  ================================================================
``dptcay_sandbox``         a fresh :class:`~dptcay_sdk.testing.DptcaySandbox` (Scale plan)
``dptcay_faults``          a :class:`~shared_auth.testing.FaultInjector` in front of it
``dptcay_client``          an :class:`~dptcay_sdk.AsyncDptcayClient` bound to it in-process
``dptcay_sync_client``     a :class:`~dptcay_sdk.DptcayClient` bound to it over loopback
``dancity_sandbox``        a fresh :class:`~dancity_sdk.testing.DancitySandbox`
``dancity_faults``         a :class:`~shared_auth.testing.FaultInjector` in front of it
``dancity_client``         an :class:`~dancity_sdk.AsyncDancityClient` (key and JWT), in-process
``dancity_sync_client``    a :class:`~dancity_sdk.DancityClient` over loopback
``webhook_faults``         the test's ``webhook_faults`` marker as a ``WebhookFaults`` (or
                           ``None``); both sandbox fixtures deliver webhooks with it
=========================  ================================================================

Webhook deliveries like the real service's (duplicates, retries on non-2xx on the documented
30 s / 5 min / 30 min / 2 h / 8 h schedule scaled by ``time_scale``, out-of-order delivery,
a signature with the rotated secret) are options of the ``webhook_faults`` marker::

    @pytest.mark.webhook_faults(duplicate_rate=0.5, reorder_rate=0.2, time_scale=0.001)
    async def test_my_receiver(dancity_sandbox, webhook_faults): ...

With a marker, build the sandbox that POSTs to your app with ``webhook_faults=webhook_faults``
(both sandbox fixtures get it too) and call ``await sandbox.deliver_webhooks()``.

The async clients open nothing until their first call, so they work under any async test
runner (anyio's plugin, pytest-asyncio, trio). Faults: ``dptcay_faults.delay_next(...)``,
``.fail_next(503)``, ``.drop_next(...)`` for either API, and the Dancity sandbox's own
``dancity_sandbox.fail_next("server_error" | "delay" | "drop")`` for purchases.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from dancity_sdk import AsyncDancityClient, DancityClient
    from dancity_sdk.testing import DancitySandbox
    from dptcay_sdk import AsyncDptcayClient, DptcayClient
    from dptcay_sdk.testing import DptcaySandbox
    from shared_auth.testing import FaultInjector, WebhookFaults

__all__: list[str] = []

#: Loopback client address for in-process Dancity requests: its IP allowlist admits it.
_LOOPBACK_CLIENT = ("127.0.0.1", 50000)
SANDBOX_INSTALLED = importlib.util.find_spec("starlette") is not None


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``webhook_faults`` marker."""
    config.addinivalue_line(
        "markers",
        "webhook_faults(**options): deliver sandbox webhooks with these "
        "shared_auth.testing.WebhookFaults options",
    )


@pytest.fixture
def webhook_faults(request: pytest.FixtureRequest) -> WebhookFaults | None:
    """The test's ``webhook_faults`` marker as ``WebhookFaults`` (``None`` without one)."""
    marker = request.node.get_closest_marker("webhook_faults")
    if marker is None:
        return None
    from shared_auth.testing import WebhookFaults  # noqa: PLC0415 - only when used

    return WebhookFaults(**marker.kwargs)


__all__ += ["pytest_configure", "webhook_faults"]

if SANDBOX_INSTALLED:
    __all__ += [
        "dancity_client",
        "dancity_faults",
        "dancity_sandbox",
        "dancity_sync_client",
        "dptcay_client",
        "dptcay_faults",
        "dptcay_sandbox",
        "dptcay_sync_client",
    ]

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

    @pytest.fixture
    def dancity_sandbox(webhook_faults: WebhookFaults | None) -> DancitySandbox:
        """A fresh Dancity sandbox (merchant key, user JWT, wallets, catalog)."""
        from dancity_sdk.testing import DancitySandbox  # noqa: PLC0415

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
