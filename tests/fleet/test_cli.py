"""``python -m shared_auth.fleet``: list and recover, as a cron job would run them."""

from __future__ import annotations

import importlib.metadata
import time
import tomllib
from pathlib import Path
from typing import Any

import anyio
import pytest

from shared_auth import OutcomeUnknownError
from shared_auth.fleet import Journal, RecoveryReport, open_journal
from shared_auth.fleet import __main__ as cli
from shared_auth.fleet.__main__ import RECOVERY_GROUP, main

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> list[importlib.metadata.EntryPoint]:
    """The recoverers pyproject.toml declares (the installed metadata may predate them)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["entry-points"][RECOVERY_GROUP]
    return [importlib.metadata.EntryPoint(n, v, RECOVERY_GROUP) for n, v in declared.items()]


@pytest.fixture(autouse=True)
def declared_recoverers(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.metadata.entry_points

    def entry_points(**params: Any) -> Any:
        if params.get("group") == RECOVERY_GROUP:
            return importlib.metadata.EntryPoints(_declared())
        return real(**params)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.setattr(cli, "_REGISTERED", {})


def test_each_sdk_declares_its_recoverer_and_the_cli_finds_them() -> None:
    found = cli.recoverers()
    assert list(found) == ["dptcay", "dancity"]
    assert [f.__module__ for f in found.values()] == [
        "dptcay_sdk._recovery",
        "dancity_sdk._recovery",
    ]


async def _leave_an_unknown_payment(target: str) -> None:
    # A worker whose clock reads a minute ago, with a one-second lease: to the CLI (on the
    # real clock) its claim was abandoned long since, with no waiting for it to run out.
    journal = open_journal(target, lease=1.0, create=True, clock=lambda: time.time() - 60)

    async def send() -> object:
        await anyio.lowlevel.checkpoint()
        raise OutcomeUnknownError("sent, then the connection broke", reference="order-9")

    with pytest.raises(OutcomeUnknownError):
        await journal.run_once(
            key="dptcay:/payments/create:order-9",
            api="dptcay",
            reference="order-9",
            fingerprint="fp",
            owner="worker-1",
            send=send,
            reconcile=None,
        )
    await journal.aclose()


def test_list_and_recover_report_what_needs_a_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"sqlite:///{tmp_path / 'journal.db'}"
    anyio.run(_leave_an_unknown_payment, target)
    monkeypatch.delenv("DANCITY_API_KEY", raising=False)

    assert main(["list", target]) == 0
    listed = capsys.readouterr().out
    assert "dptcay order-9 unknown worker-1" in listed
    assert "1 open intents" in listed

    # dptcay cannot be searched by order_id: recovery reports it and exits 1 for a person.
    assert main(["recover", target]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("dptcay: ")
    assert "order-9" in captured.out
    assert "DANCITY_API_KEY is not set" in captured.err


def test_an_explicitly_registered_recoverer_comes_first_and_replaces_an_entry_point(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"sqlite:///{tmp_path / 'journal.db'}"
    anyio.run(_leave_an_unknown_payment, target)
    seen: list[float] = []

    async def settle_nothing(journal: Journal, grace: float) -> RecoveryReport | None:
        seen.append(grace)
        return None  # "not configured here": nothing printed for this API

    cli.register_recoverer("dptcay", settle_nothing)
    cli.register_recoverer("dancity", settle_nothing)
    assert main(["recover", target, "--grace", "2.5"]) == 0
    assert seen == [2.5, 2.5]
    assert capsys.readouterr().out == ""


def test_init_check_and_acknowledge_loss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "journal.db"
    target = str(path)
    # Nothing exists yet: every command but init says so, and exits 2.
    assert main(["check", target]) == 2
    assert "JournalMissingError" in capsys.readouterr().err
    assert main(["list", target]) == 2
    assert not path.exists()

    assert main(["init", target]) == 0
    created = capsys.readouterr().out
    assert "created identity" in created
    assert main(["init", target]) == 0
    assert "already exists" in capsys.readouterr().out
    assert main(["check", target]) == 0
    identity = capsys.readouterr().out.split()[-1]
    assert created.split()[-1] == identity

    path.unlink()
    assert main(["check", target]) == 2
    assert "acknowledge-loss" in capsys.readouterr().err
    assert main(["acknowledge-loss", target]) == 0
    assert "loss acknowledged" in capsys.readouterr().out
    assert main(["check", target]) == 0
    assert capsys.readouterr().out.split()[-1] != identity
