"""A Markdown summary for `$GITHUB_STEP_SUMMARY`, merge request notes and pull request comments.

Totals and a verdict first, then findings by rule, the files with the most findings, review
currency and the first findings. It stays well under GitHub's 65,536-character comment limit
(lists are capped and say how many they left out). Text that comes from pages (paths, messages,
titles) is escaped so it shows as written: it can neither break a table nor turn into markup or
HTML. The corpus facts computed here (review status, worst files) are shared with the HTML report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from medlint.findings import Severity
from medlint.reporters.base import PageInfo, Report
from medlint.reporters.text import clean

MAX_FINDINGS = 50
MAX_FILES = 10
DUE_SOON_DAYS = 30
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
# What GitHub's Markdown reads as inline syntax in a table cell (`$` starts math); `<`, `>` and
# `&` become entities instead. Block syntax (`#`, `-`, `>` at a line start) cannot occur in a cell.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_SPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """Plain text that renders as itself in a GitHub table cell, on one line (control characters
    shown as `\\xNN`, as in the text report)."""
    text = clean(_SPACE.sub(" ", text).strip())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


# --- corpus facts, shared with the HTML report ---------------------------------------------

REVIEW_STATES = ("overdue", "due-soon", "current", "unknown")
REVIEW_LABELS = {
    "overdue": "Overdue",
    "due-soon": f"Due within {DUE_SOON_DAYS} days",
    "current": "Current",
    "unknown": "No review date",
}


def review_state(page: PageInfo, today: dt.date) -> str:
    if page.review_due is None:
        return "unknown"
    if page.review_due < today:
        return "overdue"
    if page.review_due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "current"


def review_counts(report: Report) -> dict[str, int]:
    counts = Counter(review_state(p, report.today) for p in report.pages)
    return {state: counts[state] for state in REVIEW_STATES}


@dataclass(frozen=True, slots=True)
class FileCounts:
    path: str
    errors: int
    warnings: int
    infos: int

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos


def worst_files(report: Report, limit: int) -> list[FileCounts]:
    """Files with the most findings: most errors first, then most findings, then by path."""
    counts: dict[str, Counter[Severity]] = {}
    for f in report.findings:
        counts.setdefault(f.path, Counter())[f.severity] += 1
    rows = [
        FileCounts(path, c[Severity.ERROR], c[Severity.WARNING], c[Severity.INFO])
        for path, c in counts.items()
    ]
    rows.sort(key=lambda r: (-r.errors, -r.total, r.path))
    return rows[:limit]


def failing(report: Report) -> int:
    return sum(1 for f in report.findings if f.severity >= report.fail_on)


def verdict(report: Report) -> tuple[str, str]:
    """(state, headline): state is "pass", "warn" or "fail", as the exit code judges."""
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    if not report.findings:
        return "pass", f"All {files} pass" if report.files else "No files checked"
    parts = [
        f"{n} {sev.label}{'s' if n != 1 else ''}" for sev in SEVERITIES if (n := report.count(sev))
    ]
    where = f"in {report.files_with_findings} of {files}"
    if failing(report):
        return "fail", f"{', '.join(parts)} {where}"
    return "warn", f"Passing with {', '.join(parts)} {where}"


# --- rendering ------------------------------------------------------------------------------

_ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌"}


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _by_rule(report: Report) -> list[str]:
    worst: dict[str, Severity] = {}
    files: dict[str, set[str]] = {}
    for f in report.findings:
        worst[f.rule] = max(worst.get(f.rule, f.severity), f.severity)
        files.setdefault(f.rule, set()).add(f.path)
    rows = []
    for code, rule, n in report.by_rule():
        fix = report.rule_meta.get(rule, ("", "", "none", ""))[2]
        rows.append(
            [f"`{code}` {escape(rule)}", worst[rule].label, str(n), str(len(files[rule])), fix]
        )
    return _table(["Rule", "Severity", "Findings", "Files", "Fix"], rows)


def render(report: Report) -> str:
    state, headline = verdict(report)
    out = [f"## {_ICONS[state]} medlint: {escape(headline)}", ""]
    safe, unsafe = report.fixable()
    totals = [str(report.count(sev)) for sev in SEVERITIES]
    out += _table(
        ["Files checked", "With findings", "Errors", "Warnings", "Info", "Safe fixes", "Unsafe"],
        [[str(report.files), str(report.files_with_findings), *totals, str(safe), str(unsafe)]],
    )
    if safe or unsafe:
        out += ["", "Run `medlint fix` to apply the safe fixes (`--unsafe-fixes` for the rest)."]
    if report.unchecked_links:
        reason = f" ({escape(report.unchecked_reason)})" if report.unchecked_reason else ""
        out += ["", f"{report.unchecked_links} links could not be checked{reason}."]
    if report.findings:
        out += ["", "### Findings by rule", "", *_by_rule(report)]
        worst = worst_files(report, MAX_FILES)
        out += ["", "### Files with the most findings", ""]
        out += _table(
            ["File", "Errors", "Warnings", "Info"],
            [[escape(r.path), str(r.errors), str(r.warnings), str(r.infos)] for r in worst],
        )
    reviews = review_counts(report)
    if any(reviews[s] for s in ("overdue", "due-soon", "current")):
        out += ["", "### Review currency", ""]
        out += _table(
            [REVIEW_LABELS[s] for s in REVIEW_STATES], [[str(reviews[s]) for s in REVIEW_STATES]]
        )
    if report.findings:
        shown = report.findings[:MAX_FINDINGS]
        summary = f"First {len(shown)} of {len(report.findings)} findings"
        if len(shown) == len(report.findings):
            summary = f"All {len(shown)} finding{'s' if len(shown) != 1 else ''}"
        out += ["", f"<details><summary>{summary}</summary>", ""]
        out += _table(
            ["Location", "Rule", "Severity", "Message"],
            [
                [
                    f"{escape(f.path)}:{f.span.line}:{f.span.column}",
                    f"`{f.code}` {escape(f.rule)}",
                    f.severity.label,
                    escape(f.message),
                ]
                for f in shown
            ],
        )
        out += ["", "</details>"]
    out += ["", f"<sub>medlint {escape(report.version)}, {report.today.isoformat()}</sub>"]
    return "\n".join(out) + "\n"
