"""Routes: what one API operation is on the wire, described once in a table per API.

A resource method builds its arguments, picks its [`Route`][shared_auth.Route] and hands both to the
client's ``call`` function; the client resolves the route family's credential (refusing
before any I/O when it is missing), throttles and path prefix, and the shared pipeline
does the rest.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar
from urllib.parse import quote

import attrs

from shared_auth._errors import InvalidInputError

if TYPE_CHECKING:
    from shared_auth._decode import Decoder

__all__ = ["CallFunction", "Declared", "Route", "declared_route", "format_path"]

_T = TypeVar("_T")
_DOT_SEGMENTS: Final = frozenset({".", ".."})


@attrs.frozen
class Route:
    """One API operation.

    Attributes:
        method: HTTP method.
        path: Path template below the family's prefix, e.g. ``/payments/{payment_id}``.
        family: The route family, which fixes the credential and the prefix.
        scope: The permission the operation needs (named in 403 messages).
        idempotent: Whether sending it twice is harmless; ``None`` infers it from the method
            (a POST that only reads, such as a validation, sets ``True``).
        throttles: Names of the client-side throttles the operation counts against.
        outcome_advice: What to do when the outcome is unknown, for
            [`OutcomeUnknownError`][shared_auth.OutcomeUnknownError]'s message; ``{reference}`` is
            filled in.
        refusal_advice: What to check when the API refuses the request's input (400, 404,
            422) and its error parser has no hint of its own, e.g. the catalog method that
            lists the valid plans.
    """

    method: str
    path: str
    family: str = "default"
    scope: str | None = None
    idempotent: bool | None = None
    throttles: tuple[str, ...] = ()
    outcome_advice: str | None = None
    refusal_advice: str | None = None


class Declared(Protocol):
    """What every SDK's operation declaration says of its wire shape."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def idempotent(self) -> bool | None: ...
    @property
    def throttles(self) -> tuple[str, ...]: ...


def declared_route(op: Declared, **facts: Any) -> Route:
    """The route of one declared operation.

    Args:
        op: The declaration (method, path, idempotency, throttles).
        **facts: What only its SDK adds: ``family``, ``scope``, the advice texts.
    """
    return Route(op.method, op.path, idempotent=op.idempotent, throttles=op.throttles, **facts)


def format_path(template: str, params: Mapping[str, object]) -> str:
    """Fill a path template, percent-encoding each value so it stays one path segment."""
    encoded: dict[str, str] = {}
    for name, value in params.items():
        if not isinstance(value, str) or not value.strip():
            msg = f"{name} must be a non-empty string; got {value!r}"
            raise InvalidInputError(msg, field=name)
        if value in _DOT_SEGMENTS:  # quote() keeps dots, and URLs resolve these segments away
            msg = f"{name} must not be {value!r}: it would change the path, not name a resource"
            raise InvalidInputError(msg, field=name)
        encoded[name] = quote(value, safe="")
    return template.format_map(encoded)


class CallFunction(Protocol):
    """What a resource holds: the client's function that performs a route."""

    def __call__(
        self,
        route: Route,
        /,
        *,
        into: Decoder[_T],
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, object] | None = None,
        json: object = None,
        reference: str | None = None,
    ) -> Awaitable[_T]:
        """Perform ``route`` and return what ``into`` makes of the answer."""
        ...
