"""The default human output: `path:line:col: CODE [rule] message`, then a summary line.

Colour only when writing to a terminal (and never when NO_COLOR is set). Any control character
from a page is shown escaped, so a page cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from medlint.findings import Applicability, Severity
from medlint.reporters.base import Report

# Line breaks too (only TAB passes): a file named "a\n::error::x.md" must not start a line of
# its own, which CI runners would read as a workflow command.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def clean(text: str) -> str:
    """Escape control and bidi characters so terminal output cannot be hijacked."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else f"\\u{ord(m.group(0)):04x}"
        ),
        text,
    )


def _c(code: str, text: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def render(report: Report, *, colour: bool = False, quiet: bool = False) -> str:
    return "".join(pieces(report, colour=colour, quiet=quiet))


_LINES = 2048  # lines to a piece: a few hundred KB at most


def pieces(report: Report, *, colour: bool = False, quiet: bool = False) -> Iterator[str]:
    """The output in pieces of whole lines, each ending in a line break, made as they are
    printed: the text of a run with 100,000 pages is tens of MB, and made whole (with its
    lines, and its copy for the run memo) it was that run's last and largest peak of memory."""
    lines: list[str] = []
    sent = 0  # lines already in pieces
    for f in report.findings:
        where = _c("1", f"{clean(f.path)}:{f.span.line}:{f.span.column}:", colour)
        code = _c(_COLOURS[f.severity], f.code, colour)
        marker = ""
        if f.fix is not None:
            marker = " [*]" if f.fix.applicability is Applicability.SAFE else " [unsafe fix]"
        sev = "" if f.severity is Severity.ERROR else f" ({f.severity.label})"
        lines.append(f"{where} {code} [{f.rule}]{sev} {clean(f.message)}{marker}")
        if not quiet and f.help:
            lines.append(f"  help: {clean(f.help)}")
        if len(lines) >= _LINES:
            sent += len(lines)
            yield "\n".join(lines) + "\n"
            lines = []
    if report.statistics:
        if lines or sent:
            lines.append("")
        for code, rule, n in report.by_rule():
            lines.append(f"{n:6d}  {code:6s} {rule}")
    if quiet and not report.findings:
        if lines:
            yield "\n".join(lines) + "\n"
        return
    if lines or sent:
        lines.append("")
    lines.append(summary_line(report, colour))
    if report.unchecked_links:
        reason = f" ({report.unchecked_reason})" if report.unchecked_reason else ""
        lines.append(f"{report.unchecked_links} links could not be checked{reason}.")
    yield "\n".join(lines) + "\n"


def summary_line(report: Report, colour: bool = False) -> str:
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    if not report.findings:
        return _c("32", f"All checks passed: {files}, no findings.", colour)
    parts = []
    for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = report.count(sev)
        if n:
            parts.append(f"{n} {sev.label}{'s' if n != 1 else ''}")
    total = len(report.findings)
    text = (
        f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in "
        f"{report.files_with_findings} of {files}."
    )
    safe, unsafe = report.fixable()
    if safe:
        text += f" {safe} fixable with `medlint fix`"
        text += f" ({unsafe} more with `--unsafe-fixes`)." if unsafe else "."
    elif unsafe:
        text += f" {unsafe} fixable with `medlint fix --unsafe-fixes`."
    return text
