"""Requests built from the operation declarations of `dancity_sdk._spec`.

A resource method validates its arguments and hands them over by argument name; this
module looks each one up in the selected generation's declaration of the operation and
puts it where that generation wants it (body, query or path, under its wire name). So
the wire names, what is required and what a generation does not take are facts of
``_spec`` alone, and nothing undeclared is ever sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from dancity_sdk._errors import UnsupportedOperationError
from dancity_sdk._exceptions import InvalidInputError
from dancity_sdk._spec import GENERATIONS, Field, Generation, Operation, generations_with

__all__ = ["Request", "build", "operation"]

#: The longest slice of a refused value a message shows.
_ECHO: Final = 40

#: What to call instead when a generation validates differently: (its operation, the call).
_INSTEAD: Final = {
    "validate": (
        "cable.validate",
        "client.vas.cable.validate(...) or client.vas.electricity.validate(...)",
    ),
    "cable.validate": ("validate", "client.vas.validation.cable(...)"),
    "electricity.validate": ("validate", "client.vas.validation.electricity(...)"),
}


@attrs.frozen
class Request:
    """Where each argument of one call goes."""

    path_params: Mapping[str, str]
    params: Mapping[str, Any] | None
    json: dict[str, Any] | None


def operation(generation: Generation, name: str) -> Operation:
    """The generation's declaration of operation ``name``.

    Raises:
        UnsupportedOperationError: the generation does not declare it (before any I/O).
    """
    found = generation.operations.get(name)
    if found is not None:
        return found
    versions = generations_with(name)
    where = ", ".join(repr(v) for v in versions) or "no published generation"
    msg = (
        f"{name} is not part of Dancity api_version {generation.api_version!r}; it exists in "
        f"{where}: choose one with AsyncDancityClient(api_version=...)"
    )
    instead = _INSTEAD.get(name)
    if instead is not None and instead[0] in generation.operations:
        msg += f"; with {generation.api_version!r} call {instead[1]}"
    raise UnsupportedOperationError(
        msg, operation=name, api_version=generation.api_version, available_in=versions
    )


def _not_taken(generation: Generation, op: Operation, arg: str) -> InvalidInputError:
    takers = tuple(
        version
        for version, g in GENERATIONS.items()
        if op.name in g.operations
        and (g.operations[op.name].field(arg) or _path_arg(g.operations[op.name], arg))
    )
    where = ", ".join(repr(v) for v in takers)
    taken = f"only api_version {where} takes it" if takers else "no published generation takes it"
    msg = (
        f"{arg} is not part of {op.name} in Dancity api_version {generation.api_version!r} "
        f"({taken}); leave it out, or choose that generation with api_version=..."
    )
    return InvalidInputError(msg, field=arg)


def _missing(generation: Generation, op: Operation, field: Field) -> InvalidInputError:
    msg = (
        f"{field.arg} is required for {op.name} by Dancity api_version "
        f"{generation.api_version!r} (sent as {field.name!r}); pass {field.arg}=..."
    )
    return InvalidInputError(msg, field=field.arg)


def _path_arg(op: Operation, arg: str) -> str | None:
    return next((name for name, a in op.path_params if a == arg), None)


def _check_declared(generation: Generation, op: Operation, field: Field, value: object) -> None:
    """Refuse a value outside what the description declares for ``field`` (before any I/O).

    Every ``enum``, ``minimum``, ``maximum``, ``minLength``, ``maxLength`` and ``pattern``
    comes from the field's declaration in ``_spec``, as does a ``date-time`` field's format;
    nothing here is per method. A PIN's
    value is never shown, only its length.
    """
    problem = _violation(field, value)
    if problem is None:
        return
    msg = f"{field.arg} {problem} for {op.name} in Dancity api_version {generation.api_version!r}"
    raise InvalidInputError(msg, field=field.arg)


def _violation(field: Field, value: object) -> str | None:
    shown = "(not shown)" if field.arg == "pin" else repr(value)[:_ECHO]
    if field.enum and value not in field.enum:
        return f"must be one of {', '.join(repr(v) for v in field.enum)}; got {shown}"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _number_violation(field, value, shown)
    if isinstance(value, str):
        return _text_violation(field, value, shown)
    return None


def _number_violation(field: Field, value: float | Decimal, shown: str) -> str | None:
    unit = "₦" if field.kind == "money" else ""
    if field.minimum is not None and value < field.minimum:
        return f"must be at least {unit}{field.minimum}; got {unit}{shown}"
    if field.maximum is not None and value > field.maximum:
        return f"must be at most {unit}{field.maximum}; got {unit}{shown}"
    return None


def _text_violation(field: Field, value: str, shown: str) -> str | None:
    if field.kind == "datetime" and not _is_date_time(value):
        return f"must be an ISO 8601 date-time (e.g. 2026-06-01T00:00:00Z); got {shown}"
    low, high = field.min_length, field.max_length
    if low is not None and low == high and len(value) != low:
        return f"must be exactly {low} characters long; got {len(value)}"
    if low is not None and len(value) < low:
        return f"must be at least {low} characters long; got {len(value)}"
    if high is not None and len(value) > high:
        return f"must be at most {high} characters long; got {len(value)}"
    if field.pattern is not None and re.fullmatch(field.pattern, value) is None:
        return f"must match {field.pattern!r}; got {shown}"
    return None


def _is_date_time(text: str) -> bool:
    """Whether ``text`` reads as the ``date-time`` (or a date) the descriptions declare."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _place(
    generation: Generation, op: Operation, fields: tuple[Field, ...], given: Mapping[str, object]
) -> dict[str, Any]:
    """The fields' wire names and values, in the order the description lists them."""
    placed: dict[str, Any] = {}
    for field in fields:
        value = given.get(field.arg)
        if value is None:
            value = field.default
        if value is not None:
            _check_declared(generation, op, field, value)
            placed[field.name] = value
    return placed


def build(generation: Generation, op: Operation, values: Mapping[str, object]) -> Request:
    """Place each given argument (``None`` = not given) as ``op`` declares it.

    Raises:
        InvalidInputError: an argument ``op`` does not take in this generation (naming the
            generations that do), a required one is missing, or a value is outside what
            the generation's description declares (enum, bounds, length, pattern).
    """
    given = {arg: value for arg, value in values.items() if value is not None}
    path: dict[str, str] = {}
    for arg, value in given.items():
        placeholder = _path_arg(op, arg)
        if placeholder is not None:
            path[placeholder] = str(value)
        elif op.field(arg) is None:
            raise _not_taken(generation, op, arg)
    for field in (*op.body_fields, *op.query_fields):
        if field.required and field.default is None and field.arg not in given:
            raise _missing(generation, op, field)
    body = _place(generation, op, op.body_fields, given)
    query = _place(generation, op, op.query_fields, given)
    has_body = bool(op.body_fields) or op.open_body
    return Request(path_params=path, params=query or None, json=body if has_body else None)
