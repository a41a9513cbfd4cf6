"""The Markdown summary: totals, rules, worst files; page text renders as itself."""

from __future__ import annotations

import json
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from medlint.findings import Severity
from medlint.reporters import markdown
from medlint.reporters.base import PageInfo
from medlint.reporters.text import clean
from tests.reporters.conftest import GOOD_PAGE, HOSTILE, Run, check, finding, report

# Our own block markup: the collapsible list of findings and the footer.
OWN_HTML = {"<details><summary>", "</details>", "<sub>", "</sub>"}


def tokens(text: str) -> list[Token]:
    md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    out: list[Token] = []
    for token in md.parse(text):
        out.append(token)
        out.extend(token.children or [])
    return out


def cells(text: str) -> list[list[str]]:
    """The text of every table row's cells, as a reader sees it."""
    rows: list[list[str]] = []
    row: list[str] | None = None
    for token in tokens(text):
        if token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open") and row is not None:
            row.append("")
        elif token.type in ("text", "code_inline") and row:
            row[-1] += token.content
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    return rows


def test_seeds_summary(seeds: Path) -> None:
    findings = json.loads(check(seeds, "seeds", "--format", "json").stdout)["findings"]
    text = check(seeds, "seeds", "--format", "markdown").stdout
    errors = sum(f["severity"] == "error" for f in findings)
    assert text.startswith(f"## ❌ medlint: {errors} errors")
    rows = cells(text)
    assert rows[0][:3] == ["Files checked", "With findings", "Errors"]
    assert rows[1][:3] == ["2", "2", str(errors)]
    assert ["Rule", "Severity", "Findings", "Files", "Fix"] in rows
    assert any(r[0] == "ML001 missing-frontmatter" and r[2] == "1" for r in rows)
    assert any(r[0] == "seeds/nci-ado-trastuzumab-emtansine.md" for r in rows)
    assert f"All {len(findings)} findings" in text
    assert len(text) < 65536


def test_a_clean_run(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD_PAGE, encoding="utf-8")
    run: Run = check(tmp_path, "good.md", "--format", "markdown")
    assert run.stdout.startswith("## ✅ medlint: All 1 file pass")
    assert "Findings by rule" not in run.stdout


def test_warnings_only_pass_with_a_warning_sign() -> None:
    rep = report(finding("a.md", "meh", severity=Severity.WARNING))
    assert markdown.render(rep).startswith("## ⚠️ medlint: Passing with 1 warning in 1 of 1 file")


def test_hostile_text_renders_as_itself_in_one_cell() -> None:
    rep = report(finding(f"{HOSTILE}.md", HOSTILE))
    text = markdown.render(rep)
    toks = tokens(text)
    assert not [t for t in toks if t.type == "link_open"], "no link from page text"
    assert not [t for t in toks if t.type == "s_open"], "no strikethrough from page text"
    html = {t.content.strip() for t in toks if t.type in ("html_inline", "html_block")}
    assert html <= OWN_HTML | {"<details><summary>All 1 finding</summary>"}
    rows = cells(text)
    message_rows = [r for r in rows if len(r) == 4 and r[1] == "ML101 mojibake"]
    (row,) = message_rows
    flat = clean(" ".join(HOSTILE.split()))
    assert row[3] == flat, "the whole message in its own cell, nothing split off"
    assert row[0] == f"{flat}.md:1:1"


def test_long_runs_are_capped() -> None:
    many = [finding(f"p{i:03d}.md", f"problem {i}") for i in range(120)]
    text = markdown.render(report(*many))
    assert f"First {markdown.MAX_FINDINGS} of 120 findings" in text
    worst = [r for r in cells(text) if r and r[0].startswith("p") and len(r) == 4]
    assert len([r for r in worst if r[1] == "1"]) == markdown.MAX_FILES


def test_review_currency_counts() -> None:
    today = report().today
    pages = (
        PageInfo("a.md", review_due=today.replace(year=today.year - 1)),
        PageInfo("b.md", review_due=today.replace(day=today.day + 3)),
        PageInfo("c.md", review_due=today.replace(year=today.year + 1)),
        PageInfo("d.md"),
    )
    text = markdown.render(report(pages=pages))
    assert ["Overdue", "Due within 30 days", "Current", "No review date"] in cells(text)
    assert ["1", "1", "1", "1"] in cells(text)
