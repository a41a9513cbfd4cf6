"""JUnit XML: valid against the common JUnit schema, one test case per file, failing as the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from medlint.findings import Severity
from medlint.reporters import junit
from medlint.reporters.base import PageInfo
from tests.reporters.conftest import GOOD_PAGE, HERE, HOSTILE, Run, check, finding, report

SCHEMA = etree.XMLSchema(etree.parse(str(HERE / "junit.xsd")))


def parse(xml: str) -> etree._Element:
    """Parse as a CI server does (bytes with the XML declaration) and validate."""
    doc = etree.fromstring(xml.encode("utf-8"))
    if not SCHEMA.validate(doc):
        raise AssertionError(str(SCHEMA.error_log))
    return doc


def test_the_schema_rejects_what_ci_servers_would() -> None:
    """Negative controls: the validation below can fail."""
    bad = [
        '<testsuites><testsuite tests="1"><testcase name="a"/></testsuite></testsuites>',
        '<testsuites><testsuite name="s" tests="x"/></testsuites>',
        '<testsuites><testsuite name="s" tests="1"><testcase name="a">'
        "<failure/><error/></testcase></testsuite></testsuites>",
    ]
    for xml in bad:
        with pytest.raises(AssertionError):
            parse(xml)


def test_seeds_one_case_per_file_and_a_failure_per_failing_finding(seeds: Path) -> None:
    run = check(seeds, "seeds", "--format", "json", "--report", "junit=out.xml")
    doc = parse(run.read("out.xml"))
    findings = [f for f in json.loads(run.stdout)["findings"] if f["severity"] == "error"]
    (suite,) = doc.findall("testsuite")
    cases = suite.findall("testcase")
    assert sorted(c.get("name") for c in cases) == [
        "seeds/lbbc-ado-trastuzumab-emtansine.md",
        "seeds/nci-ado-trastuzumab-emtansine.md",
    ]
    failures = suite.findall("testcase/failure")
    assert len(failures) == len(findings)
    assert suite.get("tests") == "2" and doc.get("tests") == "2"
    assert suite.get("failures") == str(len(failures)) == doc.get("failures")
    for case in cases:
        assert case.get("file") == case.get("name")
        mine = [f for f in findings if f["path"] == case.get("name")]
        got = [x.get("type") for x in case.findall("failure")]
        assert got == [f["rule"] for f in mine]
    first = failures[0]
    assert first.text is not None and first.text.startswith("seeds/")
    assert first.get("message", "").startswith(findings[0]["code"])


def test_a_clean_file_is_a_passing_test_case(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD_PAGE, encoding="utf-8")
    run = check(tmp_path, "good.md", "--report", "junit=out.xml")
    doc = parse(run.read("out.xml"))
    (case,) = doc.iter("testcase")
    assert case.get("name") == "good.md" and len(case) == 0
    assert doc.get("failures") == "0"


def test_findings_below_fail_on_are_output_not_failures(tmp_path: Path) -> None:
    text = GOOD_PAGE + "\n<!-- medlint-disable-next-line placeholder -->\nPlain text.\n"
    (tmp_path / "p.md").write_text(text, encoding="utf-8")
    run = check(tmp_path, "p.md", "--format", "json", "--report", "junit=out.xml")
    findings = json.loads(run.stdout)["findings"]
    assert [f["severity"] for f in findings] == ["warning"]  # the unused suppression
    assert run.exit_code == 0
    case = next(parse(run.read("out.xml")).iter("testcase"))
    assert case.find("failure") is None
    out = case.find("system-out")
    assert out is not None and "unused-suppression" in (out.text or "")

    strict = check(tmp_path, "p.md", "--fail-on", "warning", "--report", "junit=out.xml")
    assert strict.exit_code == 1
    case = next(parse(strict.read("out.xml")).iter("testcase"))
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "unused-suppression"


def test_internal_errors_are_errors_before_failures() -> None:
    crash = finding("a.md", "rule X failed", code="ML099", rule="internal-error", line=9)
    rep = report(finding("a.md", "bad"), crash)
    case = next(parse(junit.render(rep)).iter("testcase"))
    assert [child.tag for child in case] == ["error", "failure"]
    assert parse(junit.render(rep)).get("errors") == "1"


def test_hostile_text_is_escaped_and_control_characters_are_shown(tmp_path: Path) -> None:
    rep = report(finding(f"{HOSTILE}.md", HOSTILE, help=HOSTILE))
    doc = parse(junit.render(rep))
    failure = next(doc.iter("failure"))
    assert "</script>" in (failure.get("message") or "")
    assert "\\x00" in (failure.text or "") and "\x00" not in (failure.text or "")
    assert next(doc.iter("testcase")).get("name", "").startswith("</script>")


def test_statistics_are_suite_properties(seeds: Path) -> None:
    run = check(seeds, "seeds", "--statistics", "--report", "junit=out.xml")
    props = {p.get("name"): p.get("value") for p in parse(run.read("out.xml")).iter("property")}
    assert props["ML001 missing-frontmatter"] == "1"


def test_pages_without_findings_are_listed() -> None:
    rep = report(finding("b.md"), pages=(PageInfo("a.md"), PageInfo("b.md")), files=2)
    doc = parse(junit.render(rep))
    assert [c.get("name") for c in doc.iter("testcase")] == ["a.md", "b.md"]
    assert rep.fail_on is Severity.ERROR


def test_the_corpus_report_is_valid(corpus: Run) -> None:
    doc = parse(corpus.read("out/report.junit"))
    assert doc.get("tests") == "1000"
    findings = corpus.json("out/report.json")["findings"]
    assert int(doc.get("failures", "0")) == sum(f["severity"] == "error" for f in findings)
