"""Each later generation is its predecessor plus declared changes (``_declarations.derive``)."""

from __future__ import annotations

import pytest

from dancity_sdk._declarations import _opt, _read, _req, declare, derive, edit
from dancity_sdk._spec import GENERATIONS

BASE = declare(
    "2000-01-01",
    "abc1234",
    "/v1",
    _read("a.list", "/a", _opt("x", "x"), _opt("y", "y"), _opt("z", "z")),
    _read("b.list", "/b"),
)


def test_edits_drop_change_in_place_and_add_at_the_end() -> None:
    later = derive(
        BASE,
        "2000-02-01",
        "def5678",
        changed=(
            edit(
                "a.list",
                drop=("x",),
                change={"y": (_req("y2", "y"), _opt("w", "w"))},
                add=(_opt("v", "v"),),
            ),
        ),
    )
    fields = later.operations["a.list"].query_fields
    assert [(f.name, f.required) for f in fields] == [
        ("y2", True),
        ("w", False),
        ("z", False),
        ("v", False),
    ]
    assert later.prefix == "/v1"
    assert later.operations["b.list"] is BASE.operations["b.list"]
    assert BASE.operations["a.list"].query_fields[0].name == "x"  # the predecessor unchanged


def test_removed_added_prefix_and_answers() -> None:
    later = derive(
        BASE,
        "2000-02-01",
        "def5678",
        prefix="/v2",
        answers="views",
        removed=("b.list",),
        added=(_read("c.get", "/c"),),
    )
    assert list(later.operations) == ["a.list", "c.get"]
    assert (later.prefix, later.answers, BASE.answers) == ("/v2", "views", None)
    assert derive(later, "2000-03-01", "0000000").answers == "views"  # inherited


def test_a_change_naming_what_the_predecessor_lacks_is_an_error() -> None:
    with pytest.raises(KeyError, match=r"c\.list"):
        derive(BASE, "2000-02-01", "def5678", removed=("c.list",))
    with pytest.raises(KeyError, match=r"a\.list declares no field \['q'\]"):
        derive(BASE, "2000-02-01", "def5678", changed=(edit("a.list", drop=("q",)),))


def test_only_the_first_published_generation_documents_no_answer_shapes() -> None:
    answers = [g.answers for g in GENERATIONS.values()]
    assert answers[0] is None
    assert all(answers[1:])
