"""Model conventions both SDKs share, and the converter factory that reads their wire format.

Models are frozen, slotted, keyword-only attrs classes deriving from
[`APIObject`][shared_auth.APIObject]. The wire format lives in the converter, not in the models:
field renames (a field's ``metadata={"wire": "_id"}`` or the converter's naming function),
``Decimal`` money, aware datetimes and open enums (``Status | str``: an unknown value stays a
``str``). Response fields the model does not know are kept in ``extra``; none is dropped.
"""

from __future__ import annotations

import html
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any, Final, Generic, SupportsIndex, TypeAlias, TypeVar, overload

import attrs

from shared_auth._ratelimit import RateLimit
from shared_auth._reply import Reply
from shared_auth._secret import Secret

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "KEY_COLUMNS",
    "APIObject",
    "JSONValue",
    "OpenEnum",
    "ResultList",
    "make_converter",
    "render_table",
    "structure_top",
    "to_decimal",
]

#: A JSON value: a string, a number (``int``, ``float``, or ``Decimal`` where an SDK reads
#: numbers exactly), a boolean, ``None``, an array (any ``Sequence``) or an object (any
#: ``Mapping`` with ``str`` keys) of JSON values. What the SDKs hand over
#: unmodelled (a model's ``extra`` and ``to_dict()``, a webhook's ``data``, an inbox
#: event's ``json()``, a journal's recorded answer) is typed with it: narrow a value with
#: ``isinstance(value, Mapping)`` (``str``, ``int``...) before you index it. What you
#: pass as JSON fits it too: ``{"a": [1, 2]}`` is one.
JSONValue: TypeAlias = (
    str | int | float | Decimal | bool | Sequence["JSONValue"] | Mapping[str, "JSONValue"] | None
)

_T = TypeVar("_T")
_M = TypeVar("_M")
_META_FIELDS = frozenset({"extra", "_reply"})
#: Keys that carry what the converter adds at construction (never wire names: a NUL
#: cannot start a JSON member name the APIs send, and a body that tries is overwritten).
_EXTRA_KEY: Final = "\x00extra"
_REPLY_KEY: Final = "\x00reply"


class _Carried:
    """What a result knows of the response that carried it (its ``_reply``)."""

    __slots__ = ()
    _reply: Reply | None

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit headers of the response that carried it."""
        reply = self._reply
        return None if reply is None else reply.rate_limit

    @property
    def request_id(self) -> str | None:
        """The server's request id for the response that carried it."""
        reply = self._reply
        return None if reply is None else reply.request_id

    @property
    def response_info(self) -> Reply | None:
        """The response that carried it: status, headers, request id, rate limit."""
        return self._reply


@attrs.frozen(kw_only=True)
class APIObject(_Carried):
    """Base of every response model.

    Attributes:
        extra: Response fields this version of the SDK does not model, as sent.
    """

    extra: Mapping[str, JSONValue] = attrs.field(factory=dict, repr=False)
    # The metadata of the response that carried this object (set when it is built).
    _reply: Reply | None = attrs.field(default=None, repr=False, eq=False, alias="reply")

    def to_dict(self, *, converter: cattrs.Converter | None = None) -> dict[str, JSONValue]:
        """This object as JSON-ready data, with the API's wire names (as it arrived).

        Unknown fields (``extra``) are included, money is a decimal string, times are
        ISO 8601. The converter of the client that read it is used (or the one you pass;
        a fresh one of the model's SDK for an object built by hand). ``to_dict`` of the result
        structures back into an equal object.
        """
        if converter is None:
            reply = self._reply
            converter = reply.converter if reply is not None else None
        active = converter if converter is not None else _default_converter(type(self))
        data: dict[str, JSONValue] = active.unstructure(self)
        return data

    def to_json(
        self, *, indent: int | None = None, converter: cattrs.Converter | None = None
    ) -> str:
        """This object as a JSON document (see [`to_dict`][shared_auth.APIObject.to_dict])."""
        import json  # noqa: PLC0415 - only serialising needs it

        return json.dumps(self.to_dict(converter=converter), indent=indent, default=str)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
            f"<td style='text-align:left'>{html.escape(_cell(value))}</td></tr>"
            for name, value in _public_items(self)
        )
        return f"<table><caption>{type(self).__name__}</caption>{rows}</table>"


