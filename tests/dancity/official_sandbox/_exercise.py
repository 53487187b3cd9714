"""Play every row of the operations table against one sandbox, through the typed client.

``play`` sends each row the generation can play (``tests.dancity._operations.rows_of``), in
table order, with the typed method the row names, to a fresh sandbox in-process. It keeps:

* each answer, so later rows read what earlier ones returned (a ``Ref``), and checks it
  against the row's ``expect``;
* every HTTP exchange, each request validated against the official description
  (openapi-core) and each answer against the official response shapes (``_shapes``);
* which declared operations the requests reached (matched on the wire, not on the rows).

Failures are collected, not raised, so a run reports them all; a row whose ``Ref`` points at
a failed row fails too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl

import httpx
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from dancity_sdk import AsyncDancityClient, _spec
from dancity_sdk.testing import DancitySandbox
from tests.dancity._operations import (
    SAMPLES,
    Row,
    Scene,
    arguments,
    method_of,
    positional,
    rows_of,
)
from tests.dancity.official_sandbox._shapes import official_shapes

#: The host the descriptions name; each request is validated as if sent there.
SERVER: Final = "https://api.dancity.app"
#: ``SAMPLES`` with the sandbox's own transaction PIN.
SANDBOX_SAMPLES: Final = {**SAMPLES, "pin": DancitySandbox.PIN}


@dataclass
class Run:
    """What one play did: the operations reached, the purchases made, what went wrong."""

    api_version: str
    sandbox: DancitySandbox
    covered: set[str] = field(default_factory=set)
    responses: int = 0
    purchases: int = 0
    failures: list[str] = field(default_factory=list)
    request_violations: list[str] = field(default_factory=list)
    response_violations: list[str] = field(default_factory=list)


class _Wire:
    """An httpx response hook: names each exchange's operation and validates both directions."""

    def __init__(self, run: Run) -> None:
        generation = _spec.GENERATIONS[run.api_version]
        self.run = run
        self.openapi = OpenAPI.from_dict(official_shapes(run.api_version))
        self.routes = [
            (op.method, re.compile(re.sub(r"\{[^}]+\}", "[^/]+", generation.prefix + op.path)), n)
            for n, op in generation.operations.items()
        ]

    def _name(self, request: httpx.Request) -> str:
        for method, pattern, name in self.routes:
            if request.method == method and pattern.fullmatch(request.url.path):
                return name
        return f"{request.method} {request.url.path} (undeclared)"

    async def __call__(self, response: httpx.Response) -> None:
        await response.aread()
        request = response.request
        name = self._name(request)
        self.run.covered.add(name)
        self.run.responses += 1
        checked = MockRequest(
            SERVER,
            request.method.lower(),
            request.url.path,
            args=dict(parse_qsl(request.url.query.decode())),
            headers=dict(request.headers),
            data=request.content,
        )
        _check(self.run.request_violations, name, lambda: self.openapi.validate_request(checked))
        # One finding per answer: a refused valid request, or a body off the official shape.
        problems: list[str] = []
        if response.status_code >= 300:
            problems.append(f"HTTP {response.status_code} {response.text[:200]}")
        answer = MockResponse(response.content, response.status_code)
        _check(problems, name, lambda: self.openapi.validate_response(checked, answer))
        if problems:
            self.run.response_violations.append(f"{name}: " + " | ".join(problems))


def _check(into: list[str], name: str, validate: Callable[[], None]) -> None:
    try:
        validate()
    except Exception as error:
        cause = error.__cause__ or error
        details = getattr(cause, "schema_errors", None) or [cause]
        text = "; ".join(str(detail).splitlines()[0] for detail in details)
        into.append(f"{name}: {type(error).__name__}: {text[:300]}")


async def _play_rows(dc: AsyncDancityClient, run: Run, rows: Iterable[Row]) -> None:
    generation = _spec.GENERATIONS[run.api_version]
    scene = Scene(run.sandbox)
    for row in rows:
        op = generation.operations[row.operation]
        try:
            args = positional(row, scene)
            kwargs = arguments(row, op, full=False, samples=SANDBOX_SAMPLES, scene=scene)
            answer: Any = await method_of(dc, row)(*args, **kwargs)
        except Exception as error:  # collected: the run goes on and reports every failure
            run.failures.append(f"{row.id}: {type(error).__name__}: {error}")
            continue
        scene.answers[row.id] = answer
        scene.purchases += op.is_purchase
        run.purchases = scene.purchases
        for check in row.expect:
            try:
                holds, why = check.holds(answer, scene), ""
            except Exception as error:  # an answer without the attribute the check reads
                holds, why = False, f" ({type(error).__name__}: {error})"
            if not holds:
                run.failures.append(f"{row.id}: expected {check!r} of {answer!r}{why}")


async def play(api_version: str, *, seed: int = 8, rows: Iterable[Row] | None = None) -> Run:
    """Play ``rows`` (the generation's, by default) against a fresh sandbox."""
    sandbox = DancitySandbox(api_version=api_version, seed=seed)
    run = Run(api_version, sandbox)
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    hooks: dict[str, list[Any]] = {"response": [_Wire(run)]}
    async with (
        httpx.AsyncClient(transport=transport, event_hooks=hooks) as http,
        AsyncDancityClient(
            sandbox.api_key, base_url=sandbox.base_url, http_client=http, api_version=api_version
        ) as dc,
    ):
        await _play_rows(dc, run, rows_of(api_version) if rows is None else rows)
    return run
