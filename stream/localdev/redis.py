"""A throwaway redis-server (Debian's package) on a free 127.0.0.1 port, without persistence."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stream.localdev.kafka import free_port

READY_TIMEOUT_SECONDS = 20.0


class RedisError(RuntimeError):
    """redis-server is missing or did not start."""


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """redis-server on one port that can be killed and started again (empty) on that port."""

    def __init__(self, work_dir: Path, port: int | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisError("redis-server is not installed: apt-get install redis-server")
        self.binary, self.work_dir = binary, work_dir
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (no data: nothing is persisted) and wait until it answers PING."""
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.work_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not _answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RedisError(f"redis-server did not answer on port {self.port}")
            time.sleep(0.05)

    def stop(self, kill: bool = False) -> None:
        """SIGTERM (SIGKILL when `kill` or after 10 s) and reap the process."""
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@contextmanager
def local_redis() -> Iterator[str]:
    """Yields `redis://127.0.0.1:PORT/0`; the server and its directory go away afterwards."""
    with redis_server() as server:
        yield server.url


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A started RedisServer; stopped and its directory removed afterwards."""
    server = RedisServer(Path(tempfile.mkdtemp(prefix="hubspot-stream-redis-")))
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.work_dir, ignore_errors=True)
