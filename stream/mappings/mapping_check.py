"""Checks one mapping against its action's fields and compiles it (config load time only)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from stream.mappings.destination import MappingConfig, MappingModel
from stream.mappings.directives import DirectiveError, compile_directive
from stream.mappings.fields import FieldSpec
from stream.mappings.path import Resolver
from stream.mappings.problems import ConfigProblem
from stream.mappings.renderer import Renderer
from stream.mappings.trigger import Trigger
from stream.mappings.trigger_parser import parse_trigger
from stream.mappings.trigger_syntax import TriggerSyntaxError

_SCALAR_KINDS: Mapping[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
}


class _Reporter:
    """Collects problems for one mapping."""

    def __init__(self, file: str, mapping_id: str, problems: list[ConfigProblem]) -> None:
        self.file = file
        self.mapping_id = mapping_id
        self.problems = problems
        self.count = 0

    def add(self, field: str, problem: str, fix: str) -> None:
        self.problems.append(ConfigProblem(self.file, self.mapping_id, field, problem, fix))
        self.count += 1


def check_mapping(
    file: str,
    model: MappingModel,
    catalog: Mapping[str, Sequence[FieldSpec]],
    problems: list[ConfigProblem],
) -> MappingConfig | None:
    """The compiled mapping, or None after appending every problem found to `problems`."""
    report = _Reporter(file, model.id, problems)
    trigger = _parse_trigger(model.trigger, report)
    specs = catalog.get(model.action)
    if specs is None:
        known = sorted(catalog)
        report.add(
            "action",
            f"unknown action {model.action!r}",
            f"use one of {_choices(model.action, known)}",
        )
        return None
    fields = _effective_fields(model, specs, report)
    _check_required(model.action, specs, fields, report)
    resolvers = _compile_fields(fields, report)
    if report.count or trigger is None:
        return None
    return MappingConfig(
        id=model.id,
        name=model.name or model.id,
        action=model.action,
        trigger=trigger,
        fields=fields,
        renderer=Renderer(tuple(resolvers)),
        field_specs=tuple(specs),
        enabled=model.enabled,
        batching=model.batching,
    )


def _parse_trigger(text: str, report: _Reporter) -> Trigger | None:
    try:
        return parse_trigger(text)
    except TriggerSyntaxError as exc:
        fix = 'write e.g. type = "track" and event = "Order Completed" (see docs/mappings.md)'
        report.add("trigger", f"syntax error at position {exc.position}: {exc.problem}", fix)
        return None


def _effective_fields(
    model: MappingModel, specs: Sequence[FieldSpec], report: _Reporter
) -> dict[str, Any]:
    by_name = {spec.name: spec for spec in specs}
    fields: dict[str, Any] = {}
    if model.use_default_mappings:
        fields = {spec.name: spec.default for spec in specs if spec.default is not None}
    for name, mapping in model.fields.items():
        spec = by_name.get(name)
        if spec is None:
            fix = f"use one of {_choices(name, list(by_name))}"
            report.add(f"fields.{name}", f"unknown field for action {model.action}", fix)
            continue
        if mapping is None:
            fields.pop(name, None)
            continue
        effective = _with_sub_defaults(spec, mapping) if model.use_default_mappings else mapping
        _check_literal(spec, effective, f"fields.{name}", report)
        fields[name] = effective
    return fields


def _with_sub_defaults(spec: FieldSpec, mapping: Any) -> Any:
    """A structured object written as a plain dict takes its sub-fields' defaults under it."""
    if not spec.properties or spec.multiple or not _is_plain_object(mapping):
        return mapping
    merged = {sub.name: sub.default for sub in spec.properties if sub.default is not None}
    merged.update(mapping)
    return {key: value for key, value in merged.items() if value is not None}


def _is_plain_object(mapping: Any) -> bool:
    return isinstance(mapping, dict) and not any(str(key).startswith("@") for key in mapping)


def _check_literal(spec: FieldSpec, mapping: Any, where: str, report: _Reporter) -> None:
    if _is_plain_object(mapping):
        if spec.properties and not spec.multiple:
            _check_structure(spec, mapping, where, report)
        return
    if not isinstance(mapping, dict | list) and not _literal_fits(spec.type, mapping):
        article = "an" if spec.type[0] in "aeiou" else "a"
        report.add(
            where,
            f"{mapping!r} is not {article} {spec.type}",
            f'use {article} {spec.type} or a mapping such as "$.properties.x"',
        )
    is_literal_text = isinstance(mapping, str) and not mapping.startswith("$")
    if spec.choices and is_literal_text and mapping not in spec.choices:
        report.add(
            where, f"{mapping!r} is not an allowed value", f"use one of {', '.join(spec.choices)}"
        )


def _literal_fits(kind: str, value: Any) -> bool:
    kinds = _SCALAR_KINDS.get(kind)
    if kinds is None or (isinstance(value, str) and value.startswith("$")):
        return True
    if isinstance(value, str):
        return value in ("true", "false") if kind == "boolean" else _is_number_text(value, kind)
    return isinstance(value, kinds) and isinstance(value, bool) == (bool in kinds)


def _is_number_text(text: str, kind: str) -> bool:
    try:
        number = float(text)
    except ValueError:
        return False
    return kind == "number" or number.is_integer()


def _check_structure(
    spec: FieldSpec, mapping: Mapping[str, Any], where: str, report: _Reporter
) -> None:
    by_name = {sub.name: sub for sub in spec.properties}
    for key in mapping:
        if key not in by_name:
            report.add(
                f"{where}.{key}",
                f"unknown key of {spec.name}",
                f"use one of {_choices(str(key), list(by_name))}",
            )
    for sub in spec.properties:
        if sub.name in mapping:
            _check_literal(sub, mapping[sub.name], f"{where}.{sub.name}", report)
        elif sub.required and sub.default is None:
            report.add(
                f"{where}.{sub.name}",
                f"required by {spec.name} and not mapped",
                f"add {where}.{sub.name}",
            )


def _check_required(
    action: str, specs: Sequence[FieldSpec], fields: Mapping[str, Any], report: _Reporter
) -> None:
    for spec in specs:
        if spec.required and fields.get(spec.name) is None:
            report.add(
                f"fields.{spec.name}",
                f"required by action {action} and not mapped",
                f'map fields.{spec.name} (e.g. "$.properties.{spec.name}") or a literal value',
            )


def _compile_fields(fields: Mapping[str, Any], report: _Reporter) -> list[tuple[str, Resolver]]:
    resolvers: list[tuple[str, Resolver]] = []
    for name, mapping in fields.items():
        try:
            resolvers.append((name, compile_directive(mapping, f"fields.{name}")))
        except DirectiveError as exc:
            fix = "correct the directive (see docs/mappings.md, Directives)"
            report.add(exc.location, exc.problem, fix)
    return resolvers


def _choices(given: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(given, known, n=1)
    listed = ", ".join(known)
    return f"{listed} (did you mean {close[0]!r}?)" if close else listed
