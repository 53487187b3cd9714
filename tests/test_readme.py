"""Every ``python`` block of README.md runs, as a user would run it, against the sandboxes.

Each block runs in a fresh interpreter (a subprocess), so blocks cannot lean on each other
and a block that configures logging or an event loop cannot disturb the test run. Blocks
marked ``<!-- readme-test: env -->`` read credentials from the environment: they get a
fresh pair of sandboxes served on loopback and the variables ``python -m
dptcay_sdk.testing`` / ``python -m dancity_sdk.testing`` print. Unmarked blocks must be
self-contained: they run with every ``DPTCAY_*`` / ``DANCITY_*`` variable removed.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from dancity_sdk.testing import DancitySandbox
from dptcay_sdk.testing import DptcaySandbox
from tests._sandbox_cli import sandbox_cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CI_SCRIPT = ROOT / ".ci" / "run"
CHANGELOG = ROOT / "CHANGELOG.md"
CHANGELOG_PREFIXES = ("shared_auth:", "dptcay_sdk:", "dancity_sdk:", "examples:", "project:")
ENV_MARKER = "<!-- readme-test: env -->"
OPENING_COMMANDS = (
    "python -m pip install nox && python -m nox -s demo\n"
    "python -m pip install nox && python -m nox -s tests\n"
)
#: A whole credential of either API; none may appear in a block's output.
FULL_CREDENTIAL = re.compile(
    r"dp_(?:live|test)_sk_[A-Za-z0-9]{20,}|dcy_live_[0-9a-f]{40}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
)
_FENCE = re.compile(r"^```([\w-]*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_BLOCK_TIMEOUT = 90.0


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README."""

    lang: str
    code: str
    line: int
    env: bool

    @property
    def name(self) -> str:
        return f"README.md:{self.line}"


def _blocks(text: str) -> list[Block]:
    blocks = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip().splitlines()
        marked = bool(before) and before[-1].strip() == ENV_MARKER
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(Block(match.group(1), match.group(2), line, marked))
    return blocks


BLOCKS = _blocks(README.read_text(encoding="utf-8"))
PYTHON_BLOCKS = [b for b in BLOCKS if b.lang == "python"]


@contextmanager
def _sandbox_env() -> Iterator[dict[str, str]]:
    """Serve fresh sandboxes on loopback; yield the variables their ``__main__`` prints."""
    dptcay, dancity = DptcaySandbox(), DancitySandbox()
    with ExitStack() as stack:
        dptcay_url = stack.enter_context(dptcay.serve_in_thread())
        dancity_url = stack.enter_context(dancity.serve_in_thread())
        yield {
            "DPTCAY_API_KEY": dptcay.write_key,
            "DPTCAY_BASE_URL": dptcay_url,
            "DANCITY_API_KEY": dancity.api_key,
            "DANCITY_JWT": dancity.issue_jwt(),
            "DANCITY_BASE_URL": dancity_url,
            "DANCITY_WALLET_ID": dancity.wallet_id,
            "DANCITY_WEBHOOK_SECRET": dancity.webhook_secret,
            "DANCITY_PIN": DancitySandbox.PIN,
        }


def _clean_environ() -> dict[str, str]:
    return {
        k: v for k, v in os.environ.items() if not k.startswith(("DPTCAY_", "DANCITY_", "COV_"))
    }


