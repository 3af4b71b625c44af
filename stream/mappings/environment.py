"""`${ENV_VAR}` substitution in destination configs, so secrets stay out of files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Stands in for unset variables when only the structure is checked: valid as a token and a Hub ID.
PLACEHOLDER = "0"
_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")


def substitute_environment(
    document: Any, env: Mapping[str, str], *, placeholders: bool = False
) -> tuple[Any, list[tuple[str, str]]]:
    """Copy of `document` with `${NAME}` / `${NAME:-default}` replaced in every string.

    Returns the copy and the (location, variable name) pairs that were not set and had no
    default; with `placeholders` those become PLACEHOLDER and are not returned.
    """
    unset: list[tuple[str, str]] = []
    copy = _substitute(document, env, "", unset)
    if not placeholders:
        return copy, unset
    names = {name: PLACEHOLDER for _, name in unset}
    return _substitute(document, {**env, **names}, "", []), []


def _substitute(
    value: Any, env: Mapping[str, str], location: str, unset: list[tuple[str, str]]
) -> Any:
    if isinstance(value, str):
        return _substitute_text(value, env, location, unset)
    if isinstance(value, dict):
        return {
            key: _substitute(item, env, _join(location, str(key)), unset)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_substitute(item, env, f"{location}[{i}]", unset) for i, item in enumerate(value)]
    return value


def _substitute_text(
    text: str, env: Mapping[str, str], location: str, unset: list[tuple[str, str]]
) -> str:
    def replace(found: re.Match[str]) -> str:
        name, default = found["name"], found["default"]
        if name in env and env[name] != "":
            return env[name]
        if default is not None:
            return default
        unset.append((location, name))
        return ""

    return _REFERENCE.sub(replace, text)


def _join(location: str, key: str) -> str:
    return f"{location}.{key}" if location else key
