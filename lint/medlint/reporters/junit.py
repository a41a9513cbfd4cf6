"""JUnit XML for CI test views (Jenkins, GitLab, Azure Pipelines): a test case per checked file.

A file passes when it has no finding at or above the run's `--fail-on`; each such finding is a
`<failure>` of that file's test case, so the test view fails exactly when the exit code does.
Findings below the threshold are listed in the test case's `<system-out>`, visible but not
failing; an `internal-error` (a rule that crashed) is an `<error>`, as JUnit marks a broken test.
The element order and attributes follow the common JUnit schema CI servers read (Jenkins'
junit-10.xsd, plus GitLab's `file` attribute), and the test suite validates against it.

The document is written a test case at a time (`pieces`): made whole, a 100,000-page run's
report took 308 MB, a tree of elements for every page. The suite is made with one stand-in test
case, indented and cut in two there; each file's test case is made, indented for its depth and
written in between, so the pieces are the text the whole tree gives.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

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


def _fails(f: Finding, report: Report) -> bool:
    return f.severity >= report.fail_on or f.rule == INTERNAL_ERROR


def _grouped(report: Report) -> Iterator[tuple[str, list[Finding]]]:
    """Every checked file, sorted (the run's pages, plus any file only a finding names), with
    its findings.

    A run's pages and findings come sorted by path (see `Report`), so the two are merged as
    they are read, in one pass; pages given otherwise (a few, made by hand) are sorted here."""
    rows = getattr(report.pages, "rows", None)  # a run's LazyPages: rows, sorted, no PageInfo
    pages: Iterator[str] = (
        (row[0] for row in rows)
        if rows is not None
        else iter(sorted({page.path for page in report.pages}))
    )
    findings = iter(report.findings)
    page, finding = next(pages, None), next(findings, None)
    while page is not None or finding is not None:
        if finding is None or (page is not None and page <= finding.path):
            path = page
        else:
            path = finding.path
        assert path is not None
        mine: list[Finding] = []
        while finding is not None and finding.path == path:
            mine.append(finding)
            finding = next(findings, None)
        if page == path:
            page = next(pages, None)
        yield path, mine


_STAND_IN = "medlint test cases go here"


def _suite(report: Report, cases: bool) -> ET.Element:
    """The document without its test cases: one stand-in case instead when `cases`."""
    files = errors = failures = 0
    for _, findings in _grouped(report):
        files += 1
        for f in findings:
            if f.rule == INTERNAL_ERROR:
                errors += 1
            elif _fails(f, report):
                failures += 1
    counts = {
        "tests": str(files),
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
    if cases and files:
        ET.SubElement(suite, "testcase", {"name": _STAND_IN})
    return root


def _case(path: str, findings: list[Finding], report: Report) -> ET.Element:
    name = xml_text(path)
    case = ET.Element("testcase", {"name": name, "classname": "medlint", "file": name, "time": "0"})
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
    return case


def build(report: Report) -> ET.Element:
    """The whole document as one tree (the tests read it; the CLI writes `pieces`)."""
    root = _suite(report, cases=False)
    root[0].extend(_case(path, findings, report) for path, findings in _grouped(report))
    return root


_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
_PER_PIECE = 256  # test cases to a piece


def render(report: Report) -> str:
    return "".join(pieces(report))


def pieces(report: Report) -> Iterator[str]:
    root = _suite(report, cases=True)
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    stand_in = f'<testcase name="{_STAND_IN}" />'
    if stand_in not in text:  # no file: the suite has no test case to write in place
        yield f"{_HEADER}{text}\n"
        return
    head, tail = text.split(stand_in)
    # Test cases are children of the suite, two levels down; ET.indent puts a line break and
    # that depth's spaces between them (what `head` ends with before the first).
    between = "\n    "
    batch = [_HEADER, head]
    for n, (path, findings) in enumerate(_grouped(report)):
        case = _case(path, findings, report)
        ET.indent(case, space="  ", level=2)
        if n:
            batch.append(between)
        batch.append(ET.tostring(case, encoding="unicode"))
        if len(batch) >= _PER_PIECE:
            yield "".join(batch)
            batch = []
    batch.append(tail + "\n")
    yield "".join(batch)
