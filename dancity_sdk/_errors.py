"""Reading Dancity's error bodies into the shared error tree.

The docs show two shapes (reference §4.1, §8.1 #16), and the SDK reads both:

* ``{"statusCode": 400, "message": "...", "error": "Bad Request"}`` where ``message`` may
  be a list of validation messages (they are joined with ``"; "`` for the error's message
  and kept as a tuple on the error's ``messages``);
* ``{"success": false, "message": "...", "statusCode": 404}`` — also inside an HTTP 200.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, Final

from dancity_sdk._exceptions import APITimeoutError, ConfigurationError
from shared_auth._outcomes import ErrorDetails

if TYPE_CHECKING:
    from dancity_sdk._models import Transaction

__all__ = ["ReconcileTimeoutError", "UnsupportedOperationError", "parse_error", "refused_status"]

_UNAUTHORIZED_HINT: Final = (
    "Dancity answers 401 when: the credential is the wrong type for the route (a user JWT "
    "on a VAS route or a dcy_live_ merchant key on an App route); the 'channel: API' header "
    "is missing on a merchant route; this machine's IP is not in the key's allowlist (an "
    "empty allowlist blocks all traffic); or the key was revoked or regenerated "
    "(regenerating invalidates the old key at once: call client.set_api_key(new_key)); or, "
    "on an App route (client.app.*), the user JWT expired or was revoked (a static JWT whose "
    "exp the SDK can read is refused before sending; pass jwt= an async provider so the "
    "client gets a fresh one, or call client.set_jwt(new_token))"
)
_HINTS: Final = {
    401: _UNAUTHORIZED_HINT,
    403: "API access needs a Tier 3 account with an approved API client",
    429: "Dancity allows 120 requests/minute per key and 30 purchases/minute",
}

#: Statuses with which Dancity refuses a request's input; the hint follows the message.
_INPUT_REFUSED: Final = frozenset({400, 404, 422})
_BALANCE_HINT: Final = (
    "client.vas.wallet.balances() shows what the main and bonus wallets hold; fund the "
    "wallet (or, where the purchase takes it, pass wallettype= the other one) and retry"
)
_CARD_BALANCE_HINT: Final = (
    "client.vas.cards.get(card_id) shows the card's balance; "
    "client.vas.cards.fund(card_id, amount=...) tops it up from the wallet"
)


@functools.cache  # the declarations never change
def _pin_generations() -> str:
    """Which generations take a PIN, and where its length differs, from the declarations."""
    from dancity_sdk._spec import GENERATIONS  # noqa: PLC0415 - the tables load with a client

    taking = []
    for version, generation in GENERATIONS.items():
        pins = generation.declaring("pin")
        if not pins:
            continue
        fixed = sorted(
            f"{name}: exactly {field.max_length} characters"
            for name, field in pins.items()
            if field.max_length is not None and field.max_length == field.min_length
        )
        taking.append(f"'{version}'" + (f" ({'; '.join(fixed)})" if fixed else ""))
    return ", ".join(taking) or "no api_version"


_PIN_HINT: Final = (
    "this is the transaction PIN of the Dancity account the API key belongs to (the PIN "
    "that authorises its wallet payments), passed as pin= on a purchase; not the API key, a "
    "card PIN or an exam PIN. Only api_version {generations} takes one; the others refuse "
    "pin= before sending"
)
#: Message patterns and their hints, first match wins (a card's balance before a wallet's).
_MESSAGE_HINTS: Final = (
    (re.compile(r"insufficient card balance", re.IGNORECASE), _CARD_BALANCE_HINT),
    (re.compile(r"insufficient|low balance|not enough funds", re.IGNORECASE), _BALANCE_HINT),
    (re.compile(r"(?<![a-z])pin(?![a-z])", re.IGNORECASE), _PIN_HINT),
)
#: A message saying the product, plan or package named is unknown: then (and only then)
#: the operation's catalog advice applies (``Route.refusal_advice``).
_UNKNOWN_CATALOG: Final = re.compile(
    r"\b(product|plan|package|biller|network|exam)s?\b.*\b(not found|unknown|invalid|"
    r"does not exist|not exist|unrecogni[sz]ed|not available|unavailable)\b"
    r"|\b(invalid|unknown|unrecogni[sz]ed)\b.*\b(product|plan|package|biller|network|exam)s?\b",
    re.IGNORECASE,
)


def _input_hint(messages: tuple[str, ...]) -> str | None:
    """The hint for an input refusal, from what its messages say.

    ``None`` lets the operation's catalog advice apply (a message says a product, plan or
    package is unknown, or there is no message to go by); ``""`` is a hint of our own that
    says nothing, so no catalog advice is added to a refusal it does not fit (a balance, a
    PIN, a validation rule).
    """
    hints = dict.fromkeys(
        next((hint for pattern, hint in _MESSAGE_HINTS if pattern.search(m)), "") for m in messages
    )
    specific = [
        hint.format(generations=_pin_generations()) if hint is _PIN_HINT else hint
        for hint in hints
        if hint
    ]
    if specific:
        return "; ".join(specific)
    if not messages or any(_UNKNOWN_CATALOG.search(m) for m in messages):
        return None
    return ""


def _messages(body: Any) -> tuple[str, ...]:
    """Every message an error body carries (a list for validation errors)."""
    if not isinstance(body, dict):
        return ()
    message = body.get("message")
    if isinstance(message, str):
        return (message,) if message else ()
    if isinstance(message, list):
        return tuple(str(item) for item in message if item is not None)
    return ()


def parse_error(status: int, body: Any, scope: str | None) -> ErrorDetails:
    """The `shared_auth.ErrorParser` for both documented error shapes.

    The hint follows what the server said: 401, 403 and 429 have one each; an input
    refusal (400, 404, 422) that says the balance is short points to
    ``client.vas.wallet.balances()``, one about the PIN says which PIN is meant, and only
    one saying a product, plan or package is unknown gets the operation's catalog advice.
    """
    del scope  # Dancity has no scopes; a 403 is about tier and approval (see _HINTS)
    messages = _messages(body)
    label = body.get("error") if isinstance(body, dict) else None
    hint = _HINTS.get(status)
    if hint is None and status in _INPUT_REFUSED:
        hint = _input_hint(messages)
    return ErrorDetails(
        code=label if isinstance(label, str) and label else None,
        message="; ".join(messages) or None,
        hint=hint,
        messages=messages,
    )


def refused_status(body: Any) -> int | None:
    """The envelope rule (`shared_auth._pipeline.Envelope`): the error status a 2xx body reports.

    Dancity can answer HTTP 200 with ``{"success": false, "statusCode": …}``. The body's
    status counts (a ``500`` inside a 200 on a purchase is an unknown outcome, as an HTTP
    500 is); without a usable one it is ``400``, the docs' "processed but refused".
    """
    if not isinstance(body, dict) or body.get("success") is not False:
        return None
    status = body.get("statusCode")
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:  # noqa: PLR2004
        return 400
    return status


class ReconcileTimeoutError(APITimeoutError):
    """``reconcile`` gave up while the transaction was still open (or not yet found).

    Attributes:
        reference: The reference that was looked up.
        transaction: The latest record seen (still ``PENDING``/``PROCESSING``), or ``None``
            when no transaction with that reference was ever found.
        last_failure: The latest passing failure of a requery (a 5xx, a timeout, an
            unreadable body...), also the ``__cause__``; ``None`` if every requery answered.
    """

    __module__ = "dancity_sdk"

    def __init__(
        self,
        message: str,
        *,
        reference: str,
        transaction: Transaction | None = None,
        last_failure: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.reference: str = reference
        self.transaction: Transaction | None = transaction
        self.last_failure: BaseException | None = last_failure


class UnsupportedOperationError(ConfigurationError):
    """The client's ``api_version`` does not declare the operation that was called.

    Raised before any I/O.

    Attributes:
        operation: The SDK's name of the operation (``"cards.create"``).
        api_version: The client's generation.
        available_in: Every ``api_version`` that declares the operation.
    """

    __module__ = "dancity_sdk"

    def __init__(
        self, message: str, *, operation: str, api_version: str, available_in: tuple[str, ...]
    ) -> None:
        super().__init__(message)
        self.operation: str = operation
        self.api_version: str = api_version
        self.available_in: tuple[str, ...] = available_in
