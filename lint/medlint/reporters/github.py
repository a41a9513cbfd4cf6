"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

`::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`. The runner reads one
command per line, so every value is escaped as GitHub's own toolkit does (`escapeData` and
`escapeProperty` in @actions/core): `%`, CR and LF in the message, and additionally `:` and `,` in
property values. A page's text can therefore neither end the command early nor start a new one.
The runner reads lines ending in LF or CR only, so other Unicode line breaks need no escape.
"""

from __future__ import annotations

from collections.abc import Iterator

from medlint.findings import Severity
from medlint.reporters.base import Report
from medlint.reporters.sarif import relative_path
from medlint.reporters.text import clean, summary_line

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, str | int], message: str) -> str:
    """One workflow command. Control and bidi characters are first shown as `\\xNN` (as in the
    text report), so a page can neither recolour the job log nor reorder what it shows."""
    props = ",".join(
        f"{key}={escape_property(clean(str(value)))}" for key, value in properties.items()
    )
    return f"::{name} {props}::{escape_data(clean(message))}"


def render(report: Report) -> str:
    return "".join(pieces(report))


_LINES = 2048  # lines to a piece


def pieces(report: Report) -> Iterator[str]:
    """The commands and summary in pieces of whole lines, made as they are written: a large
    run's are tens of MB (see text.pieces)."""
    lines: list[str] = []
    for f in report.findings:
        properties: dict[str, str | int] = {
            "file": relative_path(f.path),  # annotations need repository-relative paths
            "line": f.span.line,
            "endLine": f.span.end_line,
            "col": f.span.column,
            "endColumn": f.span.end_column,
            "title": f"{f.code} {f.rule}",
        }
        message = f.message if not f.help else f"{f.message}\n{f.help}"
        lines.append(command(COMMANDS[f.severity], properties, message))
        if len(lines) >= _LINES:
            yield "\n".join(lines) + "\n"
            lines = []
    # Plain lines are shown in the job log as they are; only `::`-prefixed lines are commands, and
    # every line below starts with text medlint wrote.
    if report.statistics:
        lines.extend(f"{n:6d}  {code:6s} {rule}" for code, rule, n in report.by_rule())
    lines.append(f"medlint: {summary_line(report)}")
    if report.unchecked_links:
        reason = f" ({escape_data(report.unchecked_reason)})" if report.unchecked_reason else ""
        lines.append(f"medlint: {report.unchecked_links} links could not be checked{reason}.")
    yield "\n".join(lines) + "\n"
