"""Beyond one process: a purchase journal and a shared rate budget for fleets of workers.

* [`Journal`][shared_auth.fleet.Journal] claims each money-moving intent before it is
  sent (a SQLite file by default, Redis for fleets), so a retried job never buys twice, and
  [`Journal.recover`][shared_auth.fleet.Journal.recover] (or
  ``python -m shared_auth.fleet recover``) settles what dead workers left open.
* ``rate_budget="redis://…"`` on either client shares one sliding window per API key
  across every process ([`SharedWindow`][shared_auth.fleet.SharedWindow]);
  ``rate_budget_outage=`` chooses what happens while that Redis is unreachable: fail closed with
  `RateBudgetUnavailableError` (the default) or fall back to a per-process share (`LocalFallback`).

A journal is created once, explicitly (``python -m shared_auth.fleet init <target>``, or
``create=True`` in development and tests), and has an identity that every claim checks: a
deleted, replaced or flushed journal refuses purchases (`JournalLostError`) until an
operator reconciles and acknowledges the loss (``python -m shared_auth.fleet
acknowledge-loss <target>``). Every journal failure is a `JournalError`.

The journal's API:

* ``open_journal(target, *, create=False, allow_volatile=False, **options)``,
  ``Journal.sqlite(path, create=…, busy_timeout=…)``, ``Journal.redis(url, create=…,
  allow_volatile=…, socket_timeout=…, socket_connect_timeout=…)``: nothing is read or
  written; a missing or unwritable SQLite folder, or a bad scheme, is a
  ``ConfigurationError`` at once. Options for every journal: ``lease``, ``settled_ttl``,
  ``timeout`` (5 s, the bound of one backend call).
* ``await Journal.create(target, **options)`` (CLI ``init``): create it, or adopt one that
  exists (migrating the keys of an earlier version's journal).
* ``await journal.check()`` / ``await client.check_journal()`` (CLI ``check``): the
  identity's id, or `JournalMissingError`, `JournalLostError`, `JournalUnavailableError`,
  `JournalVolatileError`.
* ``await journal.acknowledge_loss()`` (CLI ``acknowledge-loss``): a fresh identity that
  supersedes the lost one; running processes adopt it.
* ``journal.run_once(..., deadline=seconds)``: every journal call before the send is
  bounded by the deadline; failures before the send raise a `JournalError` (nothing was
  sent), failures after it are logged (one WARNING) and the caller gets the answer or the
  send's own error.

Redis needs the ``redis`` extra; SQLite is in the standard library.
"""

from shared_auth._errors import (
    JournalError,
    JournalLostError,
    JournalMissingError,
    JournalUnavailableError,
    JournalVolatileError,
    RateBudgetUnavailableError,
)
from shared_auth.fleet._budget import (
    LocalFallback,
    RateBudget,
    RateBudgetOutage,
    SharedWindow,
    observe,
    shared_windows,
    windows_for,
)
from shared_auth.fleet._inbox import (
    DEFAULT_INBOX_RETENTION,
    Handler,
    Inbox,
    InboxOptions,
    open_inbox,
)
from shared_auth.fleet._inbox_asgi import webhook_endpoint
from shared_auth.fleet._inbox_model import (
    Accepted,
    InboxError,
    InboxEvent,
    InboxLostError,
    InboxMissingError,
    InboxUnavailableError,
    InboxVolatileError,
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
    DEFAULT_TIMEOUT,
    Journal,
    JournalOptions,
    OpenJournalOptions,
    Reconciler,
    RecoveryReport,
    open_journal,
)

__all__ = [
    "DEFAULT_INBOX_RETENTION",
    "DEFAULT_LEASE",
    "DEFAULT_SETTLED_TTL",
    "DEFAULT_TIMEOUT",
    "Accepted",
    "Handler",
    "Inbox",
    "InboxError",
    "InboxEvent",
    "InboxLostError",
    "InboxMissingError",
    "InboxOptions",
    "InboxUnavailableError",
    "InboxVolatileError",
    "Intent",
    "IntentConflictError",
    "IntentInProgressError",
    "IntentNeedsReviewError",
    "IntentState",
    "Journal",
    "JournalError",
    "JournalLostError",
    "JournalMissingError",
    "JournalOptions",
    "JournalUnavailableError",
    "JournalVolatileError",
    "LocalFallback",
    "OpenJournalOptions",
    "RateBudget",
    "RateBudgetOutage",
    "RateBudgetUnavailableError",
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
