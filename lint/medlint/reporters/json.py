"""The JSON contract (DESIGN.md): one object with version, findings and summary.

Written in pieces, a finding at a time (see stream.py): the pieces are the text `json.dumps`
gives for the whole object."""

from __future__ import annotations

from collections.abc import Iterator

from medlint.findings import Finding
from medlint.reporters.base import Report
from medlint.reporters.stream import HOLE, spliced


def finding_dict(f: Finding) -> dict[str, object]:
    return {
        "path": f.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "code": f.code,
        "rule": f.rule,
        "severity": f.severity.label,
        "message": f.message,
        "fix": None
        if f.fix is None
        else {"applicability": f.fix.applicability.value, "title": f.fix.title},
    }


def render(report: Report) -> str:
    return "".join(pieces(report))


def pieces(report: Report) -> Iterator[str]:
    summary: dict[str, object] = {"files": report.files, "findings": len(report.findings)}
    if report.statistics:
        summary["by_rule"] = {rule: n for _, rule, n in report.by_rule()}
    if report.unchecked_links:
        summary["unchecked_links"] = report.unchecked_links
    out = {
        "version": report.version,
        "findings": HOLE,
        "summary": summary,
    }
    return spliced(out, map(finding_dict, report.findings))
