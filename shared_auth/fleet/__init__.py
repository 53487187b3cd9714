"""Beyond one process: a purchase journal and a shared rate budget for fleets of workers.

* :class:`Journal` claims each money-moving intent before it is sent (SQLite file by
  default, Redis for fleets), so a retried job never buys twice, and :meth:`Journal.recover`
  (or ``python -m shared_auth.fleet recover``) settles what dead workers left open.
* ``rate_budget="redis://…"`` on either client shares one sliding window per API key
  across every process (:class:`SharedWindow`); ``rate_budget_outage=`` chooses what
  happens while that Redis is unreachable: fail closed with `RateBudgetUnavailableError`
  (the default) or fall back to a per-process share (`LocalFallback`).

Redis needs the ``redis`` extra; SQLite is in the standard library.
"""

from shared_auth._errors import RateBudgetUnavailableError
from shared_auth.fleet._budget import (
    LocalFallback,
    RateBudgetOutage,
    SharedWindow,
    observe,
    shared_windows,
    windows_for,
)
from shared_auth.fleet._intent import (
    Intent,
    IntentConflictError,
    IntentInProgressError,
    IntentNeedsReviewError,
    IntentState,
    fingerprint,
    new_owner,
)
from shared_auth.fleet._journal import (
    DEFAULT_LEASE,
    DEFAULT_SETTLED_TTL,
    Journal,
    Reconciler,
    RecoveryReport,
    open_journal,
)

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_SETTLED_TTL",
    "Intent",
    "IntentConflictError",
    "IntentInProgressError",
    "IntentNeedsReviewError",
    "IntentState",
    "Journal",
    "LocalFallback",
    "RateBudgetOutage",
    "RateBudgetUnavailableError",
    "Reconciler",
    "RecoveryReport",
    "SharedWindow",
    "fingerprint",
    "new_owner",
    "observe",
    "open_journal",
    "shared_windows",
    "windows_for",
]