def _run(block: Block, env: Mapping[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "readme_block.py"
    script.write_text(block.code, encoding="utf-8")
    return subprocess.run(  # noqa: S603 - our own interpreter and a file we just wrote
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path,
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=_BLOCK_TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[b.name for b in PYTHON_BLOCKS])
def test_python_block_runs(block: Block, tmp_path: Path) -> None:
    with ExitStack() as stack:
        env = _clean_environ()
        if block.env:
            env.update(stack.enter_context(_sandbox_env()))
        result = _run(block, env, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{block.name} failed:\n{output}"
    assert FULL_CREDENTIAL.search(output) is None, f"{block.name} printed a credential"


#: Variables ``from_env()`` reads, besides the ``os.environ[...]`` reads of the blocks.
FROM_ENV_VARIABLES = {
    "AsyncDptcayClient.from_env(": {"DPTCAY_API_KEY", "DPTCAY_BASE_URL"},
    "DptcayClient.from_env(": {"DPTCAY_API_KEY", "DPTCAY_BASE_URL"},
    "AsyncDancityClient.from_env(": {"DANCITY_API_KEY", "DANCITY_JWT", "DANCITY_BASE_URL"},
    "DancityClient.from_env(": {"DANCITY_API_KEY", "DANCITY_JWT", "DANCITY_BASE_URL"},
}
_ENV_READ = re.compile(r"os\.environ\[\"(\w+)\"\]")


def _variables_the_readme_reads() -> set[str]:
    names: set[str] = set()
    for block in PYTHON_BLOCKS:
        names.update(_ENV_READ.findall(block.code))
        for call, variables in FROM_ENV_VARIABLES.items():
            if call in block.code:
                names.update(variables)
    return names


@contextmanager
def _cli(module: str) -> Iterator[dict[str, str]]:
    """Run a sandbox CLI on a free port; yield the variables of the export lines it prints."""
    with sandbox_cli(module) as (_, exports):
        yield exports


def test_the_export_lines_set_every_variable_the_readme_reads() -> None:
    needed = _variables_the_readme_reads()
    assert {"DANCITY_JWT", "DANCITY_WALLET_ID", "DANCITY_WEBHOOK_SECRET"} <= needed
    exported = {name for b in BLOCKS if b.lang == "bash" for name in _exports_of(b.code)}
    assert needed <= exported, needed - exported
    with _cli("dptcay_sdk.testing") as dptcay, _cli("dancity_sdk.testing") as dancity:
        assert needed <= set(dptcay) | set(dancity), needed - set(dptcay) - set(dancity)


def _exports_of(bash: str) -> set[str]:
    names: set[str] = set()
    for line in bash.splitlines():
        words = line.split("#", 1)[0].split()
        if words[:1] == ["export"]:
            names.update(word.split("=", 1)[0] for word in words[1:] if "=" in word)
    return names


def test_the_walk_through_runs_top_to_bottom_against_one_pair_of_sandboxes(
    tmp_path: Path,
) -> None:
    """As a reader does: start both CLIs once, paste their exports, run every block in order."""
    with _cli("dptcay_sdk.testing") as dptcay, _cli("dancity_sdk.testing") as dancity:
        shared = {**_clean_environ(), **dptcay, **dancity}
        for block in PYTHON_BLOCKS:
            result = _run(block, shared if block.env else _clean_environ(), tmp_path)
            output = result.stdout + result.stderr
            assert result.returncode == 0, f"{block.name} failed after the blocks above:\n{output}"


def test_the_readme_opens_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# ")
    first = BLOCKS[0]
    assert first.lang == "bash"
    assert first.code == OPENING_COMMANDS
    # Right under the title: nothing but blank lines between them.
    assert all(not line.strip() for line in lines[1 : first.line - 1])
    after = text.split(OPENING_COMMANDS + "```\n", 1)[1].lstrip().splitlines()[0]
    assert "demo" in after
    assert "test suite" in after


def _nox_sessions(script: str) -> set[str]:
    """The sessions named by the ``nox -s …`` invocations of a shell script."""
    sessions: set[str] = set()
    for raw in script.splitlines():
        words = shlex.split(raw, comments=True)
        if "nox" not in words:
            continue
        rest = words[words.index("nox") + 1 :]
        if "-s" in rest:
            for word in rest[rest.index("-s") + 1 :]:
                if word.startswith("-") or word in {"&&", "||", ";"}:
                    break
                sessions.add(word)
    return sessions


def test_ci_runs_the_same_test_session_as_the_readme() -> None:
    script = CI_SCRIPT.read_text(encoding="utf-8")
    assert "tests" in _nox_sessions(script)
    # The README's second command: "python -m nox -s tests".
    assert OPENING_COMMANDS.splitlines()[1].endswith("nox -s tests")


def test_nox_session_parser() -> None:
    assert _nox_sessions("python -m pip install nox\nnox -s lint typecheck tests\n") == {
        "lint",
        "typecheck",
        "tests",
    }
    assert _nox_sessions("python -m nox -s tests  # run\n") == {"tests"}
    assert _nox_sessions("echo hi\npython -m pip install --upgrade pip nox\n") == set()
    assert _nox_sessions("nox -s tests -- -x && nox -s demo\n") == {"tests"}


def test_there_is_a_block_per_api_and_the_markers_match_the_code() -> None:
    env_codes = [b.code for b in PYTHON_BLOCKS if b.env]
    assert any("AsyncDptcayClient.from_env(" in c for c in env_codes)
    assert any("AsyncDancityClient.from_env(" in c for c in env_codes)
    assert any("DptcayClient.from_env(" in c and "DancityClient.from_env(" in c for c in env_codes)
    self_contained = [b.code for b in PYTHON_BLOCKS if not b.env]
    assert any("DptcaySandbox" in c for c in self_contained)
    assert any("DancitySandbox" in c for c in self_contained)
    for block in PYTHON_BLOCKS:
        reads_env = "from_env(" in block.code or "os.environ" in block.code
        assert reads_env == block.env, f"{block.name}: the env marker and the code disagree"
        assert "asyncio.run(" in block.code or "anyio.run(" in block.code or "with " in block.code


def test_every_block_has_a_language() -> None:
    assert all(b.lang for b in BLOCKS), [b.name for b in BLOCKS if not b.lang]
    assert len(PYTHON_BLOCKS) >= 10


def test_the_changelog_names_the_package_of_every_entry() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "[Keep a Changelog](https://keepachangelog.com/" in text
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    assert "### Added" in unreleased
    entries = [line[2:] for line in unreleased.splitlines() if line.startswith("- ")]
    assert entries
    for entry in entries:
        assert entry.startswith(CHANGELOG_PREFIXES), entry
    for prefix in CHANGELOG_PREFIXES:
        assert any(entry.startswith(prefix) for entry in entries), prefix
