"""JUnit XML for CI test views (Jenkins, GitLab, Azure Pipelines): a test case per checked file.

A file passes when it has no finding at or above the run's `--fail-on`; each such finding is a
`<failure>` of that file's test case, so the test view fails exactly when the exit code does.
Findings below the threshold are listed in the test case's `<system-out>`, visible but not
failing; an `internal-error` (a rule that crashed) is an `<error>`, as JUnit marks a broken test.
The element order and attributes follow the common JUnit schema CI servers read (Jenkins'
junit-10.xsd, plus GitLab's `file` attribute), and the test suite validates against it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from medlint.findings import Finding
from medlint.reporters.base import Report

# A rule that crashed is the tool's error, not the page's failure (JUnit's <error> vs <failure>).
INTERNAL_ERROR = "internal-error"
# Characters XML 1.0 cannot hold even as references; a page may contain any of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text XML can carry: the characters it cannot are shown as `\\xNN` / `\\uNNNN`."""
    return _NOT_XML.sub(
        lambda m: (
            f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else f"\\u{ord(m.group(0)):04x}"
        ),
        value,
    )


def _line(f: Finding) -> str:
    text = (
        f"{f.path}:{f.span.line}:{f.span.column}: {f.code} [{f.rule}] ({f.severity.label}) "
        f"{f.message}"
    )
    return f"{text}\n  help: {f.help}" if f.help else text


def _files(report: Report) -> list[str]:
    """Every checked file: the run's pages, plus any file only a finding names."""
    paths = {page.path for page in report.pages} | {f.path for f in report.findings}
    return sorted(paths)


def _fails(f: Finding, report: Report) -> bool:
    return f.severity >= report.fail_on or f.rule == INTERNAL_ERROR


def build(report: Report) -> ET.Element:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_file[f.path].append(f)
    files = _files(report)
    errors = sum(1 for f in report.findings if f.rule == INTERNAL_ERROR)
    failures = sum(1 for f in report.findings if _fails(f, report)) - errors
    counts = {
        "tests": str(len(files)),
        "failures": str(failures),
        "errors": str(errors),
        "time": "0",
    }
    root = ET.Element("testsuites", {"name": "medlint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "medlint", **counts, "skipped": "0"})
    if report.statistics:
        props = ET.SubElement(suite, "properties")
        for code, rule, n in report.by_rule():
            ET.SubElement(props, "property", {"name": f"{code} {rule}", "value": str(n)})
    for path in files:
        name = xml_text(path)
        case = ET.SubElement(
            suite, "testcase", {"name": name, "classname": "medlint", "file": name, "time": "0"}
        )
        findings = by_file.get(path, [])
        # The schema wants <error>s before <failure>s, and <system-out> last.
        for f in sorted(findings, key=lambda f: f.rule != INTERNAL_ERROR):
            if not _fails(f, report):
                continue
            tag = "error" if f.rule == INTERNAL_ERROR else "failure"
            attrs = {"message": xml_text(f"{f.code} [{f.rule}] {f.message}"), "type": f.rule}
            ET.SubElement(case, tag, attrs).text = xml_text(_line(f))
        notes = [xml_text(_line(f)) for f in findings if not _fails(f, report)]
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    return root


def render(report: Report) -> str:
    root = build(report)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
