"""Tokens and the typed tree of the trigger language (Segment's subscription syntax)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from stream.errors import ConfigError

Literal_ = str | int | float | bool | None
CompareOp = Literal["=", "!=", "<", "<=", ">", ">="]
FunctionName = Literal["contains", "match"]

# Fields a trigger may read; the three objects take a dotted path below them.
SCALAR_ROOTS = frozenset({"type", "event", "name", "userId", "anonymousId", "groupId", "category"})
OBJECT_ROOTS = frozenset({"properties", "traits", "context"})
_PLAIN_SEGMENT = re.compile(r"[A-Za-z_$][\w$-]*|\d+")
_SEGMENT = r"(?:[A-Za-z_$][\w$-]*|`(?:[^`\\]|\\.)*`)"
_TAIL_SEGMENT = r"(?:[\w$-]+|`(?:[^`\\]|\\.)*`)"
TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<string>\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<op>!=|<=|>=|=|<|>)"
    r"|(?P<bang>!)"
    r"|(?P<punct>[(),])"
    rf"|(?P<path>{_SEGMENT}(?:\.{_TAIL_SEGMENT})*)"
)


class TriggerSyntaxError(ConfigError):
    """A trigger that does not parse; `position` is the 0-based character offset of the problem."""

    def __init__(self, text: str, position: int, problem: str) -> None:
        super().__init__(f"at position {position}: {problem} in {text!r}")
        self.text = text
        self.position = position
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token: `kind` is a group name of TOKEN or `end`."""

    kind: str
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    """Tokens of `text`, ending with an `end` token. Raises TriggerSyntaxError on a stray char."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        found = TOKEN.match(text, position)
        if found is None:
            raise TriggerSyntaxError(text, position, f"unexpected character {text[position]!r}")
        kind = found.lastgroup or "space"
        if kind != "space":
            tokens.append(Token(kind, found.group(), position))
        position = found.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def split_path(text: str) -> tuple[str, ...]:
    """Segments of a dotted path token; backquoted segments are unescaped."""
    segments = re.findall(r"`(?:[^`\\]|\\.)*`|[^.`]+", text)
    return tuple(
        re.sub(r"\\(.)", r"\1", seg[1:-1]) if seg.startswith("`") else seg for seg in segments
    )


def format_path(path: tuple[str, ...]) -> str:
    """Inverse of split_path: plain segments as is, others in backquotes."""
    return ".".join(
        seg
        if _PLAIN_SEGMENT.fullmatch(seg) and (i or not seg.isdigit())
        else "`" + seg.replace("\\", "\\\\").replace("`", "\\`") + "`"
        for i, seg in enumerate(path)
    )


def format_literal(value: Literal_) -> str:
    """A literal as trigger text: JSON spelling (strings double-quoted, null, true, false)."""
    return json.dumps(value, ensure_ascii=False)
