"""stream/logs.py: text and JSON lines, rate-limited repeats, emails masked everywhere."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator

import orjson
import pytest

from stream.errors import ConfigError
from stream.logs import RepeatFilter, configure_logging, log_format, mask_emails


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def configured(fmt: str, level: str = "info") -> io.StringIO:
    out = io.StringIO()
    configure_logging(level, fmt, stream=out)
    return out


def lines(out: io.StringIO) -> list[str]:
    return out.getvalue().splitlines()


def record(msg: str, created: float, *args: object, name: str = "aiokafka") -> logging.LogRecord:
    made = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)
    made.created = created
    return made


@pytest.mark.usefixtures("restore_root")
def test_text_format_is_one_line_per_record() -> None:
    out = configured("text")
    logging.getLogger("stream.test").info("epoch of %d records", 12)
    [line] = lines(out)
    assert line.endswith("] INFO stream.test: epoch of 12 records")
    logging.getLogger("stream.test").info("call", extra={"correlation_id": "c0ffee"})
    assert lines(out)[1].endswith("] INFO stream.test: call correlation_id=c0ffee")


@pytest.mark.usefixtures("restore_root")
def test_json_format_carries_time_level_logger_message_and_extra_fields() -> None:
    out = configured("json")
    logging.getLogger("stream.hubspot").warning(
        "HubSpot answered %d", 429, extra={"correlation_id": "c0ffee", "attempt": 2})
    [line] = lines(out)
    parsed = orjson.loads(line)
    assert parsed["level"] == "WARNING" and parsed["logger"] == "stream.hubspot"
    assert parsed["message"] == "HubSpot answered 429"
    assert (parsed["correlation_id"], parsed["attempt"]) == ("c0ffee", 2)
    assert parsed["time"].endswith("+00:00") and "T" in parsed["time"]


@pytest.mark.usefixtures("restore_root")
def test_json_format_keeps_the_traceback_in_one_line() -> None:
    out = configured("json")
    try:
        raise ValueError("bad value for ada@example.com")
    except ValueError:
        logging.getLogger("stream.x").exception("failed")
    [line] = lines(out)
    parsed = orjson.loads(line)
    assert "ValueError: bad value for <email>" in parsed["exception"]
    assert "ada@example.com" not in line


@pytest.mark.usefixtures("restore_root")
def test_log_format_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert log_format() == "json"
    monkeypatch.delenv("LOG_FORMAT")
    assert log_format() == "text"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="LOG_FORMAT: must be one of text, json; got 'xml'"):
        log_format()


@pytest.mark.usefixtures("restore_root")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_emails_never_reach_the_output(fmt: str) -> None:
    out = configured(fmt)
    log = logging.getLogger("stream.test")
    log.info("contact %s upserted", "ada.lovelace+tag@example.co.uk")
    log.info("literal bob@example.com in the template")
    log.info("extra", extra={"email_field": "carol@sub.example.org"})
    try:
        raise RuntimeError("dave@example.com")
    except RuntimeError:
        log.exception("boom")
    text = out.getvalue()
    assert "@example" not in text
    assert text.count("<email>") == 5


def test_mask_emails_leaves_other_text_alone() -> None:
    assert mask_emails("user@host.com and x@y.io, not @handle, a@b or kafka://host:9092") == (
        "<email> and <email>, not @handle, a@b or kafka://host:9092")


def test_repeats_after_the_first_three_are_dropped_and_summarised() -> None:
    emitted: list[logging.LogRecord] = []
    limiter = RepeatFilter(emitted.append, shown=3, window_seconds=10)
    passed = [limiter.filter(record("Unable connect to node %s: %s", 100 + i * 0.01, 1, "refused"))
              for i in range(1000)]
    assert passed[:3] == [True, True, True] and not any(passed[3:])
    assert emitted == []
    assert limiter.filter(record("Unable connect to node %s: %s", 111, 1, "refused"))
    [summary] = emitted
    assert summary.getMessage() == (
        "Unable connect to node %s: %s ... repeated 997 times in the last 11 s")
    assert summary.levelno == logging.ERROR and summary.name == "aiokafka"


def test_templates_differing_in_numbers_count_as_one_and_other_loggers_are_separate() -> None:
    limiter = RepeatFilter(lambda _: None, shown=3, window_seconds=60)
    fstrings = [limiter.filter(record(f"node {n} not ready", 1.0 + n)) for n in range(10)]
    assert fstrings.count(True) == 3
    assert limiter.filter(record("node 1 not ready", 20.0, name="faust"))


def test_a_summary_is_emitted_by_any_later_record_once_the_window_closed() -> None:
    emitted: list[logging.LogRecord] = []
    limiter = RepeatFilter(emitted.append, shown=1, window_seconds=5)
    for i in range(4):
        limiter.filter(record("flood", 1.0 + i))
    assert limiter.filter(record("something else", 7.0))
    assert [r.getMessage() for r in emitted] == ["flood ... repeated 3 times in the last 6 s"]


@pytest.mark.usefixtures("restore_root")
def test_a_configured_handler_writes_three_lines_and_one_summary_per_window() -> None:
    out = io.StringIO()
    configure_logging("info", "text", stream=out, repeat_window_seconds=0.3)
    log = logging.getLogger("aiokafka.test")
    for _ in range(500):
        log.error("Unable to update metadata from %s", [1])
    assert len(lines(out)) == 3
    time.sleep(0.4)
    log.error("Unable to update metadata from %s", [1])
    assert "Unable to update metadata from %s ... repeated 497 times in the last 0 s" in (
        lines(out)[3])
    assert lines(out)[4].endswith("Unable to update metadata from [1]")
    assert len(lines(out)) == 5


def test_info_and_debug_records_are_never_rate_limited() -> None:
    limiter = RepeatFilter(lambda _: None, shown=3, window_seconds=60)
    progress = logging.LogRecord("stream.agents.app", logging.INFO, __file__, 1,
                                 "user lane: epoch of %d records", (100,), None)
    assert all(limiter.filter(progress) for _ in range(50))


def test_an_info_record_after_the_window_also_brings_the_summary() -> None:
    emitted: list[logging.LogRecord] = []
    limiter = RepeatFilter(emitted.append, shown=1, window_seconds=5)
    for i in range(3):
        limiter.filter(record("broker down", 1.0 + i))
    progress = logging.LogRecord("stream", logging.INFO, __file__, 1, "epoch done", None, None)
    progress.created = 4.0
    assert limiter.filter(progress) and emitted == []
    progress.created = 6.5
    assert limiter.filter(progress)
    assert [r.getMessage() for r in emitted] == ["broker down ... repeated 2 times in the last 6 s"]
