"""The credential mechanisms, as ``httpx.Auth`` flows: a bearer key, and a bearer JWT.

Each SDK says what its credentials look like (a subclass with its key pattern and its
messages); the mechanisms here are the same for every API. Each flow validates its
credential when it is built, so the wrong kind of credential can never reach the wire, and
each can swap its credential at run time (key rotation): a request that starts after the
swap carries the new credential, one already sent keeps the header it was sent with. The
swap is a single attribute assignment, so the hot path takes no lock.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from datetime import UTC, datetime
from typing import ClassVar, Final, TypeAlias

import httpx

from shared_auth._credentials import JWT, credential_formats, describe_credential
from shared_auth._errors import ConfigurationError, MissingCredentialError
from shared_auth._outcomes import DEADLINE_EXTENSION
from shared_auth._secret import Secret

__all__ = ["JWTAuth", "KeyAuth", "TokenProvider"]

_JWT: Final = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")

#: An async callable that returns a fresh JWT (``str`` or [`Secret`][shared_auth.Secret]).
TokenProvider: TypeAlias = Callable[[], Awaitable["str | Secret"]]


class _Generation:
    """One key with its header value and the number of its requests in flight."""

    __slots__ = ("header", "in_flight", "secret")

    def __init__(self, secret: Secret, header: str) -> None:
        self.secret = secret
        self.header = header
        self.in_flight = 0


class KeyAuth(httpx.Auth):
    """``Authorization: Bearer <key>``, plus any fixed headers a subclass adds.

    A subclass says what a key looks like (``key_pattern``) and what to tell a caller who
    gives something else (``key_refusal``, where ``{got}`` says what was given without
    showing it).

    Each key in use is a *generation* that counts its requests in flight: a request
    counts from the moment its header is set until its response (or failure) arrives.
    Key rotation reads [`in_flight`][shared_auth.KeyAuth.in_flight] to wait until no
    request carrying the old key can still reach the server before revoking it. The
    counting is one increment and one decrement per request, with no lock (the event loop
    runs one flow step at a time).
    """

    requires_request_body = False
    requires_response_body = False

    #: A whole key.
    key_pattern: ClassVar[re.Pattern[str]]
    #: The message for a value that is not a key; ``{got}`` describes the value.
    key_refusal: ClassVar[str]

    def __init__(self, key: str | Secret, *, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self._headers = headers
        self._state = self._validated(key)
        # Retired generations whose requests may still be in flight, by key value.
        self._retired: dict[str, _Generation] = {}

    def _validated(self, key: object) -> _Generation:
        value = key.get_secret_value() if isinstance(key, Secret) else key
        if not isinstance(value, str) or self.key_pattern.fullmatch(value) is None:
            raise ConfigurationError(self.key_refusal.format(got=describe_credential(value)))
        return _Generation(Secret(value), f"Bearer {value}")

    @property
    def key(self) -> Secret:
        """The key in use."""
        return self._state.secret

    def set_key(self, key: str | Secret) -> None:
        """Use ``key`` for every request that starts from now on.

        Requests already sent keep the header they were sent with;
        [`in_flight`][shared_auth.KeyAuth.in_flight] still counts them under their key.
        """
        fresh = self._validated(key)
        old = self._state
        value = fresh.secret.get_secret_value()
        fresh = self._retired.pop(value, fresh)  # switching back keeps that key's count
        self._retired = {k: g for k, g in self._retired.items() if g.in_flight}
        if old.secret.get_secret_value() != value:
            self._retired[old.secret.get_secret_value()] = old
        self._state = fresh

    def in_flight(self, key: str | Secret | None = None) -> int:
        """Requests sent with ``key`` (default: the key in use) whose response has not arrived."""
        state = self._state
        if key is None:
            return state.in_flight
        value = key.get_secret_value() if isinstance(key, Secret) else key
        if value == state.secret.get_secret_value():
            return state.in_flight
        retired = self._retired.get(value)
        return 0 if retired is None else retired.in_flight

    def _stamp(self, request: httpx.Request) -> _Generation:
        """Set the headers and count the request in flight; the caller uncounts it."""
        state = self._state
        state.in_flight += 1
        request.headers["Authorization"] = state.header
        for name, value in self._headers:
            request.headers[name] = value
        return state

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the headers (sync clients)."""
        state = self._stamp(request)
        try:
            yield request
        finally:
            state.in_flight -= 1

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Set the headers (async clients).

        httpx resumes or closes the flow once the response headers arrive or the send
        fails, so leaving it marks the moment the request can no longer reach the server.
        (A plain ``try`` rather than a context manager: this runs on every call.)
        """
        state = self._stamp(request)
        try:
            yield request
        finally:
            state.in_flight -= 1

    def __repr__(self) -> str:
        extra = "".join(f", {name}={value!r}" for name, value in self._headers)
        return f"{type(self).__name__}(key={self._state.secret!r}{extra})"


class _Token:
    """One JWT with its header value and expiry, swapped as a whole."""

    __slots__ = ("expires_at", "header", "secret")

    def __init__(self, value: str) -> None:
        self.secret = Secret(value)
        self.header = f"Bearer {value}"
        self.expires_at = _jwt_expiry(value)


def _is_key(value: str) -> bool:
    """Whether ``value`` starts like a registered credential that is not a JWT."""
    return any(form != JWT and value.startswith(form.prefix) for form in credential_formats())


def _validated_jwt(value: object, *, source: str) -> str:
    value = value.get_secret_value() if isinstance(value, Secret) else value
    if not isinstance(value, str) or _JWT.fullmatch(value) is None or _is_key(value):
        msg = (
            f"{source} must be a JWT (three base64url parts separated by dots, 'eyJ…'); got "
            f"{describe_credential(value)}. An API key belongs in api_key=, not jwt=."
        )
        raise ConfigurationError(msg)
    return value


def _jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (no signature check: the API verifies, not us)."""
    payload = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return None
    try:
        expires_at = float(exp)
    except OverflowError:  # an int beyond any float: no usable expiry
        return None
    return expires_at if math.isfinite(expires_at) else None  # NaN would mean "always stale"


