"""Child processes of the demo: the emulator and a worker, started and stopped cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def terminate_group(process: subprocess.Popen[Any], grace_seconds: float = 30) -> None:
    """SIGTERM to the child's process group, SIGKILL after the grace period."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()



def kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGKILL to the child's process group (a crash), then reap it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()

class Child:
    """`python -m stream.cli ARGS` in its own process group; stdout lines kept in memory."""

    def __init__(self, name: str, args: list[str], env: Mapping[str, str] | None = None,
                 echo: bool = False) -> None:
        self.name = name
        self.lines: list[str] = []
        self.echo = echo
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stream.cli", *args], cwd=REPO_ROOT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self._first = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._first.set()
            if self.echo:
                print(f"[{self.name}] {line.rstrip()}", flush=True)
        self._first.set()

    def line_starting(self, prefix: str, timeout_seconds: float = 60) -> str:
        """The first output line starting with `prefix` (RuntimeError with the tail if none)."""
        deadline = threading.Event()
        timer = threading.Timer(timeout_seconds, deadline.set)
        timer.start()
        try:
            while not deadline.is_set():
                for line in list(self.lines):
                    if line.startswith(prefix):
                        return line
                if self.process.poll() is not None:
                    break
                deadline.wait(0.1)
        finally:
            timer.cancel()
        tail = "\n".join(self.lines[-20:])
        raise RuntimeError(f"{self.name} did not print {prefix!r}:\n{tail}")

    def stop(self, grace_seconds: float = 30) -> None:
        """SIGTERM to the process group, SIGKILL after the grace period."""
        terminate_group(self.process, grace_seconds)
