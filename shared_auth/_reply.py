"""What results keep of a response: its metadata, never its body.

Below the pipeline, the decoders and the models, which all read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import httpx

from shared_auth._classify import request_id as _request_id
from shared_auth._ratelimit import RateLimit
from shared_auth._redact import redact

if TYPE_CHECKING:
    import cattrs

__all__ = ["Reply"]


@attrs.define(slots=True, eq=False)
class Reply:
    """The metadata of one response: what results keep of it (never the body).

    Attributes:
        status_code: The HTTP status.
        headers: The response headers.
        method: The request's method.
        path: The request's path below the base URL (credentials masked when shown).
    """

    status_code: int
    headers: httpx.Headers = attrs.field(repr=False)
    method: str = ""
    path: str = attrs.field(default="", repr=lambda p: repr(redact(p)))
    #: The converter of the client that read the response (for ``to_dict``).
    converter: cattrs.Converter | None = attrs.field(default=None, repr=False)
    _rate_limit: RateLimit | None = attrs.field(default=None, init=False, repr=False)
    _parsed: bool = attrs.field(default=False, init=False, repr=False)

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit headers, parsed on first access (off the success path)."""
        if not self._parsed:
            self._rate_limit = RateLimit.from_headers(self.headers)
            self._parsed = True
        return self._rate_limit

    @property
    def request_id(self) -> str | None:
        """The server's request id, when it sent one."""
        return _request_id(self.headers)
