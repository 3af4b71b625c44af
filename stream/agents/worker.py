"""Running a faust app as a worker process in the foreground."""

from __future__ import annotations

import logging
from typing import Any

import faust

from stream.logs import configure_logging


def run_worker(app: Any, loglevel: str = "warning") -> None:
    """Run the app as a faust worker in the foreground until SIGINT / SIGTERM. Logging is ours
    (stream/logs.py: LOG_FORMAT, rate-limited repeats, masked emails): faust must not replace
    the root handlers, so it is configured here unless the command already did."""
    if not logging.getLogger().handlers:
        configure_logging(loglevel)
    worker = faust.Worker(app, loglevel=loglevel, quiet=True, redirect_stdouts=False,
                          override_logging=False)
    worker.spinner = None  # its terminal escapes would mangle line-oriented stdout
    worker.execute_from_commandline()
