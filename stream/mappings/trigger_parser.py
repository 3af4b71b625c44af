"""Trigger language parser: text to the typed tree, once at config load."""

from __future__ import annotations

import json
import math

from stream.mappings.trigger import And, Compare, Field, Function, Or, Trigger
from stream.mappings.trigger_syntax import (
    OBJECT_ROOTS,
    SCALAR_ROOTS,
    CompareOp,
    FunctionName,
    Literal_,
    Token,
    TriggerSyntaxError,
    split_path,
    tokenize,
)

# Bounds that keep parsing, evaluation and printing (all recursive) far from Python's recursion
# limit; real triggers use a handful of conditions and one or two levels of parentheses.
MAX_NESTING = 32
MAX_CONDITIONS = 100


def parse_trigger(text: str) -> Trigger:
    """The typed tree of `text`. Raises TriggerSyntaxError naming the position of the problem."""
    parser = _Parser(text)
    tree = parser.parse_or()
    parser.expect("end", "the end of the trigger")
    return tree


class _Parser:
    """Recursive descent: or := and ("or" and)*; and := unary ("and" unary)*."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.nesting = 0
        self.conditions = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, expected: str, token: Token | None = None) -> TriggerSyntaxError:
        token = token or self.current
        found = repr(token.text) if token.kind != "end" else "the end"
        return TriggerSyntaxError(self.text, token.position, f"expected {expected}, found {found}")

    def beyond(self, problem: str) -> TriggerSyntaxError:
        return TriggerSyntaxError(self.text, self.current.position, problem)

    def expect(self, kind: str, expected: str, text: str | None = None) -> Token:
        token = self.current
        if token.kind != kind or (text is not None and token.text != text):
            raise self.fail(expected)
        return self.advance()

    def is_word(self, word: str) -> bool:
        return self.current.kind == "path" and self.current.text == word

    def parse_or(self) -> Trigger:
        tree = self.parse_and()
        while self.is_word("or"):
            self.advance()
            tree = Or(tree, self.parse_and())
        return tree

    def parse_and(self) -> Trigger:
        tree = self.parse_unary()
        while self.is_word("and"):
            self.advance()
            tree = And(tree, self.parse_unary())
        return tree

    def parse_unary(self) -> Trigger:
        token = self.current
        if token.kind == "punct" and token.text == "(":
            self.nesting += 1
            if self.nesting > MAX_NESTING:
                raise self.beyond(f"more than {MAX_NESTING} nested parentheses")
            self.advance()
            tree = self.parse_or()
            self.expect("punct", "')'", ")")
            self.nesting -= 1
            return tree
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise self.beyond(f"more than {MAX_CONDITIONS} conditions")
        if token.kind == "bang":
            self.advance()
            return self.parse_function(negated=True)
        if self.is_word("contains") or self.is_word("match"):
            return self.parse_function(negated=False)
        return self.parse_compare()

    def parse_function(self, negated: bool) -> Function:
        token = self.current
        if not (self.is_word("contains") or self.is_word("match")):
            raise self.fail("contains or match after '!'")
        self.advance()
        self.expect("punct", f"'(' after {token.text}", "(")
        target = self.parse_field()
        self.expect("punct", "','", ",")
        argument = self.parse_string()
        self.expect("punct", "')'", ")")
        name: FunctionName = "contains" if token.text == "contains" else "match"
        return Function(name, target, argument, negated)

    def parse_compare(self) -> Compare:
        target = self.parse_field()
        op_token = self.expect("op", f"an operator (=, !=, <, <=, >, >=) after {target}")
        op: CompareOp = op_token.text  # type: ignore[assignment]  # TOKEN's op group
        value_token = self.current
        value = self.parse_literal()
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if op not in ("=", "!=") and not is_number:
            raise self.fail(f"a number after {op}", value_token)
        return Compare(target, op, value)

    def parse_field(self) -> Field:
        token = self.expect("path", "a field such as type, event or properties.<name>")
        path = split_path(token.text)
        root_ok = (path[0] in SCALAR_ROOTS and len(path) == 1) or path[0] in OBJECT_ROOTS
        if not root_ok:
            fields = ", ".join(sorted(SCALAR_ROOTS)) + ", properties.*, traits.*, context.*"
            raise self.fail(f"a field ({fields})", token)
        return Field(path)

    def parse_string(self) -> str:
        value = self.parse_literal()
        if not isinstance(value, str):
            raise self.fail("a double-quoted string", self.tokens[self.index - 1])
        return value

    def parse_literal(self) -> Literal_:
        token = self.current
        if token.kind == "string":
            self.advance()
            try:
                text: str = json.loads(token.text)
            except json.JSONDecodeError:
                raise self.fail("a valid string (bad escape)", token) from None
            return text
        if token.kind == "number":
            self.advance()
            try:
                number: int | float = json.loads(token.text)
            except ValueError:  # a leading zero, or more digits than Python converts
                raise self.fail("a JSON number", token) from None
            if isinstance(number, float) and not math.isfinite(number):
                raise self.fail("a finite number", token)
            return number
        words: dict[str, Literal_] = {"true": True, "false": False, "null": None}
        if token.kind == "path" and token.text in words:
            self.advance()
            return words[token.text]
        raise self.fail('a value (a "string", a number, true, false or null)')
