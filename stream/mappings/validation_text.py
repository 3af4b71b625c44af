"""Turns pydantic validation errors into ConfigProblems with a field path and a fix."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from stream.mappings.destination import (
    BatchingOptions,
    DestinationHeader,
    HubSpotConnection,
    MappingModel,
    OAuthAuth,
    PrivateAppAuth,
    RateLimits,
)
from stream.mappings.problems import ConfigProblem

# Parent path -> the models whose keys are allowed there (for "unknown key" fixes).
_MODELS_AT: Mapping[str, tuple[type[BaseModel], ...]] = {
    "": (DestinationHeader,),
    "hubspot": (HubSpotConnection,),
    "hubspot.auth": (PrivateAppAuth, OAuthAuth),
    "hubspot.limits": (RateLimits,),
    "mapping": (MappingModel,),
    "mapping.batching": (BatchingOptions,),
}
_AUTH_TAGS = frozenset({"private_app", "oauth"})
_PATTERN_FIXES = {
    "id": "use 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit",
    "destination": "use 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit",
    "hubspot.base_url": "use an http(s) URL such as https://api.hubapi.com",
    "hubspot.hub_id": 'use the numeric Hub ID shown in HubSpot (e.g. "12345678")',
}


def describe_validation_error(
    file: str, mapping: str | None, error: ValidationError
) -> list[ConfigProblem]:
    """One ConfigProblem per pydantic error; `mapping` names the mapping when inside one."""
    return [_describe(file, mapping, detail) for detail in error.errors()]


def _describe(file: str, mapping: str | None, detail: ErrorDetails) -> ConfigProblem:
    segments = [seg for seg in detail["loc"] if seg not in _AUTH_TAGS]
    field = _format_loc(segments)
    parent = _format_loc(segments[:-1])
    kind = detail["type"]
    if kind == "missing":
        return ConfigProblem(file, mapping, field, "is required", f"add {field}")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(("mapping." + parent).rstrip(".") if mapping else parent)
        close = difflib.get_close_matches(str(segments[-1]), allowed, n=1)
        action = f"rename it to {close[0]!r}" if close else "remove it"
        fix = f"{action} (allowed here: {', '.join(allowed)})"
        return ConfigProblem(file, mapping, field, "is not a known key", fix)
    if kind == "string_too_short":
        return ConfigProblem(file, mapping, field, "is empty", f"set {field}")
    if kind == "string_pattern_mismatch":
        problem = f"{_shown(segments, detail['input'])} is not valid"
        return ConfigProblem(
            file, mapping, field, problem, _PATTERN_FIXES.get(field, detail["msg"])
        )
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        fix = (
            "set type: private_app (with token) or type: oauth "
            "(with client_id, client_secret, refresh_token)"
        )
        return ConfigProblem(file, mapping, field, "has no valid auth type", fix)
    problem = f"{_shown(segments, detail['input'])} is not valid"
    return ConfigProblem(file, mapping, field, problem, _lower_first(detail["msg"]))


def _format_loc(segments: list[int | str]) -> str:
    text = ""
    for seg in segments:
        text += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if text else str(seg))
    return text


def _allowed_keys(parent: str) -> list[str]:
    models = _MODELS_AT.get(parent, ())
    return sorted({name for model in models for name in model.model_fields})


def _shown(segments: list[int | str], value: Any) -> str:
    """The value as written, except anything under hubspot.auth (a mistyped secret is still a
    secret: it never prints)."""
    if segments[:2] == ["hubspot", "auth"]:
        return "the value (secret, not shown)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
