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

import heapq
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

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


def _files(report: Report) -> Iterator[str]:
    """Every checked file, sorted: the run's pages, plus any file only a finding names.

    A run's pages and findings come sorted by path (see `Report`), so the two are merged as
    they are read; pages given otherwise (a few, made by hand) are sorted here."""
    pages: Iterable[str]
    rows = getattr(report.pages, "rows", None)  # a run's LazyPages: rows, sorted, no PageInfo
    if rows is not None:
        pages = (row[0] for row in rows)
    else:
        pages = sorted({page.path for page in report.pages})
    merged = heapq.merge(pages, (f.path for f in report.findings))
    return (path for path, _ in itertools.groupby(merged))


def _fails(f: Finding, report: Report) -> bool:
    return f.severity >= report.fail_on or f.rule == INTERNAL_ERROR


_STAND_IN = "medlint test cases go here"


def _suite(report: Report, files: int, cases: bool) -> ET.Element:
    """The document without its test cases: one stand-in case instead when `cases`."""
    errors = failures = 0
    for f in report.findings:
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
    if cases:
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


def _cases(report: Report) -> Iterator[ET.Element]:
    """Each file's test case, in path order, its findings taken as the findings go by."""
    findings = iter(report.findings)
    waiting = next(findings, None)
    for path in _files(report):
        mine: list[Finding] = []
        while waiting is not None and waiting.path == path:
            mine.append(waiting)
            waiting = next(findings, None)
        yield _case(path, mine, report)


def build(report: Report) -> ET.Element:
    """The whole document as one tree (the tests read it; the CLI writes `pieces`)."""
    cases = list(_cases(report))
    root = _suite(report, len(cases), cases=False)
    root[0].extend(cases)
    return root


_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
_PER_PIECE = 256  # test cases to a piece


def render(report: Report) -> str:
    return "".join(pieces(report))


def pieces(report: Report) -> Iterator[str]:
    files = sum(1 for _ in _files(report))
    if not files:  # no test case to stand in for: the suite's element closes itself
        root = _suite(report, 0, cases=False)
        ET.indent(root, space="  ")
        yield f"{_HEADER}{ET.tostring(root, encoding='unicode')}\n"
        return
    root = _suite(report, files, cases=True)
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    stand_in = f'<testcase name="{_STAND_IN}" />'
    head, tail = text.split(stand_in)
    # Test cases are children of the suite, two levels down; ET.indent puts a line break and
    # that depth's spaces between them (what `head` ends with before the first).
    between = "\n    "
    batch = [_HEADER, head]
    for n, case in enumerate(_cases(report)):
        ET.indent(case, space="  ", level=2)
        if n:
            batch.append(between)
        batch.append(ET.tostring(case, encoding="unicode"))
        if len(batch) >= _PER_PIECE:
            yield "".join(batch)
            batch = []
    batch.append(tail + "\n")
    yield "".join(batch)
