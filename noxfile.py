"""Development sessions: ``nox`` runs lint, typecheck and tests; ``nox -s demo`` runs the tour.

``nox -s soak`` prints the fault, load, cancellation and malformed-response table.
"""

from __future__ import annotations

import json
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHON = "3.11"
#: Every Python the suite runs on (``nox -s tests`` runs ``tests-3.11`` … ``tests-3.13``;
#: ``nox -s tests -p 3.13`` one of them); the classifiers in pyproject.toml list the same.
PYTHONS = ["3.11", "3.12", "3.13"]
PACKAGES = ["dptcay_sdk", "dancity_sdk", "shared_auth"]


def _install(session: nox.Session, *groups: str, extras: str = "sandbox") -> None:
    session.install("-e", f".[{extras}]")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite on asyncio and trio, with branch coverage, on each Python.

    Each Python keeps its own coverage data (``.coverage.py3.13`` and its parallel parts),
    combined and held to ``fail_under`` on its own, so sessions never mix or erase each
    other's.
    """
    _install(session, "test", extras="sandbox,fast,otel")
    env = {"COVERAGE_FILE": f".coverage.py{session.python}"}
    session.run("coverage", "erase", env=env)
    session.run("coverage", "run", "-m", "pytest", "--durations=15", *session.posargs, env=env)
    session.run("coverage", "combine", success_codes=[0, 1], env=env)
    session.run("coverage", "report", env=env)


@nox.session(python=PYTHON)
def fleet_soak(session: nox.Session) -> None:
    """The crash test at full size: 1,000 purchases per journal backend, workers SIGKILLed."""
    _install(session, "test")
    session.run(
        "pytest", "-q", "-s", "tests/fleet/test_crash.py", env={"FLEET_CRASH_INTENTS": "1000"}
    )


@nox.session(python=PYTHON)
def fleet_faults(session: nox.Session) -> None:
    """The fault table: journal and budget backends deleted, killed, frozen, unreachable.

    Real worker processes (asyncio and trio) and redis-servers, each fault followed by a fresh
    worker that re-runs every order, counted from the sandbox's ledger; exits 1 if a goal is
    missed. ``-- --scenario "redis frozen" --backend trio`` narrows it.
    """
    _install(session, "test")
    session.run("python", "-m", "tests.fleet.faults", *session.posargs)


@nox.session(python=PYTHON)
def inbox_crash(session: nox.Session) -> None:
    """Webhooks acted on once: 4 receivers under uvicorn, 2 consumers, SIGKILLs, 1,000 events."""
    _install(session, "test")
    session.run("python", "-m", "tests.fleet.inbox_crash", "--events", "1000", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff lint and format check."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


#: The least share of each package's public symbols whose types pyright knows for certain
#: (``pyright --verifytypes``: every annotation explicit, nothing left to inference).
TYPE_COMPLETENESS = {"dptcay_sdk": 0.98, "dancity_sdk": 0.98, "shared_auth": 0.95}


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the packages, tests and examples; pyright's completeness gate.

    ``pyright --verifytypes`` scores what users' type checkers see of each package (its
    public names, their signatures and attributes); the session fails below
    ``TYPE_COMPLETENESS``.
    """
    _install(session, "typecheck", extras="sandbox,fast,otel")
    session.run("mypy", *PACKAGES, "tests", "examples", "benchmarks", "noxfile.py")
    failures = [
        f"{package}: {score:.1%} < {least:.0%}"
        for package, least in TYPE_COMPLETENESS.items()
        if (score := _completeness(session, package)) < least
    ]
    if failures:
        session.error("pyright --verifytypes below the gate: " + "; ".join(failures))


def _completeness(session: nox.Session, package: str) -> float:
    """The share of ``package``'s public symbols pyright knows the type of (0 to 1)."""
    output = session.run(
        "pyright",
        "--verifytypes",
        package,
        "--ignoreexternal",
        "--outputjson",
        silent=True,
        success_codes=[0, 1],  # 1: some symbol is incomplete; the score decides
    )
    report = json.loads(str(output))["typeCompleteness"]
    if not report.get("packageRootDirectory"):  # not found: pyright scores nothing
        session.error(f"pyright --verifytypes found no package {package!r}")
    score = float(report["completenessScore"])
    session.log(f"{package}: type completeness {score:.1%}")
    return score


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site (mkdocs-material + mkdocstrings); warnings are errors.

    Then read what was built (``tests/docs``): no Sphinx role or test marker on a page, one
    ``h1`` per page, no Google Fonts, internal links that land, an entry for every Dancity
    operation the declarations list.
    """
    _install(session, "docs")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site", *session.posargs)
    # The checks of the built pages; the operation examples run with the suite (both loops).
    session.run("pytest", "tests/docs/test_site.py", env={"DOCS_SITE_DIR": "site"})


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Tour both APIs against the embedded sandboxes served on loopback."""
    _install(session)
    session.run("python", "-m", "examples.demo", *session.posargs)


@nox.session(python=PYTHON)
def soak(session: nox.Session) -> None:
    """Both SDKs under faults, load, cancellation and junk responses: one table of counts.

    Loopback only, seeded and bounded; exits non-zero when a goal is missed. Pass
    ``-- --quick`` for the reduced sizes, ``-- --only faults load`` for some sections.
    """
    _install(session, "test")
    env = {"PYTHONPATH": str(Path.cwd())}
    session.run("python", "-m", "benchmarks.soak", *session.posargs, env=env)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Measure overhead, throughput, import time, goodput, memory and concurrency vs peers.

    P2 and P8 start their own nginx on loopback (installed with apt-get when missing and
    running as root; otherwise they print the command). ``-- p8`` runs one section.
    """
    _install(session, "test")
    session.install("stripe", "openai", "aiohttp", "httpx-aiohttp")
    env = {"PYTHONPATH": str(Path.cwd())}
    session.run("python", "-m", "benchmarks", *session.posargs, env=env)
