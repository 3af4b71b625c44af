"""Process logging: text or JSON lines (LOG_FORMAT), repeats rate-limited, emails masked."""

from __future__ import annotations

import logging
import math
import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

from stream.errors import ConfigError

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "[%(asctime)s] %(levelname)s %(name)s: %(message)s"
REPEATS_SHOWN = 3
REPEAT_WINDOW_SECONDS = 60.0
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
EMAIL_MASK = "<email>"
# Attributes every LogRecord has; anything else came in through `extra=`.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "rate_limit_summary"}
_DIGITS = re.compile(r"\d+")
_MAX_TRACKED_KEYS = 1000


def mask_emails(text: str) -> str:
    """`text` with every email address replaced by <email>."""
    return EMAIL.sub(EMAIL_MASK, text) if "@" in text else text


class EmailMaskFilter(logging.Filter):
    """Masks email addresses in the message, its arguments, the traceback and `extra` fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask_emails(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_emails(record.exc_text)
        for name, value in extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, name, mask_emails(value))
        return True


@dataclass
class _Window:
    started: float
    seen: int = 1
    dropped: int = 0


class RepeatFilter(logging.Filter):
    """Lets the first `shown` records of one logger + message template (numbers ignored) through
    per window; drops the rest and reports them in one "repeated K times" record, emitted through
    `emit` with the first record of that template (or of any template) after the window. Records
    below `min_level` (progress at info, debug output) pass unlimited: asked for, not spam."""

    def __init__(self, emit: Callable[[logging.LogRecord], Any], shown: int = REPEATS_SHOWN,
                 window_seconds: float = REPEAT_WINDOW_SECONDS,
                 min_level: int = logging.WARNING) -> None:
        super().__init__()
        self.emit = emit
        self.shown = shown
        self.window_seconds = window_seconds
        self.min_level = min_level
        self.windows: dict[tuple[str, int, str], _Window] = {}
        self.next_close = math.inf  # no window closes before this time
        self.lock = threading.RLock()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "rate_limit_summary", False):
            return True
        with self.lock:
            if record.created >= self.next_close:
                self._report_closed(record.created)
            return record.levelno < self.min_level or self._count(record)

    def _count(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, _DIGITS.sub("#", str(record.msg))[:200])
        window = self.windows.get(key)
        if window is None:
            if len(self.windows) >= _MAX_TRACKED_KEYS:
                self.windows.clear()
            self.windows[key] = _Window(record.created)
            self.next_close = min(self.next_close, record.created + self.window_seconds)
            return True
        window.seen += 1
        if window.seen <= self.shown:
            return True
        window.dropped += 1
        return False

    def _report_closed(self, now: float) -> None:
        closed = [key for key, window in self.windows.items()
                  if now - window.started >= self.window_seconds]
        for key in closed:
            window = self.windows.pop(key)
            if window.dropped:
                self.emit(_summary(key, window, now))
        starts = [window.started for window in self.windows.values()]
        self.next_close = min(starts, default=math.inf) + self.window_seconds


def _summary(key: tuple[str, int, str], window: _Window, now: float) -> logging.LogRecord:
    name, level, template = key
    seconds = now - window.started
    record = logging.LogRecord(
        name, level, __file__, 0, "%s ... repeated %d times in the last %.0f s",
        (template[:120], window.dropped, seconds), None)
    record.rate_limit_summary = True
    return record


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The `extra=` fields of a record (e.g. HubSpot correlation ids)."""
    return {k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS}


class TextFormatter(logging.Formatter):
    """TEXT_FORMAT, then the extra fields as key=value."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        extra = extra_fields(record)
        return line + "".join(f" {k}={v}" for k, v in extra.items()) if extra else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update({k: v for k, v in extra_fields(record).items() if k not in line})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return orjson.dumps(line, default=str).decode()


def log_format(fmt: str | None = None) -> str:
    """`fmt`, else $LOG_FORMAT, else text; ConfigError naming LOG_FORMAT when unknown."""
    chosen = (fmt or os.environ.get("LOG_FORMAT") or "text").strip().lower()
    if chosen not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT: must be one of {', '.join(LOG_FORMATS)}; got {chosen!r}")
    return chosen


def configure_logging(level: str | int = "warning", fmt: str | None = None,
                      stream: TextIO | None = None,
                      repeat_window_seconds: float = REPEAT_WINDOW_SECONDS) -> logging.Handler:
    """Route every logger (ours, faust, aiokafka) to one handler on stderr; returns it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format(fmt) == "json" else TextFormatter())
    handler.addFilter(RepeatFilter(handler.handle, window_seconds=repeat_window_seconds))
    handler.addFilter(EmailMaskFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    return handler
