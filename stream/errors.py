"""Errors named by what happens next (STYLE.md section 3)."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Closed set of outcome error reasons (documented in topics/README.md)."""

    INVALID_EVENT = "invalid_event"
    INVALID_PAYLOAD = "invalid_payload"
    VALIDATION = "validation"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    HUBSPOT_UNAVAILABLE = "hubspot_unavailable"
    TIMEOUT = "timeout"
    DEPENDENCY_FAILED = "dependency_failed"
    CONTACT_UNKNOWN = "contact_unknown"
    INTERNAL = "internal"


class StreamError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(StreamError):
    """Startup only: a bad setting or destination config. Not retried; the process exits
    non-zero with the file, mapping id and the fix in the message."""


class DeliveryError(StreamError):
    """A HubSpot call or payload that did not succeed; `.reason` is the outcome's error.reason."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class RetryableError(DeliveryError):
    """Retried with backoff (429, 423, 5xx, timeouts, resets); `retry_after_seconds` if known."""

    def __init__(
        self, reason: Reason, message: str, retry_after_seconds: float | None = None
    ) -> None:
        super().__init__(reason, message)
        self.retry_after_seconds = retry_after_seconds


class RejectedError(DeliveryError):
    """This record only, never retried: validation and 4xx after the action's own recovery."""


class FatalError(DeliveryError):
    """Stop consuming and do not commit: auth that a refresh cannot fix."""
