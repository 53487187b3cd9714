"""The vendored official descriptions, read for the tests (never edited)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Final

DATA: Final = Path(__file__).resolve().parents[2] / "data" / "dancity-openapi"
COMMITS: Final = {"2026-04-27": "a868848", "2026-05-09": "c9b303d", "2026-05-31": "c3ab95a"}
METHODS: Final = ("get", "post", "put", "patch", "delete")


@functools.cache
def description(api_version: str) -> dict[str, Any]:
    """The generation's ``openapi.json`` as published."""
    path = DATA / COMMITS[api_version] / "openapi.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow ``$ref`` pointers inside one description."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for key in node["$ref"].removeprefix("#/").split("/"):
            target = target[key]
        node = target
    return node


def operations(api_version: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Every operation of a description, by ``(METHOD, full path)``."""
    doc = description(api_version)
    return {
        (method.upper(), path): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def body_schema(api_version: str, op: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON request body schema of an operation, resolved."""
    body = op.get("requestBody")
    if body is None:
        return None
    doc = description(api_version)
    schema: dict[str, Any] = resolve(
        doc, resolve(doc, body)["content"]["application/json"]["schema"]
    )
    return schema


def parameters(api_version: str, op: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """An operation's parameters of one location (``query``, ``path``, ``header``), by name."""
    doc = description(api_version)
    found = (resolve(doc, p) for p in op.get("parameters", []))
    return {p["name"]: p for p in found if p["in"] == where}


def success_examples(api_version: str, op: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every example of the operation's 2xx responses, as ``(name, body)``."""
    doc = description(api_version)
    found: list[tuple[str, Any]] = []
    for status, response in op.get("responses", {}).items():
        if not status.startswith("2"):
            continue
        content = resolve(doc, response).get("content", {}).get("application/json", {})
        if "example" in content:
            found.append((f"{status}", content["example"]))
        for name, example in content.get("examples", {}).items():
            found.append((f"{status}:{name}", resolve(doc, example)["value"]))
    return found


#: The response examples published beside a description, by the operation that answers them.
EXAMPLE_FILES: Final = {
    "airtime-buy.response.json": ("2026-05-31", "airtime.buy"),
    "data-buy.response.json": ("2026-05-31", "data.buy"),
    "plans-cable-gotv.response.json": ("2026-05-31", "plans.cable"),
    "plans-data-mtn-gifting.response.json": ("2026-05-31", "plans.data"),
}


def example_file(name: str) -> Any:
    """A response example file published beside the 2026-05-31 description."""
    return json.loads((DATA / "c3ab95a" / "examples" / name).read_text(encoding="utf-8"))
