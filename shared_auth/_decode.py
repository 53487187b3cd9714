"""What a call makes of a success body: the decoders resources hand to the pipeline.

A resource says *what* it wants (``One(Payment)``, ``Many(Service, at=("allServices",
"data"))``); the pipeline decodes the JSON, applies the API's envelope rule and calls the
decoder with the client's own converter. A decoder that cannot read the body raises
[`Unreadable`][shared_auth.Unreadable], and the pipeline decides what that means for the call (a
``ResponseValidationError`` on a read, an ``OutcomeUnknownError`` on a money-moving
request, whose 2xx means the money moved).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, TypeVar

import attrs

from shared_auth._outcomes import Unreadable
from shared_auth._reply import Reply

if TYPE_CHECKING:
    import cattrs

    from shared_auth._models import ResultList

__all__ = ["BODY", "Decoder", "Many", "One", "Raw"]

_T_co = TypeVar("_T_co", covariant=True)
_M = TypeVar("_M")

#: In ``at``: the whole body (for an API that sometimes wraps a list and sometimes not).
BODY: Final = ""


class Decoder(Protocol[_T_co]):
    """Turns a decoded success body into what the resource method returns."""

    def decode(self, data: object, reply: Reply, converter: cattrs.Converter) -> _T_co:
        """Build the result, or raise `Unreadable` naming what was wrong."""
        ...


def _locate(data: Any, at: tuple[str, ...]) -> tuple[str, Any]:
    """The JSON path and value under the first key of ``at`` present (``BODY``: ``data``)."""
    if not at:
        return "$", data
    for key in at:
        if key == BODY:
            return "$", data
        if isinstance(data, Mapping) and key in data:
            return f"$.{key}", data[key]
    names = " or ".join(repr(k) for k in at)
    raise Unreadable(f"has no {names} field")


def _structure_error(exc: Exception, what: str, path: str) -> Unreadable:
    # cattrs is loaded (the converter imported it); only the failure path names it.
    from cattrs import BaseValidationError, transform_error  # noqa: PLC0415

    if isinstance(exc, BaseValidationError):
        errors = transform_error(exc, path=path)
    else:
        errors = [f"{type(exc).__name__}: {exc} @ {path}"]
    return Unreadable(f"is not a valid {what}", errors=errors)


@attrs.frozen
class One(Generic[_M]):
    """One model, from the body or from the first key of ``at`` present in it.

    The model carries the response's metadata
    ([`APIObject.rate_limit`][shared_auth.APIObject.rate_limit],
    [`APIObject.request_id`][shared_auth.APIObject.request_id]), set when it is built.
    """

    model: type[_M]
    at: tuple[str, ...] = ()

    def decode(self, data: Any, reply: Reply, converter: cattrs.Converter) -> _M:
        """Structure the located value into ``model``."""
        from shared_auth._models import structure_top  # noqa: PLC0415 - loaded with models

        path, value = _locate(data, self.at)
        try:
            return structure_top(converter, value, self.model, reply)
        except Exception as exc:  # every structuring failure means "unreadable"
            raise _structure_error(exc, self.model.__name__, path) from exc


@attrs.frozen
class Many(Generic[_M]):
    """A list of models at the first key of ``at`` present (or the body itself)."""

    model: type[_M]
    at: tuple[str, ...] = ()

    def decode(self, data: Any, reply: Reply, converter: cattrs.Converter) -> ResultList[_M]:
        """Structure each row of the located list into ``model``."""
        from shared_auth._models import ResultList, structure_top  # noqa: PLC0415

        path, rows = _locate(data, self.at)
        if not isinstance(rows, list):
            raise Unreadable(f"holds a {type(rows).__name__} at {path} where a list was expected")
        model = self.model
        items: list[_M] = []
        for index, row in enumerate(rows):
            try:
                items.append(structure_top(converter, row, model, reply))
            except Exception as exc:  # every structuring failure means "unreadable"
                name = f"list of {model.__name__}"
                raise _structure_error(exc, name, f"{path}[{index}]") from exc
        return ResultList(items, reply)


@attrs.frozen
class Raw:
    """The decoded JSON body as it is (for the rare call whose shape the caller interprets)."""

    def decode(self, data: Any, reply: Reply, converter: cattrs.Converter) -> Any:
        """Return ``data`` unchanged."""
        del reply, converter
        return data
