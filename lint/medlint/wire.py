"""Findings as plain tuples, for worker payloads, the result cache and the run memo.

Findings cross a process boundary or go to disk once per page, and a warm run decodes every one
of them. Pickle rebuilds a frozen, slotted dataclass through `__setstate__`, which looks its
fields up again for every object: 6,800 findings cost a third of a second. As tuples of str, int
and None they go through `marshal` (several times faster than pickle, and no code runs while
loading, so a damaged cache file cannot do more than fail to load) and are rebuilt with the
classes' own constructors.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from medlint.findings import Applicability, Edit, Finding, Fix, Severity, Span

# (path, code, rule, severity, start, end, line, column, end_line, end_column, message,
#  fix or None, help or None, data), a fix being (title, ((start, end, replacement), ...),
#  applicability value).
Row = tuple[Any, ...]

_SEVERITY = {s.value: s for s in Severity}
_APPLICABILITY = {a.value: a for a in Applicability}


def to_rows(findings: Iterable[Finding]) -> tuple[Row, ...]:
    out = []
    for f in findings:
        s = f.span
        fix = f.fix
        fix_row = (
            None
            if fix is None
            else (
                fix.title,
                tuple((e.start, e.end, e.replacement) for e in fix.edits),
                fix.applicability.value,
            )
        )
        out.append(
            (
                f.path,
                f.code,
                f.rule,
                int(f.severity),
                s.start,
                s.end,
                s.line,
                s.column,
                s.end_line,
                s.end_column,
                f.message,
                fix_row,
                f.help,
                f.data,
            )
        )
    return tuple(out)


def from_rows(rows: Iterable[Row], path: str | None = None) -> list[Finding]:
    """Findings from rows. `path`: the page all rows belong to, when the caller has it as a
    string already (a run keeps every finding until its report: one path string a page, and
    code and rule names interned, not one copy of each a finding).

    Messages, help texts and fix titles are interned too: a corpus repeats them (10,000 pages
    gave 6,821 findings with 779 distinct messages, one help text and 8 fix titles), and a run
    of 100,000 pages held 10 MB of copies."""
    out = []
    intern = sys.intern
    for (
        row_path,
        code,
        rule,
        sev,
        start,
        end,
        line,
        col,
        end_line,
        end_col,
        msg,
        fx,
        hlp,
        data,
    ) in rows:
        fix = None
        if fx is not None:
            title, edits, applicability = fx
            fix = Fix(
                title=intern(title),
                edits=tuple(Edit(start=a, end=b, replacement=r) for a, b, r in edits),
                applicability=_APPLICABILITY[applicability],
            )
        out.append(
            Finding(
                path=row_path if path is None else path,
                code=intern(code),
                rule=intern(rule),
                severity=_SEVERITY[sev],
                span=Span(
                    start=start,
                    end=end,
                    line=line,
                    column=col,
                    end_line=end_line,
                    end_column=end_col,
                ),
                message=intern(msg),
                fix=fix,
                help=intern(hlp) if hlp is not None else None,
                data=data,  # marshal gives back the tuples it was given
            )
        )
    return out