class OpenEnum(StrEnum):
    """Base of response enums: the repr is the wire value, so models print as they arrived.

    Fields typed ``SomeEnum | str`` are open: a value newer than this SDK stays a ``str``.
    """

    def __repr__(self) -> str:
        return repr(self.value)


def _public_items(obj: APIObject) -> list[tuple[str, Any]]:
    return [
        (a.name, getattr(obj, a.name))
        for a in attrs.fields(type(obj))
        if a.name not in _META_FIELDS and a.repr is not False
    ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Secret):
        return value.redacted
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


_Model = TypeVar("_Model", bound=APIObject)


class ResultList(tuple[_T, ...], _Carried, Generic[_T]):  # noqa: SLOT001 - rate_limit needs a __dict__
    """An immutable sequence of results that also carries the response's `RateLimit`.

    In Jupyter it renders as an HTML table of the columns that carry data, key ones
    first (`to_html`; ``to_html(all_columns=True)`` for every column); a slice is a
    ``ResultList`` too, and renders alike. `to_dict` and `to_json` give the data.
    """

    _reply: Reply | None

    def __new__(cls, items: Iterable[_T] = (), reply: Reply | None = None) -> ResultList[_T]:
        self = super().__new__(cls, items)
        self._reply = reply
        return self

    @overload
    def __getitem__(self, index: SupportsIndex) -> _T: ...
    @overload
    def __getitem__(self, index: slice) -> ResultList[_T]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> _T | ResultList[_T]:
        # A slice stays a ResultList: it still renders as a table and knows its response.
        if isinstance(index, slice):
            return ResultList(super().__getitem__(index), self._reply)
        return super().__getitem__(index)

    @overload
    def to_dict(
        self: ResultList[_Model], *, converter: cattrs.Converter | None = None
    ) -> list[dict[str, JSONValue]]: ...
    @overload
    def to_dict(self, *, converter: cattrs.Converter | None = None) -> list[object]: ...
    def to_dict(
        self, *, converter: cattrs.Converter | None = None
    ) -> list[dict[str, JSONValue]] | list[object]:
        """The results as JSON-ready data: each model's ``to_dict()``, in order.

        Items that are not models (plain values) are kept as they are.
        """
        items: list[object] = [
            item.to_dict(converter=converter) if isinstance(item, APIObject) else item
            for item in self
        ]
        return items

    def to_json(
        self, *, indent: int | None = None, converter: cattrs.Converter | None = None
    ) -> str:
        """The results as one JSON array (see `to_dict`)."""
        import json  # noqa: PLC0415 - only serialising needs it

        return json.dumps(self.to_dict(converter=converter), indent=indent, default=str)

    def to_html(self, *, all_columns: bool = False) -> str:
        """The results as an HTML table, as a notebook shows them.

        Columns empty in every row are left out, and the key columns come first
        (`KEY_COLUMNS`: reference, status, amount, phone or product, time), the rest
        in the model's order. A note under the table says how many were left out.

        Args:
            all_columns: Show every column, empty or not, in the model's order.
        """
        return render_table(self, all_columns=all_columns)

    def _repr_html_(self) -> str:
        return self.to_html()


#: Notebook tables show these columns first, in this order, when the rows have them
#: (the reference, the status, the money, the phone or product, then the time).
KEY_COLUMNS: Final = (
    "reference",
    "tranx_id",
    "id",
    "order_id",
    "customer_ref",
    "status",
    "amount",
    "price",
    "currency",
    "phone",
    "number",
    "product",
    "plan",
    "name",
    "tranx_date",
    "created_at",
    "expires_at",
)


def _is_empty(value: object) -> bool:
    if value is None or value == "":
        return True
    return isinstance(value, Mapping | tuple | list) and not value


