"""GitLab Code Quality: a JSON array of issues, shown in the merge request widget and diff.

GitLab matches issues between the source and target branch by `fingerprint`, so it must not
change when unrelated lines move: it is the same line-text hash the SARIF report uses. Counts by
rule (`--statistics`) have no place in this format; GitLab computes its own summary.
"""

from __future__ import annotations

from collections.abc import Iterator

from medlint.findings import Finding, Severity
from medlint.reporters.base import Report
from medlint.reporters.sarif import SourceTexts, fingerprinted, relative_path
from medlint.reporters.stream import HOLE, spliced

# The usual mapping of linter severities onto Code Quality's five (as ESLint's formatter does):
# an error fails the pipeline's check but is not a security "blocker".
SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _issue(f: Finding, fingerprint: str) -> dict[str, object]:
    return {
        "type": "issue",
        "engine_name": "medlint",
        "check_name": f.rule,
        "description": f"{f.code} [{f.rule}] {f.message}",
        "fingerprint": fingerprint,
        "severity": SEVERITIES[f.severity],
        "location": {
            "path": relative_path(f.path),
            "lines": {"begin": f.span.line, "end": f.span.end_line},
        },
    }


def _issues(report: Report) -> Iterator[dict[str, object]]:
    for f, fingerprint in fingerprinted(report.findings, SourceTexts()):
        yield _issue(f, fingerprint)


def build(report: Report) -> list[dict[str, object]]:
    return list(_issues(report))


def render(report: Report) -> str:
    return "".join(pieces(report))


def pieces(report: Report) -> Iterator[str]:
    """`render`'s text, written an issue at a time (see stream.py)."""
    return spliced(HOLE, _issues(report))
