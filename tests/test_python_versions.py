"""The Pythons the project claims (classifiers) are the ones its tests run on (nox, CI)."""

from __future__ import annotations

import ast
import shlex
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "Programming Language :: Python :: 3."


def _nox_pythons() -> list[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "PYTHONS":
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(v) for v in value]
    raise AssertionError("noxfile.py defines no PYTHONS")


def test_the_classifiers_list_exactly_the_tested_pythons() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    classified = [
        c.removeprefix("Programming Language :: Python :: ") for c in project["classifiers"]
    ]
    minors = [c for c in classified if c.startswith("3.")]
    assert minors == _nox_pythons() == ["3.11", "3.12", "3.13"]
    assert project["requires-python"] == f">={minors[0]}"


def test_ci_runs_the_suite_on_the_oldest_and_the_newest() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    runs = [shlex.split(line, comments=True) for line in script.splitlines()]
    tests = [words for words in runs if "nox" in words and "tests" in words]
    assert len(tests) == 1
    words = tests[0]
    chosen = words[words.index("-p") + 1 :]
    pythons = _nox_pythons()
    assert {pythons[0], pythons[-1]} <= set(chosen)
    assert "PYENV_VERSION" in script  # pyenv puts every interpreter on PATH


def test_this_interpreter_is_one_the_project_claims() -> None:
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in _nox_pythons()