def _expired_message(expires_at: float, now: float) -> str:
    """Why an expired static JWT is refused, and how to supply a fresh one."""
    when = datetime.fromtimestamp(expires_at, tz=UTC).isoformat(timespec="seconds")
    ago = _duration(now - expires_at)
    return (
        f"the user JWT expired at {when.replace('+00:00', 'Z')} ({ago} ago, by this "
        "machine's clock) and no provider was given to get a fresh one; nothing was sent. "
        "Supply a fresh token with client.set_jwt(token), or pass jwt= an async callable "
        "that returns one (a provider): the client then asks it for a new token shortly "
        "before each expiry and once after a 401"
    )


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{max(seconds, 0):.0f} s"


def _shared_failure(failure: MissingCredentialError) -> MissingCredentialError:
    """A fresh error for one more caller of a refresh that failed (same message and cause)."""
    error = MissingCredentialError(failure.message)
    error.__cause__ = failure.__cause__
    return error


def _replayable(request: httpx.Request) -> bool:
    """A body already in memory can be sent again; a one-shot stream cannot."""
    return isinstance(request.stream, httpx.ByteStream)


class JWTAuth(httpx.Auth):
    """``Authorization: Bearer <jwt>``, refreshed from an async provider.

    Give a static ``token``, an async ``provider`` that returns a fresh one, or both (the
    token is used until it nears expiry). A provider that raises, returns something that is
    not a JWT, or takes longer than ``provider_timeout`` seconds fails the calls that waited
    for it with [`MissingCredentialError`][shared_auth.MissingCredentialError] (its
    exception is the ``__cause__``); no
    request is sent without a token. The token's ``exp`` claim is read (not verified)
    and a provider is asked for a new token ``refresh_margin`` seconds ahead of it. However
    many requests find the token stale at once, exactly one refresh runs; the others wait
    for it. On a 401, the token is refreshed once and the request replayed, provided its
    body is in memory (a streamed body cannot be sent twice, so its 401 is returned as is).

    Only ``httpx.AsyncClient`` is supported; the blocking clients run the async core on a
    private event loop, so they work with this flow too.
    """

    requires_request_body = False
    requires_response_body = False

    def __init__(
        self,
        token: str | Secret | None = None,
        *,
        provider: TokenProvider | None = None,
        refresh_margin: float = 30.0,
        provider_timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not (math.isfinite(provider_timeout) and provider_timeout > 0):
            msg = f"provider_timeout must be positive, finite seconds; got {provider_timeout!r}"
            raise ConfigurationError(msg)
        if token is None and provider is None:
            msg = f"{type(self).__name__} needs a token, an async provider, or both"
            raise ConfigurationError(msg)
        self._token = None if token is None else _Token(_validated_jwt(token, source="jwt"))
        self._provider = provider
        self._refresh_margin = refresh_margin
        self._clock = clock
        import anyio  # noqa: PLC0415 - loaded with the first JWT flow, not the package

        self._lock = anyio.Lock()
        self._provider_timeout = provider_timeout
        # Completed provider calls, and the error of the latest if it failed: callers that
        # waited for that call share its error instead of each calling the provider again.
        self._attempts = 0
        self._failure: MissingCredentialError | None = None
        self.refresh_count = 0

    @property
    def token(self) -> Secret | None:
        """The JWT in use, if one has been obtained."""
        return None if self._token is None else self._token.secret

    def set_token(self, token: str | Secret) -> None:
        """Use ``token`` for every request that starts from now on."""
        self._token = _Token(_validated_jwt(token, source="jwt"))

    def check_expiry(self) -> None:
        """Refuse a static token (no provider) whose ``exp`` has passed, before any I/O.

        With a provider, an expiring token is refreshed instead; a token without a readable
        ``exp`` is sent as is (the API has the last word).

        Raises:
            MissingCredentialError: the static JWT expired (the message says when, and how to
                supply a fresh one).
        """
        token = self._token
        if self._provider is not None or token is None or token.expires_at is None:
            return
        now = self._clock()
        if now >= token.expires_at:
            raise MissingCredentialError(_expired_message(token.expires_at, now))

    def _is_fresh(self, token: _Token | None) -> bool:
        if token is None:
            return False
        if token.expires_at is None or self._provider is None:
            return True  # a static token is sent as is; the API has the last word on expiry
        return self._clock() < token.expires_at - self._refresh_margin

    async def _refresh(self, stale: _Token | None, request: httpx.Request) -> _Token:
        deadline_at: float | None = request.extensions.get(DEADLINE_EXTENSION)
        if deadline_at is None:
            return await self._refresh_locked(stale)
        import anyio  # noqa: PLC0415 - loaded with the flow already

        # The call's deadline bounds the wait for the lock and the provider alike.
        with anyio.move_on_after(deadline_at - time.monotonic()) as scope:
            return await self._refresh_locked(stale)
        assert scope.cancelled_caught  # noqa: S101 - the only way here
        msg = "the call's deadline passed waiting for the JWT provider; nothing was sent"
        raise httpx.PoolTimeout(msg, request=request)

    async def _refresh_locked(self, stale: _Token | None) -> _Token:
        # A caller that finds the token stale joins the refresh in progress, if any: it
        # waits for the lock, then uses the token that refresh obtained, or shares its
        # failure. Only a caller that arrives after a failed refresh asks the provider again.
        attempts = self._attempts
        async with self._lock:
            current = self._token
            if current is not stale and current is not None:
                return current  # someone refreshed while we waited for the lock
            failure = self._failure
            if failure is not None and self._attempts != attempts:
                raise _shared_failure(failure)
            if self._provider is None:
                if current is None:  # pragma: no cover - the constructor forbids it
                    msg = "no JWT and no provider"
                    raise ConfigurationError(msg)
                return current
            try:
                token = _Token(await self._obtain(self._provider))
            except MissingCredentialError as exc:
                self._attempts += 1
                self._failure = exc
                raise
            # (Cancelled while asking: no attempt is counted; the next waiter asks again.)
            self._attempts += 1
            self._failure = None
            self.refresh_count += 1
            self._token = token
            return token

    async def _obtain(self, provider: TokenProvider) -> str:
        """Ask ``provider`` for a JWT, within ``provider_timeout``; any failure is typed."""
        import anyio  # noqa: PLC0415 - loaded with the first JWT flow already

        try:
            with anyio.fail_after(self._provider_timeout):
                value = await provider()
        except TimeoutError as exc:
            msg = (
                f"the JWT provider did not return a token within {self._provider_timeout}s; no "
                "request was sent (raise provider_timeout= if it is slow by design)"
            )
            raise MissingCredentialError(msg) from exc
        except Exception as exc:
            # Only its type: its message may quote a credential of the identity service.
            # The traceback still shows it, as the cause.
            msg = (
                f"the JWT provider raised {type(exc).__name__} (see the cause); no request was sent"
            )
            raise MissingCredentialError(msg) from exc
        try:
            return _validated_jwt(value, source="the JWT provider's result")
        except ConfigurationError as exc:
            raise MissingCredentialError(str(exc)) from None

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Set the header, refreshing ahead of expiry and once after a 401."""
        token = self._token
        if not self._is_fresh(token):
            token = await self._refresh(token, request)
        assert token is not None  # noqa: S101 - _refresh always returns a token
        if self._provider is None:
            self.check_expiry()  # an expired static token is never sent
        request.headers["Authorization"] = token.header
        response = yield request
        if response.status_code != 401 or self._provider is None or not _replayable(request):  # noqa: PLR2004
            return
        fresh = await self._refresh(token, request)
        request.headers["Authorization"] = fresh.header
        yield request

    def sync_auth_flow(
        self,
        request: httpx.Request,  # noqa: ARG002 - httpx's signature
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Refuse: the JWT flow is async (its provider is a coroutine)."""
        msg = (
            f"{type(self).__name__} works with httpx.AsyncClient only. Use the async client, "
            "or the blocking client, which runs the async client for you."
        )
        raise RuntimeError(msg)

    def __repr__(self) -> str:
        token = None if self._token is None else self._token.secret
        return f"{type(self).__name__}(token={token!r}, provider={self._provider is not None})"