def _column_names(items: list[APIObject], *, all_columns: bool) -> list[str]:
    names: dict[str, None] = {}
    for item in items:
        names.update(dict.fromkeys(name for name, _ in _public_items(item)))
    if all_columns:
        return list(names)
    rows = [dict(_public_items(item)) for item in items]
    shown = [n for n in names if any(not _is_empty(row.get(n)) for row in rows)]
    rank = {name: index for index, name in enumerate(KEY_COLUMNS)}
    return sorted(shown, key=lambda n: rank.get(n, len(rank)))  # stable: model order after


def render_table(results: Iterable[object], *, all_columns: bool = False) -> str:
    """An HTML table of ``results`` (see `ResultList.to_html`); pages render through it too."""
    seq = list(results)
    items = [i for i in seq if isinstance(i, APIObject)]
    if not items:
        return f"<p>{len(seq)} items</p>"
    names = _column_names(items, all_columns=all_columns)
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(_cell(getattr(i, n, None)))}</td>" for n in names)
        + "</tr>"
        for i in items
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    hidden = len(_column_names(items, all_columns=True)) - len(names)
    if hidden:
        note = (
            f"{hidden} column{'s' if hidden != 1 else ''} empty in every row not shown; "
            ".to_html(all_columns=True) shows them"
        )
        table += f"<p>{html.escape(note)}</p>"
    return table


def to_decimal(value: object) -> Decimal:
    """Read a wire amount (decimal string or JSON number) without passing through binary float."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            msg = f"not a decimal number: {value!r}"
            raise ValueError(msg) from exc
    elif isinstance(value, int) and not isinstance(value, bool):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))  # the shortest repr is what the sender wrote
    else:
        msg = f"expected a decimal string or number, got {type(value).__name__}"
        raise TypeError(msg)
    if not result.is_finite():
        msg = f"not a finite amount: {value!r}"
        raise ValueError(msg)
    return result


def _to_datetime(value: object, _: object) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        parsed = datetime.fromisoformat(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    else:
        msg = f"expected an ISO 8601 timestamp, got {type(value).__name__}"
        raise TypeError(msg)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _from_datetime(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _open_enum_type(tp: Any) -> type[Enum] | None:
    """``E`` when ``tp`` is ``E | str`` (or ``E | str | None``) for an Enum ``E``."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    enums = [a for a in args if isinstance(a, type) and issubclass(a, Enum)]
    if len(args) == 2 and str in args and len(enums) == 1:  # noqa: PLR2004
        return enums[0]
    return None


def _open_enum_hook(tp: Any) -> Callable[[Any, Any], Any]:
    enum = _open_enum_type(tp)
    assert enum is not None  # noqa: S101 - the predicate checked it

    optional = type(None) in typing.get_args(tp)

    def structure(value: Any, _: Any) -> Enum | str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            msg = f"expected a string, got {type(value).__name__}"
            raise TypeError(msg)
        try:
            return enum(value)
        except ValueError:
            return value  # a value newer than this SDK: kept, not fatal

    return structure


