"""Destination config problems: each names the file, the mapping, the field and the fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stream.errors import ConfigError


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a destination config file."""

    file: str
    mapping: str | None
    field: str
    problem: str
    fix: str

    def __str__(self) -> str:
        where = f'{self.file}: mapping "{self.mapping}": ' if self.mapping else f"{self.file}: "
        return f"{where}{self.field}: {self.problem}. Fix: {self.fix}"


class DestinationConfigError(ConfigError):
    """Every problem found in a destination config, reported at once (startup only)."""

    def __init__(self, file: str, problems: Sequence[ConfigProblem]) -> None:
        count = f"{len(problems)} error" + ("" if len(problems) == 1 else "s")
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{file}: {count} in destination config:\n{lines}")
        self.file = file
        self.problems = tuple(problems)
