"""The main job: the demo tour runs end to end against both sandboxes on loopback."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_CREDENTIAL = re.compile(
    r"dp_test_sk_[A-Za-z0-9]{16,}|dcy_live_[0-9a-f]{40}|eyJ[\w-]+\.[\w-]+\.[\w-]+"
)


@cache
def run_demo() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "examples.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_demo_tour_passes_every_step() -> None:
    result = run_demo()
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Every step behaved as documented." in out
    assert "✗" not in out
    for expected in (
        "Supported currencies",
        "after the sandbox control route: status=completed",
        "fetched back from the API: completed",
        "0 failed; old key now gets 401",
        "no 429 at all",
        "channel: API",
        "channel: <not sent>",
        "HTTP 200 but the vend failed: succeeded=False",
        "OutcomeUnknownError(reference='ORDER-77')",
        "refuses VAS routes before any network I/O",
    ):
        assert expected in out, expected


def test_demo_output_carries_no_credential() -> None:
    result = run_demo()
    assert FULL_CREDENTIAL.search(result.stdout + result.stderr) is None
