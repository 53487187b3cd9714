"""The shapes of Dancity's declarations and the helpers that build them (see `dancity_sdk._spec`).

`Field`, `Operation` and `Generation` are plain data; the helpers below keep the
generation modules of ``_spec`` readable: ``declare`` builds the first generation in
full, ``derive`` each later one from its predecessor plus its changes (operations
removed, added or redeclared; per operation, fields dropped, changed or added, as
``Edit`` values).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

import attrs

from dancity_sdk._families import VAS

#: Rate-limits guide: 120 requests/minute per key; 30 VAS purchases/minute.
KEY_LIMIT: Final = 120
PURCHASE_LIMIT: Final = 30
THROTTLE_WINDOW: Final = 60.0
THROTTLE_LIMITS: Final[Mapping[str, int]] = MappingProxyType(
    {"key": KEY_LIMIT, "purchase": PURCHASE_LIMIT}
)

Kind = Literal["string", "integer", "number", "money", "boolean", "datetime"]
#: The answer shapes a description documents: ``"documents"`` (the server's stored
#: documents: references nested as objects, lists bare) or ``"views"`` (flattened rows,
#: lists wrapped with their pagination).
Answers = Literal["documents", "views"]


@attrs.frozen
class Field:
    """One body or query field of one operation in one generation.

    Attributes:
        name: The wire name the description declares (``customerRef``, ``billerCode``…).
        arg: The SDK method's keyword argument that fills it (``customer_ref``, ``biller``).
        required: Whether the description lists it in ``required``.
        kind: Its JSON type; ``money`` is a ``number`` the SDK takes as ``Decimal``/``int``,
            ``datetime`` a ``date-time`` string.
        default: Sent when the field is required and the caller gave nothing (the
            documented default, e.g. ``wallettype: "main"``); ``None`` = no default.
        enum: The values the description allows, when it lists them.
        minimum: The description's ``minimum`` (numbers), inclusive; ``None`` = none.
        maximum: The description's ``maximum`` (numbers), inclusive; ``None`` = none.
        min_length: The description's ``minLength`` (strings); ``None`` = none.
        max_length: The description's ``maxLength`` (strings); ``None`` = none.
        pattern: The description's ``pattern`` (a regular expression the whole string
            must match); ``None`` = none.

    The client checks every constraint before any I/O and the sandbox refuses what breaks
    one with the server's 400, both reading these attributes (see ``constraints``).
    """

    name: str
    arg: str
    required: bool = False
    kind: Kind = "string"
    default: str | int | None = None
    enum: tuple[str | int, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    @property
    def constraints(self) -> dict[str, object]:
        """The declared constraints under their OpenAPI names (only those declared)."""
        declared = {
            "enum": list(self.enum) or None,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "minLength": self.min_length,
            "maxLength": self.max_length,
            "pattern": self.pattern,
        }
        return {key: value for key, value in declared.items() if value is not None}


@attrs.frozen
class Operation:
    """One operation of one generation.

    Attributes:
        name: The SDK's name for it, ``"<resource>.<method>"`` (``"esim.purchase"``).
        method: HTTP method.
        path: Path below the family prefix, with the description's ``{placeholders}``.
        family: ``VAS`` or ``APP``.
        idempotent: ``True`` for reads, validations and updates (safe to retry);
            ``False`` for purchases (never replayed once sent).
        throttles: Client-side throttles it counts against (``"key"``, ``"purchase"``).
        body_fields: JSON body fields the description declares (empty: no body).
        query_fields: Query parameters the description declares.
        path_params: ``(placeholder, arg)`` pairs of the path template.
        open_body: The description declares a free-form body (``additionalProperties``);
            ``body_fields`` then names the fields the guides show, which the SDK sends.
        success_status: The documented success status (``201`` for card creation).
    """

    name: str
    method: str
    path: str
    family: str = VAS
    idempotent: bool = True
    throttles: tuple[str, ...] = ("key",)
    body_fields: tuple[Field, ...] = ()
    query_fields: tuple[Field, ...] = ()
    path_params: tuple[tuple[str, str], ...] = ()
    open_body: bool = False
    success_status: int = 200

    @property
    def required(self) -> tuple[str, ...]:
        """Wire names of every required body and query field."""
        return tuple(f.name for f in (*self.body_fields, *self.query_fields) if f.required)

    @property
    def is_purchase(self) -> bool:
        """Whether it moves money (not idempotent: never retried once sent)."""
        return not self.idempotent

    def field(self, arg: str) -> Field | None:
        """The body or query field an SDK argument fills here, if this operation takes it."""
        for candidate in (*self.body_fields, *self.query_fields):
            if candidate.arg == arg:
                return candidate
        return None

    def wire_field(self, name: str) -> Field | None:
        """The body or query field declared under wire name ``name``, if any."""
        for candidate in (*self.body_fields, *self.query_fields):
            if candidate.name == name:
                return candidate
        return None


@attrs.frozen
class Generation:
    """One published description of the VAS API.

    Attributes:
        api_version: Its date, the client's ``api_version`` (``"2026-05-31"``).
        commit: The docs commit it was published in (``c3ab95a``).
        prefix: The VAS path prefix (``/api/v1``).
        operations: Every VAS operation it declares, by SDK name.
        answers: The answer shapes its examples document (see ``Answers``); ``None``: it
            documents only the free-form envelope.
    """

    api_version: str
    commit: str
    prefix: str
    operations: Mapping[str, Operation]
    answers: Answers | None = None

    def __contains__(self, name: object) -> bool:
        return name in self.operations

    def declaring(self, wire_name: str) -> dict[str, Field]:
        """The field ``wire_name`` of every operation that declares it, by operation name."""
        return {
            name: field
            for name, op in self.operations.items()
            if (field := op.wire_field(wire_name)) is not None
        }


# --- building blocks (only to keep the tables below readable) ---------------------------------


def _req(
    name: str,
    arg: str,
    kind: Kind = "string",
    *,
    default: str | None = None,
    enum: tuple[str | int, ...] = (),
    minimum: int | None = None,
    maximum: int | None = None,
    length: int | None = None,
) -> Field:
    return Field(
        name,
        arg,
        required=True,
        kind=kind,
        default=default,
        enum=enum,
        minimum=minimum,
        maximum=maximum,
        min_length=length,
        max_length=length,
    )


def _opt(
    name: str,
    arg: str,
    kind: Kind = "string",
    *,
    enum: tuple[str | int, ...] = (),
    maximum: int | None = None,
) -> Field:
    return Field(name, arg, required=False, kind=kind, enum=enum, maximum=maximum)


_KEY: Final = ("key",)
_PURCHASE: Final = ("key", "purchase")
_CUSTOMER_REF: Final = _opt("customerRef", "customer_ref")
_PIN: Final = _req("pin", "pin")
_METER_TYPE: Final = ("prepaid", "postpaid")
#: Optional fields every 2026-04-27 buy declares besides its own.
_BENEFICIARY: Final = (
    _opt("saveAsBeneficiary", "save_as_beneficiary", "boolean"),
    _opt("beneficiaryName", "beneficiary_name"),
)
_PROMO: Final = (_opt("promocode", "promocode"), _opt("deviceKey", "device_key"))
_PAGE: Final = (_opt("page", "page", "integer"), _opt("limit", "limit", "integer"))
#: The transactions listing's page: ``limit`` is at most 100 in every description.
_TRANSACTIONS_PAGE: Final = (
    _opt("page", "page", "integer"),
    _opt("limit", "limit", "integer", maximum=100),
)
#: ``amount`` bounds every description declares (airtime ₦50-₦1,000, electricity from
#: ₦500, betting from ₦100).
_AIRTIME_AMOUNT: Final = _req("amount", "amount", "money", minimum=50, maximum=1000)
_ELECTRICITY_AMOUNT: Final = _req("amount", "amount", "money", minimum=500)
_BETTING_AMOUNT: Final = _req("amount", "amount", "money", minimum=100)
_DATES: Final = (
    _opt("start_date", "start_date", "datetime"),
    _opt("end_date", "end_date", "datetime"),
)
#: The transaction filters the App listing and the first VAS listing share.
_TRANSACTION_FILTERS: Final = (
    _opt("service", "service"),
    _opt("status", "status"),
    _opt("tranxType", "tranx_type"),
    _opt("query", "query"),
)


def _read(
    name: str, path: str, *query: Field, path_params: tuple[tuple[str, str], ...] = ()
) -> Operation:
    return Operation(name, "GET", path, query_fields=query, path_params=path_params)


def _check(
    name: str,
    method: str,
    path: str,
    *,
    body: tuple[Field, ...] = (),
    query: tuple[Field, ...] = (),
) -> Operation:
    # Validations only look things up: safe to retry after a 5xx or a reset.
    return Operation(name, method, path, body_fields=body, query_fields=query)


def _buy(name: str, path: str, *body: Field, limited: bool = False) -> Operation:
    # Purchases move money: never retried once they may have reached the server.
    throttles = _PURCHASE if limited else _KEY
    return Operation(name, "POST", path, idempotent=False, throttles=throttles, body_fields=body)


_ID: Final = (("id", "id"),)
_TRANSACTION_ID: Final = (("transactionId", "transaction_id"),)
_CARD_ID: Final = (("cardId", "card_id"),)


# --- a generation as its changes to the one before --------------------------------------------

#: What a field of the preceding generation becomes: one field, or several in its place.
Replacement = Field | tuple[Field, ...]


@attrs.frozen
class Edit:
    """How one operation of the preceding generation changes (see ``derive``).

    Attributes:
        name: The operation's SDK name.
        drop: Wire names of the body or query fields it no longer declares.
        change: Wire name of a field → what stands in its place (same position).
        add: Fields it newly declares, after the others (body for writes, query for GETs).
    """

    name: str
    drop: tuple[str, ...] = ()
    change: Mapping[str, Replacement] = attrs.field(factory=dict)
    add: tuple[Field, ...] = ()

    def apply(self, operation: Operation) -> Operation:
        """``operation`` as this edit leaves it.

        Raises:
            KeyError: The edit names a field ``operation`` does not declare.
        """
        known = {f.name for f in (*operation.body_fields, *operation.query_fields)}
        missing = sorted((set(self.drop) | set(self.change)) - known)
        if missing:
            raise KeyError(f"{self.name} declares no field {missing}")
        body = self._fields(operation.body_fields)
        query = self._fields(operation.query_fields)
        if operation.method == "GET":
            query += self.add
        else:
            body += self.add
        return attrs.evolve(operation, body_fields=body, query_fields=query)

    def _fields(self, fields: tuple[Field, ...]) -> tuple[Field, ...]:
        edited: list[Field] = []
        for old in fields:
            if old.name in self.drop:
                continue
            new = self.change.get(old.name, old)
            edited.extend(new if isinstance(new, tuple) else (new,))
        return tuple(edited)


def edit(
    name: str,
    *,
    drop: tuple[str, ...] = (),
    change: Mapping[str, Replacement] | None = None,
    add: tuple[Field, ...] = (),
) -> Edit:
    """An ``Edit`` of operation ``name``."""
    return Edit(name, drop, dict(change or {}), add)


def declare(
    api_version: str, commit: str, prefix: str, *ops: Operation, answers: Answers | None = None
) -> Generation:
    """The first generation, every operation declared in full."""
    table = _sorted({op.name: op for op in ops})
    return Generation(api_version, commit, prefix, table, answers)


def derive(
    before: Generation,
    api_version: str,
    commit: str,
    *,
    prefix: str | None = None,
    answers: Answers | None = None,
    removed: tuple[str, ...] = (),
    added: tuple[Operation, ...] = (),
    changed: tuple[Edit, ...] = (),
) -> Generation:
    """A generation written as its changes to ``before``.

    Args:
        before: The preceding generation.
        api_version: This generation's date.
        commit: The docs commit that published it.
        prefix: Its VAS prefix; ``None`` keeps ``before``'s.
        answers: The answer shapes it documents; ``None`` keeps ``before``'s.
        removed: Operations ``before`` declares and this one does not.
        added: Operations new here, or redeclared in full (their shape changed wholesale).
        changed: Field-level edits of operations kept from ``before``.

    Raises:
        KeyError: A removal or an edit names an operation ``before`` does not declare.
    """
    table = dict(before.operations)
    for name in removed:
        del table[name]
    for change in changed:
        table[change.name] = change.apply(table[change.name])
    table.update({op.name: op for op in added})
    prefix = prefix or before.prefix
    return Generation(api_version, commit, prefix, _sorted(table), answers or before.answers)


def _sorted(table: Mapping[str, Operation]) -> Mapping[str, Operation]:
    return MappingProxyType(dict(sorted(table.items())))
