"""One purchase intent as the journal keeps it, its fingerprint, and the journal's errors.

An intent is a money-moving request the SDK is about to send (a purchase, a
payment or refund), named by the caller's reference. Its states:

* ``claimed``: a worker owns it and has not sent it yet (a crash here sent nothing);
* ``sent``: the request may have reached the API;
* ``settled``: the API's answer is recorded (``result``): it is never sent again;
* ``unknown``: it was sent and the answer was lost (a timeout, a reset, a 5xx).

A claim carries a lease: a worker finishes a call well within its retry deadline, so a
claim whose lease has run out belongs to a worker that died (or hangs), and may be taken
over by recovery or by a retried job.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

import attrs

from shared_auth._errors import InvalidInputError, OutcomeUnknownError, SDKError
from shared_auth._secret import Secret

if TYPE_CHECKING:
    from shared_auth._models import JSONValue

__all__ = [
    "OPEN_STATES",
    "SECRET_FIELDS",
    "Change",
    "Intent",
    "IntentConflictError",
    "IntentInProgressError",
    "IntentNeedsReviewError",
    "IntentState",
    "decode_result",
    "encode_result",
    "fingerprint",
    "new_owner",
]

#: Where an intent stands: ``claimed`` (owned, not sent yet), ``sent`` (may have reached the
#: API), ``settled`` (the answer is recorded; never sent again) or ``unknown`` (sent, and the
#: answer was lost).
IntentState = Literal["claimed", "sent", "settled", "unknown"]
OPEN_STATES: Final = frozenset({"claimed", "sent", "unknown"})
#: Body fields that never reach a fingerprint (nor the journal): they are secrets.
SECRET_FIELDS: Final = frozenset({"pin", "password", "secret", "token", "api_key", "jwt"})


@attrs.frozen(kw_only=True)
class Change:
    """What one update of an open intent records (see ``Store.update``).

    Attributes:
        state: The new state (``sent``, ``settled`` or ``unknown``).
        now: When (the journal's clock), stored as the record's ``updated_at``.
        result: The API's answer, for ``settled``.
        note: Why, for ``unknown`` (an error's message).
        expires_at: When a settled record may be forgotten.
    """

    state: str
    now: float
    result: object = None
    note: str | None = None
    expires_at: float | None = None


@attrs.frozen(kw_only=True)
class Intent:
    """A journal record.

    Attributes:
        key: The journal key: API, operation and reference.
        api: The API that owns the intent (its SDK's name for it), which picks the
            reconciler recovery uses.
        reference: The caller's reference (``customer_ref``, ``order_id``…).
        fingerprint: A digest of the request's parameters, secrets left out.
        state: ``claimed``, ``sent``, ``settled`` or ``unknown``.
        owner: The worker that holds (or held) the claim.
        lease_until: Unix time the claim's lease ends.
        created_at: Unix time of the claim.
        updated_at: Unix time of the latest change.
        result: The API's decoded answer, once settled.
        note: Why the outcome is unknown, or what recovery did.
    """

    key: str
    api: str
    reference: str
    fingerprint: str
    state: IntentState
    owner: str
    lease_until: float
    created_at: float
    updated_at: float
    result: JSONValue = attrs.field(default=None, repr=False)
    note: str | None = None

    @property
    def open(self) -> bool:
        """Whether the intent still needs an answer (claimed, sent or unknown)."""
        return self.state in OPEN_STATES

    def lease_expired(self, now: float) -> bool:
        """Whether the claim's holder has had longer than its lease."""
        return now >= self.lease_until

    def to_json(self) -> str:
        """The record as one JSON object (the Redis backend's value)."""
        fields = attrs.asdict(self, recurse=False)
        fields["result"] = None if self.result is None else encode_result(self.result)
        return json.dumps(fields, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Intent:
        """Read a record written by [`to_json`][shared_auth.fleet.Intent.to_json]."""
        fields = json.loads(raw)
        result = fields.pop("result", None)
        return cls(**fields, result=None if result is None else decode_result(result))


def _plain(value: object) -> object:
    """``value`` without secrets, as JSON-ready data (Decimals kept exact as strings)."""
    if isinstance(value, Mapping):
        return {
            str(k): _plain(v)
            for k, v in value.items()
            if str(k).casefold() not in SECRET_FIELDS and not isinstance(v, Secret)
        }
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return f"D:{value.normalize()}"
    return value


def fingerprint(method: str, path: str, body: object, *, generation: str | None = None) -> str:
    """A digest of a request: its operation, API generation and parameters.

    PINs and other secrets never enter it.
    """
    parts: list[object] = [method, path, _plain(body)]
    if generation is not None:
        parts.append(generation)
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def encode_result(data: object) -> str:
    """JSON text for an API answer; a ``Decimal`` becomes a number with exactly its digits."""
    if isinstance(data, Mapping):
        items = (f"{json.dumps(str(k))}:{encode_result(v)}" for k, v in data.items())
        return "{" + ",".join(items) + "}"
    if isinstance(data, list | tuple):
        return "[" + ",".join(encode_result(v) for v in data) + "]"
    if isinstance(data, Decimal):
        return str(data) if data.is_finite() else json.dumps(str(data))
    return json.dumps(data)


def decode_result(text: str) -> JSONValue:
    """Read what `encode_result` wrote; non-integral numbers come back as ``Decimal``."""
    result: JSONValue = json.loads(text, parse_float=Decimal)
    return result


def new_owner() -> str:
    """A worker id that is unique across hosts, processes and clients."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class IntentConflictError(InvalidInputError):
    """The reference names an earlier intent with different parameters; nothing was sent."""


class IntentInProgressError(SDKError):
    """A live worker holds the claim on this reference; nothing was sent.

    Attributes:
        reference: The reference.
        retry_after: Seconds until the holder's lease runs out (then the claim can be
            taken over and reconciled).
    """

    def __init__(self, message: str, *, reference: str, retry_after: float) -> None:
        super().__init__(message)
        self.reference = reference
        self.retry_after = retry_after


class IntentNeedsReviewError(OutcomeUnknownError):
    """The intent may have taken effect and the API cannot be asked: a person must check."""


# Tracebacks and pickles name the public module users import these from, not this file.
for _cls in (IntentConflictError, IntentInProgressError, IntentNeedsReviewError):
    _cls.__module__ = "shared_auth.fleet"
