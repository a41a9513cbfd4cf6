"""Inline suppressions written as HTML comments, so they never show in rendered pages.

    <!-- medlint-disable-next-line placeholder -- template kept on purpose -->
    <!-- medlint-disable mojibake -->  …  <!-- medlint-enable mojibake -->
    <!-- medlint-disable-file stale-review -- archived page -->

Rules are named by name or code, comma- or space-separated; no rule means every rule. Text after
` -- ` is the reason, kept for reviewers. A suppression that silences nothing is reported by
`unused-suppression`, as ruff's RUF100 does, so stale ones do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medlint.document import Document
from medlint.findings import Finding, Span, fast_init
from medlint.records import record

_DIRECTIVE = re.compile(
    # `(?<!\s)`: trailing space is only tried where a run of it starts; `(.*?)\s*$` re-read a
    # long run from each of its characters (quadratic). The matches are the same.
    r"^\s*medlint-(disable-next-line|disable-file|disable|enable)\b(.*?)(?:\s--\s.*|(?<!\s)\s*)$",
    re.DOTALL,
)

UNUSED_CODE = "ML011"
UNUSED_NAME = "unused-suppression"


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Suppression:
    """One `medlint-disable...` comment: the rules and the lines it silences."""

    kind: str  # "next-line" | "file" | "range"
    rules: frozenset[str]  # canonical rule names; empty = all rules
    first_line: int  # lines covered, inclusive, 1-based
    last_line: int
    span: Span  # the comment itself, for reporting it when unused

    def covers(self, finding: Finding) -> bool:
        if self.rules and finding.rule not in self.rules:
            return False
        return self.first_line <= finding.span.line <= self.last_line

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(
            self, kind: str, rules: frozenset[str], first_line: int, last_line: int, span: Span
        ) -> None: ...


def parse(doc: Document, canonical: Callable[[str], str | None]) -> list[Suppression]:
    """Suppressions in the body's HTML comments. `canonical` maps a name or code to a rule name."""
    out: list[Suppression] = []
    open_ranges: dict[str, tuple[int, Span]] = {}  # rule ("" = all) -> (line, comment span)
    last = doc.lines.line_count
    for comment in doc.body.comments:
        m = _DIRECTIVE.match(comment.body)
        if m is None:
            continue
        kind = m.group(1)
        names = [n for n in re.split(r"[\s,]+", m.group(2).strip()) if n]
        rules = frozenset(c for c in (canonical(n) for n in names) if c is not None)
        if names and not rules:
            continue  # names no known rule: left for config validation, suppresses nothing
        span = doc.span(comment.start, comment.end)
        line, end_line = span.line, span.end_line
        if kind == "disable-next-line":
            out.append(Suppression("next-line", rules, end_line + 1, end_line + 1, span))
        elif kind == "disable-file":
            out.append(Suppression("file", rules, 1, last, span))
        elif kind == "disable":
            for rule in rules or {""}:
                open_ranges.setdefault(rule, (line, span))
        else:
            for rule in rules or set(open_ranges):
                opened = open_ranges.pop(rule, None)
                if opened is not None:
                    sel = frozenset({rule}) if rule else frozenset()
                    out.append(Suppression("range", sel, opened[0], line, opened[1]))
    for rule, (line, opened_span) in open_ranges.items():
        sel = frozenset({rule}) if rule else frozenset()
        out.append(Suppression("range", sel, line, last, opened_span))
    return out


def apply(
    findings: Sequence[Finding], suppressions: Sequence[Suppression]
) -> tuple[list[Finding], list[Suppression]]:
    """Findings that no suppression covers, and the suppressions that covered nothing."""
    if not suppressions:
        return list(findings), []
    used: set[int] = set()
    kept: list[Finding] = []
    for finding in findings:
        hit = False
        for i, sup in enumerate(suppressions):
            if sup.covers(finding):
                used.add(i)
                hit = True
        if not hit:
            kept.append(finding)
    unused = [s for i, s in enumerate(suppressions) if i not in used]
    return kept, unused
