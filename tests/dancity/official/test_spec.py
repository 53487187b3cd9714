"""The operation declarations agree with each official description, field by field."""

from __future__ import annotations

import re

import pytest

from dancity_sdk._spec import API_VERSIONS, GENERATIONS, Field, generations_with
from tests.dancity._operations import ROWS
from tests.dancity.official import _official

PURCHASE_LIMITED = {"airtime.buy", "data.buy", "cable.buy", "electricity.buy"}
#: Every keyword of a request field's schema that bounds its value.
CONSTRAINTS = ("enum", "minimum", "maximum", "minLength", "maxLength", "pattern")
#: How each declared ``kind`` is typed in the descriptions.
TYPES = {
    "string": ("string", None),
    "integer": ("integer", None),
    "number": ("number", None),
    "money": ("number", None),
    "boolean": ("boolean", None),
    "datetime": ("string", "date-time"),
}


def _described_constraints(schema: dict[str, object]) -> dict[str, object]:
    return {key: schema[key] for key in CONSTRAINTS if key in schema}


def _assert_field_matches(field: Field, schema: dict[str, object], where: object) -> None:
    assert field.constraints == _described_constraints(schema), where
    expected_type, expected_format = TYPES[field.kind]
    # ``number`` fields the SDK takes as ints (``quantity``) or enums of ints are numbers.
    if schema.get("type") != "number" or field.kind not in ("integer", "string"):
        assert schema.get("type") == expected_type, where
    if expected_format is not None:
        assert schema.get("format") == expected_format, where


@pytest.mark.parametrize("api_version", API_VERSIONS)
def test_every_described_operation_is_declared_once_and_nothing_else(api_version: str) -> None:
    generation = GENERATIONS[api_version]
    declared = {(op.method, generation.prefix + op.path) for op in generation.operations.values()}
    described = set(_official.operations(api_version))
    assert declared == described
    assert len(declared) == len(generation.operations)


@pytest.mark.parametrize("api_version", API_VERSIONS)
def test_body_fields_and_required_match_the_description(api_version: str) -> None:
    generation = GENERATIONS[api_version]
    described = _official.operations(api_version)
    for op in generation.operations.values():
        schema = _official.body_schema(
            api_version, described[op.method, generation.prefix + op.path]
        )
        if schema is None:
            assert op.body_fields == (), op.name
            continue
        if op.open_body:
            assert schema.get("additionalProperties") is True, op.name
            assert "properties" not in schema, op.name
            continue
        assert [f.name for f in op.body_fields] == list(schema["properties"]), op.name
        required = {f.name for f in op.body_fields if f.required}
        assert required == set(schema.get("required", ())), op.name
        for field in op.body_fields:
            prop = _official.resolve(_official.description(api_version), schema["properties"])
            _assert_field_matches(field, prop[field.name], (api_version, op.name, field.name))


@pytest.mark.parametrize("api_version", API_VERSIONS)
def test_query_and_path_parameters_match_the_description(api_version: str) -> None:
    generation = GENERATIONS[api_version]
    described = _official.operations(api_version)
    for op in generation.operations.values():
        raw = described[op.method, generation.prefix + op.path]
        query = _official.parameters(api_version, raw, "query")
        assert [f.name for f in op.query_fields] == list(query), op.name
        for field in op.query_fields:
            assert field.required == query[field.name].get("required", False), (op.name, field.name)
            where = (api_version, op.name, field.name)
            _assert_field_matches(field, query[field.name]["schema"], where)
        path = _official.parameters(api_version, raw, "path")
        assert [name for name, _ in op.path_params] == list(path), op.name


@pytest.mark.parametrize("api_version", API_VERSIONS)
def test_idempotency_and_throttles_follow_the_guides(api_version: str) -> None:
    for op in GENERATIONS[api_version].operations.values():
        moves_money = op.name.endswith((".buy", ".purchase", ".fund")) or op.name == "cards.create"
        assert op.idempotent is not moves_money, op.name
        expected = ("key", "purchase") if op.name in PURCHASE_LIMITED else ("key",)
        assert op.throttles == expected, op.name


def test_generations_with_names_every_generation_that_has_an_operation() -> None:
    assert generations_with("validate") == ("2026-05-09",)
    assert generations_with("cable.validate") == ("2026-04-27", "2026-05-31")
    assert generations_with("cards.create") == ("2026-04-27", "2026-05-09")
    assert generations_with("esim.purchase") == API_VERSIONS
    assert generations_with("no.such") == ()


def test_the_readme_generations_table_is_the_declarations() -> None:
    """A row per operation: its typed methods (the operations table's) and, per generation,
    its method and path or ``—``; the last row counts each generation's operations."""
    from pathlib import Path  # noqa: PLC0415

    lines = (Path(__file__).resolve().parents[3] / "README.md").read_text("utf-8").splitlines()
    header = "| operation | `client.vas.…` | " + " | ".join(f"`{v}`" for v in API_VERSIONS) + " |"
    start = lines.index(header) + 2  # below the header and its ``|---|`` line
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    table = [[cell.strip() for cell in line.split("|")[1:-1]] for line in lines[start:end]]
    rows = {name: cells for name, _, *cells in table}
    methods = {name: set(re.findall(r"`([^`]+)`", shown)) for name, shown, *_ in table}
    declared = {name for g in GENERATIONS.values() for name in g.operations}
    assert set(rows) == declared | {"**operations**"}
    assert len(rows) == len(table)  # no operation twice
    for name in declared:
        assert methods[name] == {row.path for row in ROWS if row.operation == name}, name
    for version_index, version in enumerate(API_VERSIONS):
        for name, op in GENERATIONS[version].operations.items():
            assert rows[name][version_index] == f"`{op.method} {op.path}`", (version, name)
        absent = {n for n, cells in rows.items() if cells[version_index] == "—"}
        assert absent == declared - set(GENERATIONS[version].operations), version
    counts = [str(len(GENERATIONS[v].operations)) for v in API_VERSIONS]
    assert rows["**operations**"] == counts, "| **operations** | | " + " | ".join(counts) + " |"


def test_the_constraints_named_in_the_issue_are_declared() -> None:
    """A spot check that cannot pass by both sides being empty."""
    old, new = GENERATIONS["2026-04-27"], GENERATIONS["2026-05-31"]
    pin = old.operations["internet.buy"].field("pin")
    assert pin is not None
    assert (pin.min_length, pin.max_length) == (5, 5)
    for generation in GENERATIONS.values():
        limit = generation.operations["transactions.list"].field("limit")
        assert limit is not None
        assert limit.maximum == 100
        amount = generation.operations["airtime.buy"].field("amount")
        assert amount is not None
        assert (amount.minimum, amount.maximum) == (50, 1000)
    quantity = new.operations["education.purchase"].field("quantity")
    assert quantity is not None
    assert (quantity.minimum, quantity.maximum) == (1, 5)
