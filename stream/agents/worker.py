"""Running a faust app as a worker process in the foreground, with a bounded shutdown."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import faust

from stream.logs import configure_logging

log = logging.getLogger(__name__)


class BoundedWorker(faust.Worker):
    """faust's worker, whose SIGTERM / SIGINT first tells the pipeline to stop (paused epochs are
    abandoned, unacked) and exits 0 after `shutdown_timeout_seconds` whatever is still running:
    records not acked are redelivered, so a forced exit loses nothing."""

    def __init__(self, app: Any, on_stop: Callable[[], None], shutdown_timeout_seconds: float,
                 **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._on_stop = on_stop
        self._shutdown_timeout_seconds = shutdown_timeout_seconds
        self._deadline_started = False

    def _begin_bounded_shutdown(self) -> None:
        if self._deadline_started:
            return
        self._deadline_started = True
        self._on_stop()
        # leave a moment for the process itself to end within the timeout
        timer = threading.Timer(max(1.0, self._shutdown_timeout_seconds - 1.0), self._force_exit)
        timer.daemon = True
        timer.start()

    def _force_exit(self) -> None:
        log.warning("shutdown took longer than %.0f s: exiting now (unacked records are "
                    "redelivered)", self._shutdown_timeout_seconds)
        logging.shutdown()
        os._exit(0)

    def _on_sigterm(self) -> None:
        self._begin_bounded_shutdown()
        super()._on_sigterm()

    def _on_sigint(self) -> None:
        self._begin_bounded_shutdown()
        super()._on_sigint()


def run_worker(app: Any, loglevel: str = "warning", on_stop: Callable[[], None] = lambda: None,
               shutdown_timeout_seconds: float = 25.0) -> None:
    """Run the app as a faust worker in the foreground until SIGINT / SIGTERM. Logging is ours
    (stream/logs.py: LOG_FORMAT, rate-limited repeats, masked emails): faust must not replace
    the root handlers, so it is configured here unless the command already did."""
    if not logging.getLogger().handlers:
        configure_logging(loglevel)
    worker = BoundedWorker(app, on_stop, shutdown_timeout_seconds, loglevel=loglevel,
                           quiet=True, redirect_stdouts=False, override_logging=False)
    worker.spinner = None  # its terminal escapes would mangle line-oriented stdout
    worker.execute_from_commandline()
