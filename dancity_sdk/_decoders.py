"""Interim: what a call makes of a success body, until the shared pipeline decodes it.

The shared pipeline (``shared_auth``) is taking over response decoding with this very
interface (``One(Model, at=keys)``, ``Many(Model, at=keys)``); resources already speak it,
so switching is an import change and the removal of this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from shared_auth import APIObject, ResultList, attach_rate_limit

if TYPE_CHECKING:
    import cattrs

    from shared_auth import Reply

__all__ = ["Many", "One", "Unreadable"]

_M = TypeVar("_M", bound=APIObject)


class Unreadable(Exception):  # noqa: N818 - mirrors the shared pipeline's name
    """A success body that does not hold what the call expected."""

    def __init__(self, what: str, errors: list[str] | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.errors = errors or []


def _locate(data: Any, at: tuple[str, ...]) -> Any:
    if not at:
        return data
    if isinstance(data, Mapping):
        for key in at:
            if key in data:
                return data[key]
    raise Unreadable(f"has no {' or '.join(repr(k) for k in at)} field")


def _structure(converter: cattrs.Converter, value: Any, model: type[_M]) -> _M:
    try:
        return converter.structure(value, model)
    except Exception as exc:
        from cattrs import BaseValidationError, transform_error  # noqa: PLC0415

        if isinstance(exc, BaseValidationError):
            errors = transform_error(exc, path="$")
        elif isinstance(exc, TypeError | ValueError):
            errors = [str(exc)]
        else:
            raise
        raise Unreadable(f"is not a valid {model.__name__}", errors) from exc


@attrs.frozen
class One(Generic[_M]):
    """One model, from the body or from the first key of ``at`` present in it."""

    model: type[_M]
    at: tuple[str, ...] = ()

    def decode(self, data: Any, reply: Reply, converter: cattrs.Converter) -> _M:
        """Structure the located value into ``model``."""
        return attach_rate_limit(_structure(converter, _locate(data, self.at), self.model), reply)


@attrs.frozen
class Many(Generic[_M]):
    """A list of models at the first key of ``at`` present (or the body itself)."""

    model: type[_M]
    at: tuple[str, ...] = ()

    def decode(self, data: Any, reply: Reply, converter: cattrs.Converter) -> ResultList[_M]:
        """Structure each row of the located list into ``model``."""
        rows = _locate(data, self.at)
        if not isinstance(rows, list):
            raise Unreadable(f"holds a {type(rows).__name__} where a list was expected")
        items = [attach_rate_limit(_structure(converter, r, self.model), reply) for r in rows]
        return ResultList(items, reply)
