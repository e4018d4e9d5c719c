"""Findings: what validation reports, and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is; errors and warnings fail ``validate``, notes do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True, order=True)
class Loc:
    """A place in a file: 1-based line and column (column counts characters)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: a rule id, where it is, the values its message needs, related places."""

    rule: str
    loc: Loc
    params: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    related: tuple[Loc, ...] = ()

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.loc.file, self.loc.line, self.loc.col, self.rule)