def make_converter(
    *,
    rename: Callable[[str], str] | None = None,
    reshape: Callable[[type[APIObject]], Callable[[Any], Any] | None] | None = None,
) -> cattrs.Converter:
    """A converter for one SDK's wire format.

    cattrs is imported here, not with the package: the SDKs build their converter on the
    first response they read, which keeps ``import`` fast.

    A field with ``metadata={"local": True}`` is the SDK's own (never read from or written
    to the wire).

    Args:
        rename: Maps a Python field name to its wire name when the field has no
            ``metadata={"wire": …}`` (e.g. snake_case to camelCase). Identity by default.
        reshape: For a model class, a function that turns the value on the wire into the
            mapping its fields are read from (an API that sends a page as a bare array),
            or ``None`` to read it as it is.
    """
    import cattrs  # noqa: PLC0415 - deferred to the first converter (import time)
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn  # noqa: PLC0415

    converter = cattrs.Converter()
    to_wire = rename or (lambda name: name)
    converter.register_structure_hook(Decimal, lambda v, _: to_decimal(v))
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(datetime, _to_datetime)
    converter.register_unstructure_hook(datetime, _from_datetime)
    converter.register_structure_hook_factory(
        lambda t: _open_enum_type(t) is not None, _open_enum_hook
    )

    def is_model(tp: Any) -> bool:
        return isinstance(tp, type) and issubclass(tp, APIObject)

    def structure_factory(cl: type[APIObject], converter: cattrs.Converter) -> _ModelHook:
        overrides, known = _overrides(cl, to_wire, structure=True)
        base = make_dict_structure_fn(cl, converter, **overrides)
        shape = None if reshape is None else reshape(cl)

        def top(data: Any, reply: Reply | None) -> APIObject:
            if shape is not None:
                data = shape(data)
            if not isinstance(data, Mapping):
                msg = f"expected a JSON object for {cl.__name__}, got {type(data).__name__}"
                raise TypeError(msg)
            # Built in one go: what the model does not know and the response's metadata
            # go to the constructor, so no frozen model is ever changed afterwards.
            if known.issuperset(data):
                if reply is None:
                    return base(data, cl)
                return base({**data, _REPLY_KEY: reply}, cl)
            extra = {k: v for k, v in data.items() if k not in known}
            return base({**data, _EXTRA_KEY: extra, _REPLY_KEY: reply}, cl)

        return _ModelHook(top)

    def unstructure_factory(
        cl: type[APIObject], converter: cattrs.Converter
    ) -> Callable[[APIObject], dict[str, Any]]:
        overrides, _ = _overrides(cl, to_wire, structure=False)
        base = make_dict_unstructure_fn(cl, converter, **overrides)

        def unstructure(obj: APIObject) -> dict[str, Any]:
            return {**obj.extra, **base(obj)}

        return unstructure

    converter.register_structure_hook_factory(is_model, structure_factory)
    converter.register_unstructure_hook_factory(is_model, unstructure_factory)
    return converter


def _overrides(
    cl: type[APIObject], to_wire: Callable[[str], str], *, structure: bool
) -> tuple[dict[str, Any], frozenset[str]]:
    from cattrs.gen import override  # noqa: PLC0415 - cattrs loads with the first converter

    overrides: dict[str, Any] = {}
    known: set[str] = set()
    for a in attrs.fields(cl):
        if a.name in _META_FIELDS:
            key = _EXTRA_KEY if a.name == "extra" else _REPLY_KEY
            overrides[a.name] = (
                override(rename=key, struct_hook=_as_is) if structure else override(omit=True)
            )
            continue
        if a.metadata.get("local"):
            overrides[a.name] = override(omit=True)
            continue
        wire = a.metadata.get("wire") or to_wire(a.name)
        overrides[a.name] = override(rename=wire)
        known.add(wire)
    return overrides, frozenset(known)


def _as_is(value: Any, _: Any) -> Any:
    return value


class _ModelHook:
    """A model's structure hook: ``(data, type)`` for cattrs, ``top`` to attach a reply."""

    __slots__ = ("top",)

    def __init__(self, top: Callable[[Any, Reply | None], APIObject]) -> None:
        self.top = top

    def __call__(self, data: Any, _: Any) -> APIObject:
        return self.top(data, None)


def structure_top(converter: cattrs.Converter, data: Any, cl: type[_M], reply: Reply) -> _M:
    """Structure a response's top-level object, carrying the response's metadata."""
    hook = converter.get_structure_hook(cl)
    if isinstance(hook, _ModelHook):
        return hook.top(data, reply)  # type: ignore[return-value]
    result: _M = hook(data, cl)
    return result


def _default_converter(cl: type[APIObject]) -> cattrs.Converter:
    """A fresh converter of the SDK ``cl`` belongs to (for ``to_dict`` without a response).

    Each SDK's models module names its factory ``make_wire_converter``.
    """
    import importlib  # noqa: PLC0415 - only serialising without a response needs it

    for name in (cl.__module__, cl.__module__.partition(".")[0] + "._models"):
        factory = getattr(importlib.import_module(name), "make_wire_converter", None)
        if callable(factory):
            converter: cattrs.Converter = factory()
            return converter
    return make_converter()
