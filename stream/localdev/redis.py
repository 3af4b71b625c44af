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


@contextmanager
def local_redis() -> Iterator[str]:
    """Yields `redis://127.0.0.1:PORT/0`; the server and its directory go away afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisError("redis-server is not installed: apt-get install redis-server")
    work_dir = Path(tempfile.mkdtemp(prefix="hubspot-stream-redis-"))
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(work_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RedisError(f"redis-server did not answer on port {port}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(work_dir, ignore_errors=True)
