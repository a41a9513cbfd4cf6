"""Inputs the fuzzer and the hostile suites found, kept as plain regression tests.

Each one crashed, hung or misled medlint before its fix; the fuzz corpus keeps them too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import medlint.document
from tests.conftest import invoke
from tests.robust.helpers import json_findings, run_medlint


def test_crlf_page_with_blank_line_in_html_comment(tmp_path: Path) -> None:
    """Found by the fuzzer: an HTML block line can be empty on CRLF pages, and `event.get("Html")
    or event["InlineHtml"]` then raised KeyError: a traceback for the whole run."""
    page = "# Title\r\n\r\n<!--\r\nA note\r\n\r\nwith a blank line\r\n-->\r\n\r\nText.\r\n"
    (tmp_path / "a.md").write_bytes(page.encode())
    (tmp_path / "b.md").write_bytes(b"# Other\n")
    proc = run_medlint(["check", "--offline", "--no-cache", "--format", "json", "."], tmp_path)
    findings = json_findings(proc)
    assert {f["path"] for f in findings} == {"a.md", "b.md"}
    assert not [f for f in findings if f["rule"] == "internal-error"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_suppression_comment_over_several_lines(tmp_path: Path, newline: str) -> None:
    """An HTML block reaches the parser line by line; a comment spanning lines was never seen,
    so a suppression with its reason on the next line silently did nothing."""
    page = newline.join(
        [
            "---",
            "title: x",
            "---",
            "",
            "<!-- medlint-disable-file placeholder",
            "     -- a template page: its placeholders are the point -->",
            "",
            "TODO: write",
            "",
        ]
    )
    (tmp_path / "a.md").write_bytes(page.encode())
    result = invoke(
        ["check", "--offline", "--no-cache", "--select", "placeholder", "a.md"], tmp_path
    )
    assert result.exit_code == 0, result.output


def test_links_before_an_unclosed_comment_are_still_links(tmp_path: Path) -> None:
    page = '# T\n\n<div>\n<a href="/nowhere.md">x</a> <!-- never closed\n<a href="/gone.md">\n'
    (tmp_path / "a.md").write_text(page, encoding="utf-8")
    result = invoke(
        ["check", "--offline", "--no-cache", "--select", "relative-link", "a.md"], tmp_path
    )
    assert "`/nowhere.md`" in result.output  # live HTML before the `<!--`
    assert "`/gone.md`" not in result.output  # inside the comment


def test_a_parser_failure_costs_the_page_not_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the next parser bug is, it becomes one finding on its page."""
    real = medlint.document.parse_body

    def parse_body(text: str, base: int) -> object:
        if "BOOM" in text:
            raise KeyError("InlineHtml")
        return real(text, base)

    monkeypatch.setattr(medlint.document, "parse_body", parse_body)
    (tmp_path / "bad.md").write_text("# BOOM\n", encoding="utf-8")
    (tmp_path / "good.md").write_text("# Fine\n", encoding="utf-8")
    result = invoke(["check", "--offline", "--no-cache", "--jobs", "1", "."], tmp_path)
    assert result.exit_code == 2, result.output  # internal errors exit 2, after reporting all
    assert "bad.md:1:1: ML099 [internal-error] page could not be parsed" in result.output
    assert "good.md:1:1: ML001" in result.output
