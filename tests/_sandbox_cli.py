"""Run a sandbox's command line as a reader does, and read the ``export`` lines it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_EXPORT = re.compile(r"^export (\w+)=(\S+)", re.MULTILINE)
#: How long the command may take to stop once terminated.
_STOP_TIMEOUT = 30.0


@contextmanager
def sandbox_cli(module: str, *args: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Run ``python -m module --port 0 *args``; yield its banner and its exports."""
    process = subprocess.Popen(  # noqa: S603 - our interpreter, a fixed argv
        [sys.executable, "-m", module, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = ""
        while "# Press Ctrl+C" not in banner:
            line = process.stdout.readline()
            assert line, f"{module} exited early:\n{banner}"
            banner += line
        yield banner, dict(_EXPORT.findall(banner))
    finally:
        process.terminate()
        process.wait(timeout=_STOP_TIMEOUT)
        if process.stdout is not None:
            process.stdout.close()
