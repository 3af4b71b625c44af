"""Load a destination config file: YAML, `${ENV}` secrets, typed models, every error at once."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from stream.mappings.destination import (
    MAX_MAPPINGS,
    DestinationConfig,
    DestinationHeader,
    MappingConfig,
    MappingModel,
)
from stream.mappings.environment import substitute_environment
from stream.mappings.fields import FieldSpec
from stream.mappings.mapping_check import check_mapping
from stream.mappings.problems import ConfigProblem, DestinationConfigError
from stream.mappings.validation_text import describe_validation_error

Catalog = Mapping[str, Sequence[FieldSpec]]


def load_destination(
    path: Path,
    catalog: Catalog,
    env: Mapping[str, str] | None = None,
    *,
    require_secrets: bool = True,
) -> DestinationConfig:
    """The destination config at `path`, checked against `catalog` (action name -> fields).

    `env` defaults to os.environ. With `require_secrets=False` an unset `${VAR}` becomes the
    placeholder "0" instead of an error (to check a config's structure without its secrets).
    Raises DestinationConfigError (a ConfigError) listing every problem found, each naming the
    file, the mapping id, the field and the fix.
    """
    file = str(path)
    document = _read_yaml(path)
    document, unset = substitute_environment(
        document, os.environ if env is None else env, placeholders=not require_secrets
    )
    problems = [_unset_problem(file, document, location, name) for location, name in unset]
    header = _validate_header(file, document, problems)
    raw_mappings = document.get("mappings") if isinstance(document, dict) else None
    mappings = _load_mappings(file, raw_mappings, catalog, problems)
    if problems or header is None:
        raise DestinationConfigError(file, _without_follow_ons(problems))
    return DestinationConfig(header.destination, path, header.hubspot, tuple(mappings))


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problem = ConfigProblem(
            str(path), None, "file", f"cannot be read ({exc.strerror})", "check the path"
        )
        raise DestinationConfigError(str(path), [problem]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = ConfigProblem(
            str(path), None, "file", f"is not valid YAML ({where})", "fix the YAML syntax there"
        )
        raise DestinationConfigError(str(path), [problem]) from None


def _validate_header(
    file: str, document: Any, problems: list[ConfigProblem]
) -> DestinationHeader | None:
    if not isinstance(document, dict):
        problems.append(
            ConfigProblem(
                file, None, "file", "is not a mapping of keys", "start with `destination: <id>`"
            )
        )
        return None
    try:
        header = DestinationHeader.model_validate(document)
    except ValidationError as exc:
        problems.extend(describe_validation_error(file, None, exc))
        return None
    connection = header.hubspot
    if connection.plan is None and connection.limits is None:
        problems.append(
            ConfigProblem(
                file,
                None,
                "hubspot.plan",
                "neither a plan nor explicit limits are set",
                "set hubspot.plan (free, starter, professional, enterprise, api_add_on, "
                "public_app) or hubspot.limits.requests_per_10s and requests_per_day",
            )
        )
    return header


def _load_mappings(
    file: str, raw: Any, catalog: Catalog, problems: list[ConfigProblem]
) -> list[MappingConfig]:
    if not isinstance(raw, list) or not raw:
        problems.append(
            ConfigProblem(file, None, "mappings", "no mappings", "add at least one mapping")
        )
        return []
    if len(raw) > MAX_MAPPINGS:
        problems.append(
            ConfigProblem(
                file,
                None,
                "mappings",
                f"{len(raw)} mappings, more than the limit of {MAX_MAPPINGS}",
                f"remove or merge mappings until at most {MAX_MAPPINGS} remain",
            )
        )
    loaded: list[MappingConfig] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        model = _validate_mapping(file, item, index, seen, problems)
        mapping = None if model is None else check_mapping(file, model, catalog, problems)
        if mapping is not None:
            loaded.append(mapping)
    return loaded


def _validate_mapping(
    file: str, item: Any, index: int, seen: dict[str, int], problems: list[ConfigProblem]
) -> MappingModel | None:
    """The typed mapping, or None when invalid or its id repeats an earlier one (reported)."""
    try:
        model = MappingModel.model_validate(item)
    except ValidationError as exc:
        problems.extend(describe_validation_error(file, _mapping_label(item, index), exc))
        return None
    if model.id in seen:
        problem = f"duplicates the id of mappings[{seen[model.id]}]"
        problems.append(
            ConfigProblem(file, model.id, "id", problem, "give every mapping a unique id")
        )
        return None
    seen[model.id] = index
    return model


def _without_follow_ons(problems: list[ConfigProblem]) -> list[ConfigProblem]:
    """The first problem per (mapping, field): an unset secret also fails validation after."""
    seen: set[tuple[str | None, str]] = set()
    kept: list[ConfigProblem] = []
    for problem in problems:
        key = (problem.mapping, problem.field)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def _mapping_label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
        return str(item["id"])
    return f"mappings[{index}]"


def _unset_problem(file: str, document: Any, location: str, name: str) -> ConfigProblem:
    mapping = None
    field = location
    if location.startswith("mappings[") and isinstance(document, dict):
        index = int(location[len("mappings[") : location.index("]")])
        mapping = _mapping_label(document["mappings"][index], index)
        field = location[location.index("]") + 2 :]
    return ConfigProblem(
        file,
        mapping,
        field,
        f"environment variable {name} is not set",
        f"export {name} before starting (or use ${{{name}:-default}} for a default)",
    )
