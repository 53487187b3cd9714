"""Transactions of both families: list a page, walk every page lazily, requery, reconcile."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypedDict, Unpack

import attrs

from dancity_sdk import _validation as check
from dancity_sdk._errors import ReconcileTimeoutError
from dancity_sdk._exceptions import PaginationError
from dancity_sdk._models import Pagination, Transaction, TransactionPage, TransactionStatus
from dancity_sdk._resources._base import TRANSACTION, Resource
from dancity_sdk._spec import APP_OPERATIONS, APP_PREFIX, Generation
from shared_auth import (
    APIConnectionError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
)
from shared_auth._decode import One

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from dancity_sdk._spec import Operation
    from shared_auth import APIError

__all__ = [
    "APP_GENERATION",
    "AppTransactionsResource",
    "MerchantTransactionFilters",
    "TransactionFilters",
    "TransactionsResource",
]

_PAGE: Final = One(TransactionPage, at=("data",))
#: The descriptions' default page size, to tell a last page when no pagination is sent.
_DEFAULT_LIMIT: Final = 10
#: ``iterate()``'s default guard against a server that keeps announcing another page:
#: 10,000 transactions at the default page size, 100,000 at ``limit=100``.
DEFAULT_MAX_PAGES: Final = 1000


class TransactionFilters(TypedDict, total=False):
    """What a transaction listing is narrowed to (``**filters`` of ``list()``/``iterate()``).

    ``client.app.transactions`` takes these; ``client.vas.transactions`` takes
    [MerchantTransactionFilters][dancity_sdk.MerchantTransactionFilters]. A filter the
    selected generation does not declare is refused before any I/O.

    Attributes:
        limit: Rows per page (at most 100 per the docs; the API's default is 10).
        start_date: From this moment: an aware ``datetime`` or an ISO 8601 string.
        end_date: Up to this moment: an aware ``datetime`` or an ISO 8601 string.
        service: The service, e.g. ``"DATA"`` (VAS: api_version 2026-04-27 only).
        status: The status, e.g. ``TransactionStatus.SUCCESS`` (VAS: 2026-04-27 only).
        tranx_type: ``"DEBIT"`` or ``"CREDIT"`` (VAS: 2026-04-27 only).
        query: Free-text search (VAS: 2026-04-27 only).
    """

    limit: int | None
    start_date: datetime | str | None
    end_date: datetime | str | None
    service: str | None
    status: TransactionStatus | str | None
    tranx_type: str | None
    query: str | None


class MerchantTransactionFilters(TransactionFilters, total=False):
    """The filters of ``client.vas.transactions``: those of ``client.app.transactions``, and two.

    Every [TransactionFilters][dancity_sdk.TransactionFilters] option, and these.

    Attributes:
        use_filter: Apply the filters (sent as ``filter``; api_version 2026-04-27 only).
        is_bulk: Only bulk (or only single) purchases (api_version 2026-04-27 only).
    """

    use_filter: bool | None
    is_bulk: bool | None


#: Each filter's check (``page`` included), made before any I/O.
_CHECKS: Final[Mapping[str, Callable[..., object]]] = {
    "page": check.optional_positive_int,
    "limit": check.optional_positive_int,
    "start_date": check.optional_timestamp,
    "end_date": check.optional_timestamp,
    "service": check.optional_text,
    "status": check.optional_text,
    "tranx_type": check.optional_text,
    "query": check.optional_text,
    "use_filter": check.optional_bool,
    "is_bulk": check.optional_bool,
}


def _checked(filters: Mapping[str, object]) -> dict[str, Any]:
    """The given filters, each checked (in a fixed order: the first bad one is reported)."""
    return {
        name: checker(filters[name], field=name)
        for name, checker in _CHECKS.items()
        if name in filters
    }


def _total_pages(info: Pagination) -> int | None:
    """The page count a pagination block announces (``totalPages``, or an older ``pages``)."""
    if info.total_pages is not None:
        return info.total_pages
    pages = info.extra.get("pages")
    return pages if isinstance(pages, int) and not isinstance(pages, bool) else None


def _is_last(page: TransactionPage, number: int, limit: int | None) -> bool:
    """Whether no page follows ``page`` (by its pagination, else by a short page).

    Either announcement of the end counts: ``hasNext: false``, or a page number that
    reached the announced page count (a server that says ``hasNext: true`` on page 6 of 6
    is not followed to page 7).
    """
    if not page.transactions:
        return True
    info = page.pagination
    if info is None or (info.has_next is None and _total_pages(info) is None):
        return len(page.transactions) < (limit or _DEFAULT_LIMIT)
    if info.has_next is False:
        return True
    total = _total_pages(info)
    return total is not None and number >= total


def _identity(tx: Transaction) -> str | None:
    """What tells one transaction row from another across pages (``None``: nothing does)."""
    return tx.mongo_id or tx.tranx_id or tx.transaction_id


class _Pages(Resource):
    """Listing and requerying, shared by the VAS and App transaction resources."""

    __slots__ = ()

    #: The ``TypedDict`` of the ``**filters`` its ``list()`` and ``iterate()`` take.
    _filters: ClassVar[object] = TransactionFilters

    async def _list(self, page: int | None, filters: Mapping[str, object]) -> TransactionPage:
        self._refuse_unknown(filters, self._filters, "transactions.list")
        return await self._page(_checked({**filters, "page": page}))

    def _iterate(
        self, max_pages: int | None, filters: Mapping[str, object]
    ) -> AsyncIterator[Transaction]:
        self._refuse_unknown(filters, self._filters, "transactions.iterate")
        pages = check.optional_positive_int(max_pages, field="max_pages")
        return self._walk(_checked(filters), pages)

    def _list_operation(self) -> Operation:
        return self._operation("transactions.list")

    def _get_operation(self) -> Operation:
        return self._operation("transactions.get")

    async def _page(self, filters: dict[str, Any]) -> TransactionPage:
        return await self._send(self._list_operation(), _PAGE, **filters)

    async def _walk(
        self, filters: dict[str, Any], max_pages: int | None
    ) -> AsyncIterator[Transaction]:
        # Each page is requested when the previous one is used up; a filter the generation
        # lacks is refused by the first request's build, before anything is sent. The walk
        # ends on the last page by the server's own account, and also on the signs of a
        # server that loops: a page number that does not advance, a page of rows already
        # seen. Rows already yielded are not yielded again (newest-first listings shift
        # under offset pagination when transactions arrive during the walk).
        number, limit = 1, filters.get("limit")
        reported: int | None = None
        seen: set[str] = set()
        while True:
            page = await self._page({**filters, "page": number})
            info = page.pagination
            if info is not None and info.page is not None:
                if reported is not None and info.page <= reported:
                    return  # the server answered an earlier page again: it ignores ``page``
                reported = info.page
            fresh = False
            for tx in page.transactions:
                identity = _identity(tx)
                if identity is not None:
                    if identity in seen:
                        continue
                    seen.add(identity)
                fresh = True
                yield tx
            if _is_last(page, number, limit) or not fresh:
                return
            if max_pages is not None and number >= max_pages:
                raise self._looping(number, max_pages)
            number += 1

    def _looping(self, pages: int, max_pages: int) -> PaginationError:
        op = self._list_operation()
        msg = (
            f"the transaction listing still announced another page after {pages} pages "
            f"(max_pages={max_pages}); the rows of those pages were yielded. If the list "
            "really is that long, pass a larger max_pages= (or max_pages=None for no limit), "
            "or narrow it with start_date=/end_date=; otherwise the server is looping"
        )
        return PaginationError(
            msg, pages=pages, max_pages=max_pages, method=op.method, path=op.path
        )

    async def get(self, transaction_id: str, /) -> Transaction:
        """Requery one transaction by ``_id``, ``tranxId`` or ``customerRef`` (latest match).

        Raises:
            NotFoundError: no transaction matches.
        """
        ident = check.text(transaction_id, field="transaction_id")
        return await self._send(self._get_operation(), TRANSACTION, transaction_id=ident)


class TransactionsResource(_Pages):
    """``client.vas.transactions``: list, walk, requery and reconcile.

    Filters are the query parameters the selected generation declares (2026-04-27 also
    takes ``service``, ``status``, ``tranx_type``, ``query``, ``use_filter``,
    ``is_bulk``); one it lacks is refused before I/O.
    """

    __slots__ = ()
    _filters = MerchantTransactionFilters

    async def list(
        self, *, page: int | None = None, **filters: Unpack[MerchantTransactionFilters]
    ) -> TransactionPage:
        """One page of transactions, newest first (``limit`` at most 100 per the docs).

        Args:
            page: The page, from 1.
            **filters: See [MerchantTransactionFilters][dancity_sdk.MerchantTransactionFilters].
        """
        return await self._list(page, filters)

    def iterate(
        self,
        *,
        max_pages: int | None = DEFAULT_MAX_PAGES,
        **filters: Unpack[MerchantTransactionFilters],
    ) -> AsyncIterator[Transaction]:
        """Every matching transaction, page after page, each page fetched when reached.

        Use it with ``async for``::

            async for tx in client.vas.transactions.iterate(limit=100):
                ...

        The walk ends after the last page: the one whose ``pagination.hasNext`` is false
        or whose number reaches ``totalPages`` (without pagination, a short page), an
        empty page, a page whose number does not advance, or a page whose rows were all
        seen already. A row seen on an earlier page is not yielded twice.

        Args:
            max_pages: How many pages are read at most (default 1000: 10,000 rows at the
                default page size) before a listing that still announces another page is
                taken for a looping server; ``None`` reads on without a limit.
            **filters: See [MerchantTransactionFilters][dancity_sdk.MerchantTransactionFilters].

        Raises:
            PaginationError: ``max_pages`` pages were read and the listing still announced
                another (the rows read so far were yielded).
        """
        return self._iterate(max_pages, filters)

    async def reconcile(
        self,
        customer_ref: str,
        /,
        *,
        interval: float = 15.0,
        timeout: float = 300.0,  # noqa: ASYNC109 - a polling budget, not a cancel scope
    ) -> Transaction:
        """Requery until the transaction leaves ``PENDING``/``PROCESSING``, and return it.

        Use it after `OutcomeUnknownError` (``error.reference``) or a pending buy, instead
        of buying again. The docs advise polling every 10 to 30 seconds.

        A requery that fails for a passing reason (a 5xx, a 429, a timeout, a broken
        connection, a 2xx whose body is cut off or not JSON) is polled through until
        ``timeout``; any other error (a 401, a body that is JSON but not a transaction)
        is raised at once.

        Raises:
            ReconcileTimeoutError: still open, never found, or never readable after
                ``timeout`` seconds; its ``transaction`` is the latest record seen (``None``
                if never found), its ``last_failure`` (also its ``__cause__``) the latest
                passing failure, if any, which the message names.
        """
        import anyio  # noqa: PLC0415 - loaded with the client already; kept off import time

        ref = check.text(customer_ref, field="customer_ref")
        interval = check.seconds(interval, field="interval")
        timeout = check.seconds(timeout, field="timeout", positive=False)
        deadline = anyio.current_time() + timeout
        latest: Transaction | None = None
        found = False
        polls = failed = 0
        last_failure: APIError | None = None
        while True:
            polls += 1
            wait = interval
            try:
                latest, found = await self.get(ref), True
            except NotFoundError:
                latest = None  # not recorded (yet): the purchase may never have arrived
            except (APIConnectionError, InternalServerError, RateLimitError) as exc:
                failed, last_failure = failed + 1, exc
                if isinstance(exc, RateLimitError) and exc.retry_after is not None:
                    wait = max(interval, exc.retry_after)
            except ResponseValidationError as exc:
                if exc.errors:  # JSON that is not a transaction: it would fail again
                    raise
                failed, last_failure = failed + 1, exc
            else:
                if not latest.pending:
                    return latest
            if anyio.current_time() + wait > deadline:
                tally = _Tally(polls=polls, failed=failed, found=found)
                raise _reconcile_timeout(ref, latest, timeout, tally, last_failure)
            await anyio.sleep(wait)


@attrs.frozen
class _Tally:
    """What a reconcile saw: its polls, how many failed, whether the record was ever found."""

    polls: int
    failed: int
    found: bool


def _reconcile_timeout(
    ref: str,
    latest: Transaction | None,
    timeout: float,
    tally: _Tally,
    last_failure: APIError | None,
) -> ReconcileTimeoutError:
    if latest is not None:
        state = f"it is still {latest.status}"
    elif tally.failed == tally.polls:
        state = "no requery could be read"
    elif tally.found:
        state = "the transaction could not be read again"
    else:
        state = "no transaction has this reference (the purchase most likely never reached Dancity)"
    msg = f"reconciling {ref!r} gave up after {timeout}s: {state}"
    if last_failure is not None:
        msg += (
            f"; {tally.failed} of {tally.polls} requeries failed, the last with "
            f"{type(last_failure).__name__}: {last_failure}"
        )
    error = ReconcileTimeoutError(msg, reference=ref, transaction=latest, last_failure=last_failure)
    error.__cause__ = last_failure
    return error


#: The App family is the same in every generation: a generation holding only its routes.
APP_GENERATION: Final = Generation("app", "-", APP_PREFIX, APP_OPERATIONS)


class AppTransactionsResource(_Pages):
    """``client.app.transactions``: the signed-in user's transactions (JWT)."""

    __slots__ = ()
    _namespace = "client.app"

    async def list(
        self, *, page: int | None = None, **filters: Unpack[TransactionFilters]
    ) -> TransactionPage:
        """One page of the user's transactions (``GET /api/transactions``).

        Args:
            page: The page, from 1.
            **filters: See [TransactionFilters][dancity_sdk.TransactionFilters].
        """
        return await self._list(page, filters)

    def iterate(
        self, *, max_pages: int | None = DEFAULT_MAX_PAGES, **filters: Unpack[TransactionFilters]
    ) -> AsyncIterator[Transaction]:
        """Every matching transaction of the user, each page fetched when reached.

        Ends as ``client.vas.transactions.iterate()`` does, with the same ``max_pages``
        guard (a [`PaginationError`][shared_auth.PaginationError] past it).
        """
        return self._iterate(max_pages, filters)
