"""The official response shapes as schemas: the published ones, else ones read off the examples.

Most responses in the official descriptions carry only an ``example``. An example is still
the description's word on the shape, so each one without a ``schema`` gets one derived from
it (in a copy: the vendored files are never edited):

* an object requires every key the example shows, each with the example value's JSON type;
  further keys are allowed (an example shows one answer, not every field);
* an array's items take the shape of the example's items (keys common to all of them);
* ``null`` in an example says nothing about the type, and any field may be ``null`` (one
  example cannot show which fields are nullable).

A published ``schema`` is used as is (``2026-05-31``'s plan rows forbid any other key).
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Final

from tests.dancity.official import _official

JSON: Final = "application/json"


def derived_schema(example: Any) -> dict[str, Any]:
    """The JSON schema the example shows (see the module docstring)."""
    if example is None:
        return {}
    if isinstance(example, bool):
        return {"type": ["boolean", "null"]}
    if isinstance(example, int | float):
        return {"type": ["number", "null"]}
    if isinstance(example, str):
        return {"type": ["string", "null"]}
    if isinstance(example, list):
        return _array(example)
    properties = {key: derived_schema(value) for key, value in example.items()}
    return {"type": ["object", "null"], "required": sorted(example), "properties": properties}


def _array(example: list[Any]) -> dict[str, Any]:
    if not example:
        return {"type": ["array", "null"]}
    if all(isinstance(item, dict) for item in example):
        common = set.intersection(*(set(item) for item in example))
        merged = {key: example[0][key] for key in common}
        return {"type": ["array", "null"], "items": derived_schema(merged)}
    return {"type": ["array", "null"], "items": derived_schema(example[0])}


def _example_of(media: dict[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    examples = media.get("examples") or {}
    first = next(iter(examples.values()), None)
    return first.get("value") if isinstance(first, dict) else None


@functools.cache
def official_shapes(api_version: str) -> dict[str, Any]:
    """The generation's description with a schema on every example-only JSON response."""
    doc = copy.deepcopy(_official.description(api_version))
    for item in doc["paths"].values():
        for method, operation in item.items():
            if method not in _official.METHODS:
                continue
            for response in operation.get("responses", {}).values():
                media = response.get("content", {}).get(JSON)
                if media is None or "schema" in media:
                    continue
                example = _example_of(media)
                if example is not None:
                    schema = derived_schema(example)
                    schema["type"] = "object"  # the body itself is never null
                    media["schema"] = schema
    return doc


def shaped_responses(api_version: str) -> int:
    """How many responses of the description have a schema to check answers against."""
    doc = official_shapes(api_version)
    return sum(
        1
        for item in doc["paths"].values()
        for method, operation in item.items()
        if method in _official.METHODS
        for response in operation.get("responses", {}).values()
        if "schema" in response.get("content", {}).get(JSON, {})
    )
