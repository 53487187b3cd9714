"""A client whose transport records what it sends and answers with a fixed body.

The calls themselves (one row per typed method) are in ``tests.dancity._operations``.
"""

from __future__ import annotations

import json
from typing import Any, Final

import httpx

from dancity_sdk import AsyncDancityClient, RetryPolicy
from dancity_sdk._spec import GENERATIONS, Operation
from tests.dancity.official import _official

KEY: Final = "dcy_live_" + "ab" * 20
JWT: Final = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl"


def example_body(api_version: str, op: Operation) -> Any:
    """A success body to answer with: the description's own example when it has one."""
    for version in (api_version, "2026-05-09", "2026-05-31"):
        generation = GENERATIONS[version]
        if op.name not in generation.operations:
            continue
        declared = generation.operations[op.name]
        raw = _official.operations(version).get(
            (declared.method, generation.prefix + declared.path)
        )
        for _, body in _official.success_examples(version, raw or {}):
            return body
    return {"success": True, "message": "OK", "data": {}}


class Recorder:
    """An httpx transport that answers with a fixed body and keeps every request."""

    def __init__(self, body: Any, status: int = 200) -> None:
        self.body = body
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, content=json.dumps(self.body).encode())


def client(recorder: Recorder, api_version: str) -> AsyncDancityClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return AsyncDancityClient(
        KEY,
        jwt=JWT,
        api_version=api_version,
        http_client=http,
        retry=RetryPolicy(max_retries=0),
        throttle=False,
    )
