"""Running a faust app as a worker process in the foreground."""

from __future__ import annotations

from typing import Any

import faust


def run_worker(app: Any, loglevel: str = "warning") -> None:
    """Run the app as a faust worker in the foreground until SIGINT / SIGTERM."""
    worker = faust.Worker(app, loglevel=loglevel, quiet=True, redirect_stdouts=False)
    worker.spinner = None  # its terminal escapes would mangle line-oriented stdout
    worker.execute_from_commandline()
