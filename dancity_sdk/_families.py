"""The two route families and the App family's fixed prefix.

A route's family decides its credential and path prefix (see ``AsyncDancityClient``).
These names live apart from the route tables so the client can tell families apart
without building the tables at import time.
"""

from __future__ import annotations

from typing import Final

__all__ = ["APP", "APP_PREFIX", "VAS"]

#: The merchant (VAS) API: the ``dcy_live_`` key plus ``channel``, under the VAS prefix.
VAS: Final = "vas"
#: The first-party App API: the user JWT, never ``channel``, under `APP_PREFIX`.
APP: Final = "app"
APP_PREFIX: Final = "/api"
