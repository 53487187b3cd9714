"""pytest support every SDK's fixtures share: the ``webhook_faults`` marker and fixture.

Installed with the package (entry point ``pytest11``). Each SDK registers its own sandbox
and client fixtures with its own ``pytest11`` entry point (its ``pytest_plugin`` module);
this module serves them all and imports nothing but pytest.

=========================  ================================================================
fixture                    what it is
=========================  ================================================================
``webhook_faults``         the test's ``webhook_faults`` marker as a ``WebhookFaults`` (or
                           ``None``); every SDK's sandbox fixture delivers webhooks with it
=========================  ================================================================

Webhook deliveries like the real service's (duplicates, retries on non-2xx on the documented
30 s / 5 min / 30 min / 2 h / 8 h schedule scaled by ``time_scale``, out-of-order delivery,
a signature with the rotated secret) are options of the ``webhook_faults`` marker::

    @pytest.mark.webhook_faults(duplicate_rate=0.5, reorder_rate=0.2, time_scale=0.001)
    async def test_my_receiver(webhook_faults): ...

With a marker, build the sandbox that POSTs to your app with ``webhook_faults=webhook_faults``
(the SDKs' sandbox fixtures get it too) and call ``await sandbox.deliver_webhooks()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from shared_auth.testing import WebhookFaults

__all__ = ["pytest_configure", "webhook_faults"]


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
