"""Input limits on a decoded event: nesting depth, string, key and container sizes, integers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# orjson writes at most 254 nested containers ("Recursion limit reached" at 255); the pipeline
# wraps an event a few levels deeper (action call, outcome record, HubSpot request bodies), so
# the limit keeps a wide margin under every later encoder (docs/pipeline.md "Input limits").
MAX_DEPTH = 64
# HubSpot's longest property value (multi-line text) is 65,536 characters.
MAX_STRING_CHARS = 65_536
# Keys become HubSpot property names (at most 100 characters) or stay in the event.
MAX_KEY_CHARS = 256
# userId, anonymousId, groupId, previousId, messageId: Kafka keys of the lanes and outcomes.
MAX_ID_CHARS = 1_024
MAX_CONTAINER_ITEMS = 10_000
# orjson keeps integers in [-2**63, 2**64); longer integer literals become (rounded) floats.
_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1
ID_FIELDS = ("userId", "anonymousId", "groupId", "previousId", "messageId")


class LimitExceeded(ValueError):
    """A decoded event breaks one input limit; the message names where and which limit."""


@dataclass(frozen=True, slots=True)
class EventLimits:
    """The limits one event is checked against (defaults: the constants above)."""

    max_depth: int = MAX_DEPTH
    max_string_chars: int = MAX_STRING_CHARS
    max_key_chars: int = MAX_KEY_CHARS
    max_id_chars: int = MAX_ID_CHARS
    max_container_items: int = MAX_CONTAINER_ITEMS


DEFAULT_LIMITS = EventLimits()


def check_limits(decoded: Any, raw: bytes, limits: EventLimits = DEFAULT_LIMITS) -> None:
    """Raise LimitExceeded for the first limit `decoded` (orjson's reading of `raw`) breaks."""
    if isinstance(decoded, dict):
        for name in ID_FIELDS:
            value = decoded.get(name)
            if isinstance(value, str) and len(value) > limits.max_id_chars:
                raise LimitExceeded(f"{name}: {len(value)} characters, longer than the "
                                    f"{limits.max_id_chars}-character limit for ids")
    suspect = _scan(decoded, limits)
    if suspect is None:  # something is beyond a limit: find where, for the message
        _walk(decoded, limits)
        raise LimitExceeded("beyond an input limit")  # not reached: _walk raised
    if suspect:
        _check_integer_literals(raw)


def _scan(root: Any, limits: EventLimits) -> bool | None:
    """The hot path: None when a limit is broken, else whether a float may be an over-long
    integer literal. Exact type checks: orjson makes only dict, list, str, int, float, bool."""
    max_string, max_key = limits.max_string_chars, limits.max_key_chars
    suspect = False
    stack: list[tuple[Any, int]] = [([root], 0)]  # the root inside a list of depth 0
    while stack:
        node, depth = stack.pop()
        if depth > limits.max_depth or len(node) > limits.max_container_items:
            return None
        if type(node) is dict:
            if node and max(map(len, node)) > max_key:
                return None
            node = node.values()
        for value in node:
            kind = type(value)
            if kind is str:
                if len(value) > max_string:
                    return None
            elif kind is dict or kind is list:
                stack.append((value, depth + 1))
            elif kind is float and not suspect:
                suspect = _may_be_long_integer(value)
    return suspect


def _walk(root: Any, limits: EventLimits) -> bool:
    """Check every value with its path (slow, for the message); True when a float may be an
    over-long integer literal."""
    suspect = False
    stack: list[tuple[Any, int, str]] = [(root, 1, "")]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict | list):
            _check_container(node, depth, path, limits)
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in items:
                child = _child_path(path, key)
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1, child))
                elif isinstance(value, str):
                    _check_string(value, child, limits)
                elif isinstance(value, float):
                    suspect = suspect or _may_be_long_integer(value)
        elif isinstance(node, str):
            _check_string(node, path, limits)
        elif isinstance(node, float):
            suspect = suspect or _may_be_long_integer(node)
    return suspect


def _check_container(node: dict[str, Any] | list[Any], depth: int, path: str,
                     limits: EventLimits) -> None:
    where = _shown(path)
    if depth > limits.max_depth:
        raise LimitExceeded(f"{where}: nested deeper than the {limits.max_depth}-level limit")
    if len(node) > limits.max_container_items:
        kind = "keys" if isinstance(node, dict) else "items"
        raise LimitExceeded(f"{where}: {len(node)} {kind}, more than the "
                            f"{limits.max_container_items} limit")
    if isinstance(node, dict):
        for key in node:
            if len(key) > limits.max_key_chars:
                raise LimitExceeded(f"{where}: a key of {len(key)} characters "
                                    f"({key[:32]!r}...), longer than the "
                                    f"{limits.max_key_chars}-character limit for keys")


def _check_string(value: str, path: str, limits: EventLimits) -> None:
    if len(value) > limits.max_string_chars:
        raise LimitExceeded(f"{_shown(path)}: a string of {len(value)} characters, longer "
                            f"than the {limits.max_string_chars}-character limit")


def _shown(path: str) -> str:
    if not path:
        return "the event"
    return path if len(path) <= 80 else f"{path[:40]}...{path[-32:]}"


def _child_path(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    shown = key if len(key) <= 32 else key[:32] + "..."
    return f"{path}.{shown}" if path else shown


def _may_be_long_integer(value: float) -> bool:
    return value.is_integer() and abs(value) >= 2**63


def _check_integer_literals(raw: bytes) -> None:
    """A slow second reading, only when a float could have been an integer literal: orjson
    rounds integers beyond 64 bits to floats, which would silently change the value."""

    def exact_integer(text: str) -> int:
        # 21 characters hold every 64-bit integer; longer text is not even handed to int()
        # (Python refuses to convert more than 4,300 digits)
        if len(text) > 21 or not _INT_MIN <= int(text) <= _INT_MAX:
            shown = text if len(text) <= 24 else text[:24] + "..."
            raise LimitExceeded(f"integer {shown} does not fit in 64 bits and would lose "
                                "precision: send it as a string")
        return int(text)

    json.loads(raw, parse_int=exact_integer)
