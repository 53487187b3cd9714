"""What every handler of the Dancity sandbox reads: its state, the caller, bodies, paging."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from dancity_sdk.testing import _esim
from dancity_sdk.testing._access import Allowlist, Clock, JwtSigner, KeyRing
from dancity_sdk.testing._cards import (
    CardStore,
)
from dancity_sdk.testing._catalog import Catalog
from dancity_sdk.testing._faults import FaultQueue
from dancity_sdk.testing._ledger import STATUSES, Ledger, SearchFilter
from dancity_sdk.testing._ratelimit import RateLimiter
from dancity_sdk.testing._webhooks import Outbox
from dancity_sdk.testing._wire import (
    JsonObject,
    loads,
    nest_error,
    parse_iso,
    validation_error,
)

_MAX_PAGE_SIZE: Final = 100
_DEFAULT_PAGE_SIZE: Final = 10
_ESIM_PAGE_SIZE: Final = 20
_DAY: Final = 24 * 3600


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the account's user and the ``channel`` header (``""`` when absent)."""

    user_id: str
    channel: str = ""


@dataclass(frozen=True, slots=True)
class SandboxState:
    """Everything one sandbox instance owns; the routes only ever see this."""

    keys: KeyRing
    allowlist: Allowlist
    jwt: JwtSigner
    limiter: RateLimiter
    ledger: Ledger
    outbox: Outbox
    faults: FaultQueue
    catalog: Catalog
    esims: _esim.EsimStore
    cards: CardStore
    clock: Clock


Handler = Callable[[Request, Caller], Awaitable[Response]]


async def json_body(request: Request) -> JsonObject:
    """The JSON object body (``{}`` when empty).

    Raises:
        ApiError: 400 when the body is not a JSON object.
    """
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = loads(raw)
    except ValueError as exc:
        raise nest_error(400, "Unexpected token in JSON body") from exc
    if not isinstance(body, dict):
        raise nest_error(400, "Request body must be a JSON object")
    return body


def path_value(request: Request) -> str:
    """The operation's one path parameter, whatever the description calls it."""
    return str(next(iter(request.path_params.values()), ""))


def _positive_int(params: QueryParams, name: str, default: int, errors: list[str]) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        errors.append(f"{name} must be a positive integer")
        return default
    return int(raw)


def _date(params: QueryParams, name: str, errors: list[str]) -> float | None:
    raw = params.get(name)
    if not raw:
        return None
    parsed = parse_iso(raw)
    if parsed is None:
        errors.append(f"{name} must be a valid ISO 8601 date string")
    return parsed


def _one_of(
    params: QueryParams, name: str, options: tuple[str, ...], errors: list[str]
) -> str | None:
    raw = params.get(name) or None
    if raw is not None and raw.upper() not in options:
        errors.append(f"{name} must be one of the following values: {', '.join(options)}")
    return raw


def _paging(params: QueryParams, default: int) -> tuple[int, int, list[str]]:
    errors: list[str] = []
    page = _positive_int(params, "page", 1, errors)
    limit = _positive_int(params, "limit", default, errors)
    if limit > _MAX_PAGE_SIZE:
        errors.append(f"limit must not be greater than {_MAX_PAGE_SIZE}")
    return page, limit, errors


def search_filter(params: QueryParams) -> tuple[int, int, SearchFilter]:
    """Parse ``page``, ``limit`` and the filters of ``GET /transactions``."""
    page, limit, errors = _paging(params, _DEFAULT_PAGE_SIZE)
    query = SearchFilter(
        start=_date(params, "start_date", errors),
        end=_date(params, "end_date", errors),
        service=params.get("service") or None,
        status=_one_of(params, "status", STATUSES, errors),
        tranx_type=_one_of(params, "tranxType", ("DEBIT", "CREDIT"), errors),
        text=params.get("query") or None,
    )
    if errors:
        raise validation_error(errors)
    return page, limit, query


def pagination(page: int, limit: int, total: int) -> JsonObject:
    """The documented pagination block (``pages`` kept for older readers)."""
    pages = math.ceil(total / limit)
    return {
        "page": page,
        "limit": limit,
        "total": total,
        "pages": pages,
        "totalPages": pages,
        "hasPrevious": page > 1,
        "hasNext": page < pages,
    }


def _text_query(params: QueryParams, name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise validation_error([f"{name} should not be empty"])
    return value
