"""Hostile text in pages (and file names) cannot inject into any report.

Every report is rendered twice from the same shape of run: once with hostile strings in every
field a page or a file name controls (path, message, help, link data, title, source, the
unchecked reason, the named targets), once with plain stand-ins. A report is safe when the
hostile one has exactly the structure of the plain one, so no string became markup, a command or
a line of its own, and when the data formats carry the hostile text back unchanged as data.

- HTML: the same elements; no event-handler attributes, no `javascript:`/`data:`/`vbscript:`
  URLs, no script but the report's own (same code) and its JSON data block;
- Markdown (for the job summary): rendered by a CommonMark parser, the same elements and links;
- GitHub annotations: one command line per finding, no `::` or line break inside properties;
- text (terminal): no escape character or control from a page; a line per finding;
- JUnit: well-formed XML with the same elements; JSON, SARIF, GitLab: the text round-trips.

The last test runs the real program on files whose *names* are the attack.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from markdown_it import MarkdownIt

from medlint.findings import Edit, Finding, Fix, Severity, Span
from medlint.reporters import github, gitlab, html, junit, markdown, sarif, text
from medlint.reporters import json as json_reporter
from medlint.reporters.base import PageInfo, Report
from tests.robust.helpers import run_medlint

HOSTILE = (
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "\n::error::pwned",
    "\r\n::warning file=x,line=1::pwned",
    "%0A::error::pre-encoded",
    "::stop-commands::token",
    "\x1b[2J\x1b]0;title\x07",
    "\u202egnp.exe",
    "]]></failure><injected/><![CDATA[",
    '" onmouseover="alert(1)',
    "' onclick='alert(1)",
    "<!-- x --> <svg onload=alert(1)>",
    "| a | b |\n|---|---|\n| c | d |",
    "[click](javascript:alert(1)) ![i](https://evil.example/x.png)",
    "<a href='javascript:alert(1)'>x</a>",
    "\u2028\u2029\x00\x0b\x0c\x85",
    "{{7*7}} ${7*7} %s %n",
    "&lt;script&gt; &#x3C;script&#x3E;",
    "*bold* _em_ `code` # heading",
)
ATTACKS = ("alert(1)", "pwned", "injected", "onerror", "onload", "onclick", "onmouseover")


def _report(strings: tuple[str, ...]) -> Report:
    """A run whose every page-controlled field holds one of `strings` (cycled)."""
    findings = []
    pages = []
    for i, s in enumerate(strings):
        path = f"pages/{s.replace(chr(0), '')}-{i}.md"  # no file name can hold a NUL
        span = Span(start=0, end=3, line=i + 1, column=2, end_line=i + 1, end_column=5)
        fix = Fix(title=s, edits=(Edit(start=0, end=3, replacement=s),))
        for rule, code, sev in (
            ("placeholder", "ML103", Severity.ERROR),
            ("boilerplate", "ML104", Severity.WARNING),
            ("redirected-link", "ML203", Severity.INFO),
        ):
            findings.append(
                Finding(
                    path=path,
                    code=code,
                    rule=rule,
                    severity=sev,
                    span=span,
                    message=f"{rule}: {s}",
                    fix=fix if sev is not Severity.INFO else None,
                    help=s,
                    data=(("url", s), ("target", s)),
                )
            )
        last = dt.date(2025, 1 + i % 12, 1)
        pages.append(PageInfo(path, title=s, source=s, last_reviewed=last, review_due=last))
    findings.sort(key=Finding.sort_key)
    return Report(
        findings=tuple(findings),
        files=len(strings) + 1,
        version="0.1.0",
        today=dt.date(2026, 11, 22),
        statistics=True,
        unchecked_links=3,
        unchecked_reason=strings[0],
        pages=tuple(pages),
        rule_meta={
            "placeholder": ("ML103", "placeholder text", "sometimes", "error"),
            "boilerplate": ("ML104", "boilerplate", "unsafe", "warning"),
            "redirected-link": ("ML203", "redirect", "unsafe", "info"),
        },
        targets=(strings[1], "pages/"),
    )


PLAIN = tuple(f"plain text {i}" for i in range(len(HOSTILE)))
HOSTILE_REPORT = _report(HOSTILE)
PLAIN_REPORT = _report(PLAIN)


def _html_facts(page: str) -> tuple[Counter[str], list[str], list[str]]:
    """(element counts, script bodies, problems) of an HTML document."""
    root = lxml.html.document_fromstring(page)
    tags: Counter[str] = Counter()
    scripts = []
    problems = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments, processing instructions
        tags[el.tag] += 1
        if el.tag == "script":
            scripts.append((el.get("type") or "", el.text or ""))
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"event handler {name}={value!r} on <{el.tag}>")
            squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            url_attr = name.lower() in ("href", "src", "action", "formaction", "xlink:href")
            if url_attr and squashed.startswith(("javascript:", "vbscript:", "data:")):
                problems.append(f"{name}={value!r} on <{el.tag}>")
        if el.tag in ("iframe", "object", "embed", "base", "frame"):
            problems.append(f"<{el.tag}> element")
    return tags, [f"{kind}|{body}" for kind, body in scripts], problems


def test_html_report_has_no_injection() -> None:
    hostile, plain = html.render(HOSTILE_REPORT), html.render(PLAIN_REPORT)
    h_tags, h_scripts, h_problems = _html_facts(hostile)
    p_tags, p_scripts, p_problems = _html_facts(plain)
    assert h_problems == p_problems == []
    assert h_tags == p_tags
    # The same scripts: the report's own code, and data blocks that parse as JSON.
    assert len(h_scripts) == len(p_scripts)
    for h, p in zip(h_scripts, p_scripts, strict=True):
        kind, body = h.split("|", 1)
        if kind == "application/json":
            json.loads(body)
            assert "</script" not in body.lower()
        else:
            assert h == p


def test_markdown_summary_has_no_injection() -> None:
    md = MarkdownIt("commonmark").enable("table")
    rendered = {
        name: md.render(markdown.render(report))
        for name, report in (("hostile", HOSTILE_REPORT), ("plain", PLAIN_REPORT))
    }
    h_tags, h_scripts, h_problems = _html_facts(f"<html><body>{rendered['hostile']}</body></html>")
    p_tags, _, _ = _html_facts(f"<html><body>{rendered['plain']}</body></html>")
    assert h_problems == [] and h_scripts == []
    assert h_tags == p_tags  # no extra links, images, rows, cells, headings or raw HTML
    root = lxml.html.fromstring(f"<div>{rendered['hostile']}</div>")
    for link in root.iter("a", "img"):
        target = link.get("href") or link.get("src") or ""
        assert not target.lower().startswith(("javascript:", "https://evil")), target


def test_github_annotations_cannot_be_forged() -> None:
    out = github.render(HOSTILE_REPORT)
    lines = out.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(HOSTILE_REPORT.findings)
    assert all(not line.startswith("::") for line in lines if line not in commands)
    assert len(lines) == len(github.render(PLAIN_REPORT).splitlines())
    for line in commands:
        m = re.fullmatch(r"::(error|warning|notice) ([^:]*)::(.*)", line)
        assert m is not None, line  # properties hold no `::`, the message follows the first one
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        assert set(props) == {"file", "line", "endLine", "col", "endColumn", "title"}
        assert "\r" not in line and "\x1b" not in line


@pytest.mark.parametrize("colour", [False, True])
def test_terminal_output_has_no_control_from_pages(colour: bool) -> None:
    out = text.render(HOSTILE_REPORT, colour=colour)
    own = re.sub(r"\x1b\[[0-9;]*m", "", out) if colour else out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", own)
    lines = own.splitlines()
    assert len(lines) == len(text.render(PLAIN_REPORT).splitlines())
    for line in lines:
        assert not line.startswith("::")


def test_junit_is_well_formed_with_the_same_elements() -> None:
    def tags(report: Report) -> Counter[str]:
        root = lxml.etree.fromstring(junit.render(report).encode("utf-8"))
        return Counter(str(el.tag) for el in root.iter())

    assert tags(HOSTILE_REPORT) == tags(PLAIN_REPORT)
    assert "injected" not in tags(HOSTILE_REPORT)


def test_data_formats_carry_hostile_text_as_data() -> None:
    messages = sorted(f.message for f in HOSTILE_REPORT.findings)
    data = json.loads(json_reporter.render(HOSTILE_REPORT))
    assert sorted(f["message"] for f in data["findings"]) == messages
    log = json.loads(sarif.render(HOSTILE_REPORT))
    results = [r for run in log["runs"] for r in run["results"]]
    texts = sorted(r["message"]["text"] for r in results)  # the message, then any help
    assert len(texts) == len(messages)
    assert all(t.startswith(m) for t, m in zip(texts, messages, strict=True))
    issues = json.loads(gitlab.render(HOSTILE_REPORT))
    assert len(issues) == len(messages)
    for issue in issues:
        assert any(m in issue["description"] for m in messages if m.split(": ", 1)[1].strip())


def test_hostile_file_names_through_the_program(tmp_path: Path) -> None:
    """File names are page-controlled too (a pull request names them): every format, for real."""
    names = [
        b"evil\n::error file=x::pwned.md",
        b"\x1b[2Jclear.md",
        b"bad\xff\xfename.md",
        b"\xe2\x80\xaertl.md",
        b"<script>alert(1)<%2Fscript>.md",
        b"javascript:alert(1).md",
    ]
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in names:
        with open(bytes(folder) + b"/" + name, "wb") as handle:
            handle.write(b"# Title\n\nText \x1b[31mred\x1b[0m and a bell \x07.\n")
    outputs = {}
    for fmt in ("text", "github", "json", "sarif", "junit", "gitlab", "markdown", "html"):
        proc = run_medlint(["check", "--offline", "--no-cache", "--format", fmt, "pages"], tmp_path)
        assert proc.returncode == 1, (fmt, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr, (fmt, proc.stderr[-2000:])
        outputs[fmt] = proc.stdout
    assert "\x1b" not in outputs["text"] and "\x07" not in outputs["text"]
    assert not [line for line in outputs["text"].splitlines() if line.startswith("::")]
    findings = json.loads(outputs["json"])["findings"]
    commands = [line for line in outputs["github"].splitlines() if line.startswith("::")]
    assert len(commands) == len(findings)
    assert _html_facts(outputs["html"])[2] == []
    lxml.etree.fromstring(outputs["junit"].encode("utf-8"))
    for attack in ATTACKS:  # only ever inside escaped text, never as a line of its own
        for fmt in ("text", "github"):
            for line in outputs[fmt].splitlines():
                assert not line.startswith(attack), (fmt, line)
