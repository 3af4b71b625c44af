"""Redaction of configured PII fields (email, phone) in events kept on lane and failure topics."""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

HASH_PREFIX = "sha256:"
RedactionMode = Literal["hash", "remove"]


@dataclass(frozen=True)
class Redaction:
    """Dotted paths into the event (e.g. `traits.email`) whose values are hashed or removed."""

    paths: tuple[tuple[str, ...], ...] = ()
    mode: RedactionMode = "hash"
    hash_key: bytes = b""

    @classmethod
    def parse(cls, fields: str, mode: RedactionMode = "hash", hash_key: str = "") -> Redaction:
        """From `HUBSPOT_STREAM_REDACT_FIELDS` (comma-separated dotted paths)."""
        paths = tuple(tuple(p.strip().split(".")) for p in fields.split(",") if p.strip())
        return cls(paths, mode, hash_key.encode())

    def apply(self, event: Any) -> Any:
        """A copy of the event with every configured field hashed (`sha256:<hex>`, HMAC when a
        key is set) or removed; the event itself is unchanged. Idempotent."""
        if not self.paths or not isinstance(event, dict):
            return event
        redacted = copy.deepcopy(event)
        for parent, key in _present(redacted, self.paths):
            if self.mode == "remove":
                del parent[key]
            elif not str(parent[key]).startswith(HASH_PREFIX):
                parent[key] = HASH_PREFIX + self._digest(str(parent[key]))
        return redacted

    def without_redacted(self, event: Any) -> Any:
        """The event with the fields that were hashed removed (what replay re-publishes: the
        mappings see those fields as missing rather than a hash)."""
        if not self.paths or not isinstance(event, dict):
            return event
        cleaned = copy.deepcopy(event)
        for parent, key in _present(cleaned, self.paths):
            if str(parent[key]).startswith(HASH_PREFIX):
                del parent[key]
        return cleaned

    def _digest(self, value: str) -> str:
        if self.hash_key:
            return hmac.new(self.hash_key, value.encode(), hashlib.sha256).hexdigest()
        return hashlib.sha256(value.encode()).hexdigest()


def _present(event: dict[str, Any], paths: Iterable[tuple[str, ...]],
             ) -> list[tuple[dict[str, Any], str]]:
    found = []
    for path in paths:
        parent: Any = event
        for segment in path[:-1]:
            parent = parent.get(segment) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent and parent[path[-1]] is not None:
            found.append((parent, path[-1]))
    return found


@functools.cache
def configured() -> Redaction:
    """The process's redaction, from the worker settings (read once)."""
    from stream.settings import WorkerSettings

    settings = WorkerSettings()
    key = settings.redact_hash_key.get_secret_value() if settings.redact_hash_key else ""
    return Redaction.parse(settings.redact_fields, settings.redact_mode, key)


def redact(event: Any) -> Any:
    """The event as it may be written to a topic under the configured redaction."""
    return configured().apply(event)
