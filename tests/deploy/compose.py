"""docker-compose.yml read as the test needs it: variables interpolated, services by name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from tests.fixtures.process import REPO_ROOT

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
VARIABLE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    """`${NAME}` and `${NAME:-default}` as Compose substitutes them."""
    def value(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in variables:
            return variables[name]
        assert default is not None, f"${{{name}}} has no default in {COMPOSE_FILE.name}"
        return default

    return VARIABLE.sub(value, text)


def compose_services(variables: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The services of docker-compose.yml with `variables` interpolated."""
    document = yaml.safe_load(interpolate(COMPOSE_FILE.read_text(), variables or {}))
    services: dict[str, Any] = document["services"]
    return services
