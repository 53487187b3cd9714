"""What both SDKs share, for users: the error tree, retries, secrets, timeouts, rate limits.

Users mostly import an SDK, which re-exports what it needs from here. Import from this
package to handle several SDKs at once: ``except shared_auth.NotFoundError`` catches any
SDK's 404 (each SDK raises its own subclass of every error here). Beside it,
[`shared_auth.fleet`][shared_auth.fleet] holds the purchase journal, the shared rate budget
and the webhook inbox, and [`shared_auth.testing`][shared_auth.testing] the fault injector
and webhook sender for tests.
Everything else (the request pipeline, credentials, decoders) is private. This package
never imports an SDK.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from shared_auth._lazy import exports as _exports
from shared_auth._lazy import lazy_exports as _lazy_exports
from shared_auth._version import __version__ as __version__

__all__: list[str]  # the table's names, set by lazy_exports at the end

#: The table of exports: each private module, then the public names it defines; each name
#: is imported on first use.
_EXPORTS = _exports(
    """
    shared_auth._options    NOT_GIVEN NotGiven TimeoutArgument ClientOptions CallOptions
    shared_auth._ratelimit  RateLimit
    shared_auth._models     JSONValue ResultList
    shared_auth._outcomes   RetryPolicy
    shared_auth._secret     Secret
    shared_auth._redact     redact
    """,
    errors="shared_auth._errors",
)

if _TYPE_CHECKING:  # the same table, for type checkers and IDEs
    from shared_auth._errors import *  # noqa: F403
    from shared_auth._models import JSONValue as JSONValue
    from shared_auth._models import ResultList as ResultList
    from shared_auth._options import NOT_GIVEN as NOT_GIVEN
    from shared_auth._options import CallOptions as CallOptions
    from shared_auth._options import ClientOptions as ClientOptions
    from shared_auth._options import NotGiven as NotGiven
    from shared_auth._options import TimeoutArgument as TimeoutArgument
    from shared_auth._outcomes import RetryPolicy as RetryPolicy
    from shared_auth._ratelimit import RateLimit as RateLimit
    from shared_auth._redact import redact as redact
    from shared_auth._secret import Secret as Secret

# ``__all__`` (the table's names), ``__getattr__`` and ``__dir__``:
_lazy_exports(globals(), _EXPORTS)
