"""Mapping directives (Segment mapping-kit semantics), compiled once into resolver functions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from stream.errors import ConfigError
from stream.mappings import directive_ops as ops
from stream.mappings.path import MISSING, PathError, Resolver, compile_path


class DirectiveError(ConfigError):
    """A mapping that is not a valid directive tree; `location` says where inside the field."""

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(f"{location}: {problem}" if location else problem)
        self.location = location
        self.problem = problem


Compiler = Callable[[Any, str], Resolver]


def compile_directive(mapping: Any, location: str = "") -> Resolver:
    """Resolver for a mapping value: raw JSON, a "$.path" string, or an @-directive object.

    Nested objects and arrays are compiled recursively; missing values inside them are dropped.
    Raises DirectiveError (a ConfigError) for unknown directives and malformed options.
    """
    if isinstance(mapping, str):
        if mapping.startswith("$.") or mapping == "$":
            return _compile_path(mapping, location)
        return _constant(mapping)
    if isinstance(mapping, dict):
        directive = [key for key in mapping if isinstance(key, str) and key.startswith("@")]
        if directive:
            return _compile_directive_object(mapping, directive, location)
        return _compile_object(mapping, location)
    if isinstance(mapping, list):
        return _compile_array(mapping, location)
    return _constant(mapping)


def _compile_directive_object(
    mapping: Mapping[str, Any], directive: list[str], location: str
) -> Resolver:
    name = directive[0]
    if len(mapping) != 1:
        others = ", ".join(sorted(str(key) for key in mapping))
        raise DirectiveError(location, f"a directive object holds exactly one @-key; got {others}")
    compiler = _DIRECTIVES.get(name)
    if compiler is None:
        known = ", ".join(sorted(_DIRECTIVES))
        raise DirectiveError(location, f"unknown directive {name}; use one of {known}")
    return compiler(mapping[name], f"{location}.{name}" if location else name)


def _constant(value: Any) -> Resolver:
    return lambda _root: value


def _compile_path(text: Any, location: str) -> Resolver:
    if not isinstance(text, str):
        example = '"$.traits.email"'
        raise DirectiveError(location, f"takes a string such as {example}; got {text!r}")
    try:
        return compile_path(text)
    except PathError as exc:
        raise DirectiveError(location, str(exc)) from None


def _compile_object(mapping: Mapping[Any, Any], location: str) -> Resolver:
    items = tuple(
        (str(key), compile_directive(value, f"{location}.{key}" if location else str(key)))
        for key, value in mapping.items()
    )

    def resolve(root: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, resolver in items:
            value = resolver(root)
            if value is not MISSING:
                result[key] = value
        return result

    return resolve


def _compile_array(mapping: list[Any], location: str) -> Resolver:
    resolvers = tuple(compile_directive(item, f"{location}[{i}]") for i, item in enumerate(mapping))
    return lambda root: [
        value for value in (resolver(root) for resolver in resolvers) if value is not MISSING
    ]


def _compile_literal(value: Any, _location: str) -> Resolver:
    return _constant(value)


def _options(value: Any, location: str, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DirectiveError(location, f"takes an object with {', '.join(required)}")
    missing = [key for key in required if key not in value]
    if missing:
        raise DirectiveError(location, f"needs the key {missing[0]!r}")
    return value


def _option(options: Mapping[str, Any], key: str, kind: type, location: str, default: Any) -> Any:
    value = options.get(key, default)
    if not isinstance(value, kind):
        raise DirectiveError(f"{location}.{key}", f"must be a {kind.__name__}; got {value!r}")
    return value


def _choice(options: Mapping[str, Any], key: str, allowed: tuple[str, ...], location: str) -> str:
    value = options[key]
    if value not in allowed:
        choices = " or ".join(f'"{choice}"' for choice in allowed)
        raise DirectiveError(f"{location}.{key}", f"must be {choices}; got {value!r}")
    return str(value)


def _compile_if(value: Any, location: str) -> Resolver:
    options = _options(value, location, ())
    conditions = [key for key in ("exists", "blank") if key in options]
    if len(conditions) != 1:
        raise DirectiveError(location, 'needs exactly one condition: "exists" or "blank"')
    condition = compile_directive(options[conditions[0]], f"{location}.{conditions[0]}")
    then = compile_directive(options["then"], f"{location}.then") if "then" in options else None
    other = compile_directive(options["else"], f"{location}.else") if "else" in options else None
    if then is None and other is None:
        raise DirectiveError(location, 'needs a "then" or an "else" branch')
    test = ops.is_present if conditions[0] == "exists" else ops.is_not_blank
    return ops.if_resolver(condition, test, then, other)


def _compile_template(value: Any, location: str) -> Resolver:
    if not isinstance(value, str):
        raise DirectiveError(location, 'takes a string such as "{{traits.first_name}}"')
    try:
        return ops.template_resolver(value)
    except PathError as exc:
        raise DirectiveError(location, str(exc)) from None


def _compile_case(value: Any, location: str) -> Resolver:
    options = _options(value, location, ("operator", "value"))
    operator = _choice(options, "operator", ("lower", "upper"), location)
    return ops.case_resolver(compile_directive(options["value"], f"{location}.value"), operator)


def _compile_replace(value: Any, location: str) -> Resolver:
    options = _options(value, location, ("pattern", "value"))
    pairs = [
        (
            _option(options, "pattern", str, location, ""),
            _option(options, "replacement", str, location, ""),
        ),
        (
            _option(options, "pattern2", str, location, ""),
            _option(options, "replacement2", str, location, ""),
        ),
    ]
    if not pairs[0][0]:
        raise DirectiveError(f"{location}.pattern", "must not be empty")
    return ops.replace_resolver(
        compile_directive(options["value"], f"{location}.value"),
        [pair for pair in pairs if pair[0]],
        replace_all=_option(options, "global", bool, location, True),
        ignore_case=_option(options, "ignorecase", bool, location, False),
    )


def _compile_array_path(value: Any, location: str) -> Resolver:
    if not isinstance(value, list) or not 1 <= len(value) <= 2:
        raise DirectiveError(location, 'takes ["$.path.to.array", {item shape}]')
    source = value[0]
    root = (
        _compile_path(source, location)
        if isinstance(source, str)
        else compile_directive(source, f"{location}[0]")
    )
    shape = value[1] if len(value) == 2 else None
    if shape is not None and not isinstance(shape, dict):
        raise DirectiveError(f"{location}[1]", "the item shape must be an object")
    item = compile_directive(shape, f"{location}[1]") if shape else None
    return ops.array_path_resolver(root, item)


def _compile_json(value: Any, location: str) -> Resolver:
    options = _options(value, location, ("mode", "value"))
    mode = _choice(options, "mode", ("encode", "decode"), location)
    return ops.json_resolver(compile_directive(options["value"], f"{location}.value"), mode)


def _compile_flatten(value: Any, location: str) -> Resolver:
    options = _options(value, location, ("value", "separator"))
    separator = _option(options, "separator", str, location, ".")
    omit_arrays = _option(options, "omitArrays", bool, location, False)
    inner = compile_directive(options["value"], f"{location}.value")
    return ops.flatten_resolver(inner, separator, omit_arrays)


def _compile_merge(value: Any, location: str) -> Resolver:
    options = _options(value, location, ("objects", "direction"))
    objects = options["objects"]
    if not isinstance(objects, list):
        raise DirectiveError(f"{location}.objects", "must be a list of objects or directives")
    direction = _choice(options, "direction", ("left", "right"), location)
    resolvers = [
        compile_directive(item, f"{location}.objects[{i}]") for i, item in enumerate(objects)
    ]
    return ops.merge_resolver(resolvers, right_wins=direction == "right")


_DIRECTIVES: dict[str, Compiler] = {
    "@path": _compile_path,
    "@literal": _compile_literal,
    "@template": _compile_template,
    "@if": _compile_if,
    "@case": _compile_case,
    "@replace": _compile_replace,
    "@arrayPath": _compile_array_path,
    "@json": _compile_json,
    "@flatten": _compile_flatten,
    "@merge": _compile_merge,
}
