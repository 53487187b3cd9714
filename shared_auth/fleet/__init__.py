"""Beyond one process: a purchase journal and a shared rate budget for fleets of workers.

* :class:`Journal` claims each money-moving intent before it is sent (SQLite file by
  default, Redis for fleets), so a retried job never buys twice, and :meth:`Journal.recover`
  (or ``python -m shared_auth.fleet recover``) settles what dead workers left open.
* ``rate_budget="redis://…"`` on either client shares one sliding window per API key
  across every process (:class:`SharedWindow`).

Redis needs the ``redis`` extra; SQLite is in the standard library.
"""

from shared_auth.fleet._budget import SharedWindow, observe, shared_windows, windows_for
from shared_auth.fleet._inbox import DEFAULT_INBOX_RETENTION, Handler, Inbox, open_inbox
from shared_auth.fleet._inbox_asgi import webhook_endpoint
from shared_auth.fleet._inbox_model import (
    Accepted,
    InboxError,
    InboxEvent,
    InboxLostError,
    InboxMissingError,
    InboxUnavailableError,
    Receipt,
    WebhookSource,
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
    "DEFAULT_INBOX_RETENTION",
    "DEFAULT_LEASE",
    "DEFAULT_SETTLED_TTL",
    "Accepted",
    "Handler",
    "Inbox",
    "InboxError",
    "InboxEvent",
    "InboxLostError",
    "InboxMissingError",
    "InboxUnavailableError",
    "Intent",
    "IntentConflictError",
    "IntentInProgressError",
    "IntentNeedsReviewError",
    "IntentState",
    "Journal",
    "Receipt",
    "Reconciler",
    "RecoveryReport",
    "SharedWindow",
    "WebhookSource",
    "fingerprint",
    "new_owner",
    "observe",
    "open_inbox",
    "open_journal",
    "shared_windows",
    "webhook_endpoint",
    "windows_for",
]
