"""GitLab Code Quality: a JSON array of issues, shown in the merge request widget and diff.

GitLab matches issues between the source and target branch by `fingerprint`, so it must not
change when unrelated lines move: it is the same line-text hash the SARIF report uses. Counts by
rule (`--statistics`) have no place in this format; GitLab computes its own summary.
"""

from __future__ import annotations

import json

from medlint.findings import Severity
from medlint.reporters.base import Report
from medlint.reporters.sarif import SourceTexts, fingerprints, relative_path

# The usual mapping of linter severities onto Code Quality's five (as ESLint's formatter does):
# an error fails the pipeline's check but is not a security "blocker".
SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def build(report: Report) -> list[dict[str, object]]:
    prints = fingerprints(report.findings, SourceTexts())
    return [
        {
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
        for f, fingerprint in zip(report.findings, prints, strict=True)
    ]


def render(report: Report) -> str:
    return json.dumps(build(report), ensure_ascii=False, indent=2) + "\n"
