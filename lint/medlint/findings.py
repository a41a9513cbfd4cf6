"""The values every stage passes along: spans, edits, fixes and findings.

They are frozen and keyword-only so a finding cannot be changed after a rule made it, and plain
dataclasses (not pydantic) because millions of them are made on a large corpus and they must be
cheap to build, compare, sort and pickle across worker processes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered so that `--fail-on` is a comparison."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity `{value}`; use one of {names}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Applicability(enum.Enum):
    """A safe fix cannot change meaning; an unsafe one needs `--unsafe-fixes`."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A range of the decoded text (BOM excluded).

    `start`/`end` are 0-based character offsets (end exclusive); line and column are 1-based and
    count characters, and `end_column` is the column just past the last character, as editors and
    SARIF expect.
    """

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Edit:
    """Replace text[start:end] with `replacement` (character offsets into the decoded text)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem at one place. `path` is the path as the user named it."""

    path: str
    code: str
    rule: str
    severity: Severity
    span: Span
    message: str
    fix: Fix | None = None
    # Text shown under the finding ("how to fix it") when the rule has advice but no automatic fix.
    help: str | None = None
    # Extra machine-readable facts (e.g. a link's URL) for reporters; never used for ordering.
    data: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
