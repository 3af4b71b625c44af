"""Exit codes of every command, and the one error boundary that maps failures onto them."""

from __future__ import annotations

import errno
import sys
import traceback
from collections.abc import Callable
from enum import IntEnum

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from stream.errors import ConfigError, FatalError, RetryableError


class Exit(IntEnum):
    """Documented in README.md and docs/operations.md."""

    OK = 0
    CHECK_FAILED = 1       # a check ran and found problems (config check, replay not acked)
    USAGE = 2              # bad arguments, environment variables or config file
    UNREACHABLE = 3        # Kafka, HubSpot or Redis could not be reached
    CREDENTIALS = 4        # HubSpot rejected the credentials (token, scopes)
    INTERNAL = 70          # a bug: the traceback is printed
    INTERRUPTED = 130      # Ctrl-C


UNREACHABLE_MODULES = ("confluent_kafka", "cimpl", "aiohttp", "redis")  # cimpl: confluent C


def run_guarded(command: str, run: Callable[[], int]) -> int:
    """Run a command; turn configuration and environment failures into one line on stderr (no
    traceback, no secret, environment variable names rather than field names) and an Exit."""
    try:
        return run()
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    except Exception as exc:  # the boundary: everything is classified or reported as a bug
        code, message = classify(exc)
        if code is Exit.INTERNAL:
            traceback.print_exc()
            message = f"internal error ({type(exc).__name__}); please report it with the above"
        print(f"hubspot-stream {command}: {message}", file=sys.stderr)
        return int(code)


def classify(exc: BaseException) -> tuple[Exit, str]:
    """The exit code and a one-line message for a failure."""
    if isinstance(exc, ValidationError) and _settings_class(exc.title) is not None:
        return Exit.USAGE, settings_message(exc)
    if isinstance(exc, ConfigError):
        return Exit.USAGE, str(exc)
    if isinstance(exc, FatalError):
        return Exit.CREDENTIALS, f"HubSpot refused: {exc.message} (reason {exc.reason.value})"
    if isinstance(exc, RetryableError):
        return Exit.UNREACHABLE, f"HubSpot did not answer in time: {exc.message}"
    module = type(exc).__module__.split(".")[0]
    refused = isinstance(exc, OSError) and exc.errno in (errno.ECONNREFUSED, errno.EHOSTUNREACH)
    if module in UNREACHABLE_MODULES or refused or isinstance(exc, TimeoutError):
        return Exit.UNREACHABLE, f"a dependency is unreachable: {type(exc).__name__}: {exc}"
    return Exit.INTERNAL, str(exc)


def settings_message(exc: ValidationError) -> str:
    """`HUBSPOT_STREAM_BATCH_MAX_ITEMS: input should be ...` per error, never the input."""
    settings = _settings_class(exc.title)
    assert settings is not None
    lines = [f"{environment_name(settings, str(error['loc'][0]))}: {error['msg']}"
             for error in exc.errors()]
    return "invalid environment: " + "; ".join(lines)


def environment_name(settings: type[BaseSettings], field: str) -> str:
    """The environment variable a settings field is read from."""
    info = settings.model_fields.get(field)
    choices = getattr(getattr(info, "validation_alias", None), "choices", None)
    if choices:
        return str(choices[0])
    prefix = str(settings.model_config.get("env_prefix", ""))
    return (prefix + field).upper()


def _settings_class(title: str) -> type[BaseSettings] | None:
    import stream.settings

    found = getattr(stream.settings, title, None)
    return found if isinstance(found, type) and issubclass(found, BaseSettings) else None
