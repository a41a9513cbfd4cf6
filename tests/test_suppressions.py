"""Inline suppressions: next line, ranges, whole file, reasons, and unused ones reported."""

from __future__ import annotations

from pathlib import Path

from medlint.config import Config
from medlint.document import Document
from medlint.engine import build_settings, finalize, lint_document

BROKEN = "---\ntitle: a\ntitle: b\n---\n"


def _lint(text: str) -> list[tuple[str, int]]:
    settings = build_settings(
        Config(), config_root=Path("."), select=["invalid-frontmatter", "unused-suppression"]
    )
    result = lint_document(Document("a.md", text), settings, keep_document=True)
    return [(f.rule, f.span.line) for f in finalize(result, settings)]


def test_disable_file_with_reason_silences_the_rule() -> None:
    text = BROKEN + "\n<!-- medlint-disable-file invalid-frontmatter -- imported as is -->\n"
    assert _lint(text) == []


def test_disable_file_by_code() -> None:
    assert _lint(BROKEN + "<!-- medlint-disable-file ML002 -->\n") == []


def test_unused_suppression_is_reported_at_its_comment() -> None:
    text = "---\ntitle: a\n---\n\n<!-- medlint-disable-next-line invalid-frontmatter -->\nText\n"
    assert _lint(text) == [("unused-suppression", 5)]


def test_range_covers_only_its_lines() -> None:
    text = (
        BROKEN
        + "<!-- medlint-disable invalid-frontmatter -->\nx\n"
        + "<!-- medlint-enable invalid-frontmatter -->\n"
    )
    # The duplicate key is on line 3, before the range: still reported; the range is unused.
    assert sorted(_lint(text)) == [("invalid-frontmatter", 3), ("unused-suppression", 5)]


def test_comment_inside_code_is_not_a_directive() -> None:
    text = BROKEN + "\n```\n<!-- medlint-disable-file invalid-frontmatter -->\n```\n"
    assert _lint(text) == [("invalid-frontmatter", 3)]


def test_unknown_rule_name_suppresses_nothing() -> None:
    text = BROKEN + "<!-- medlint-disable-file no-such-rule -->\n"
    assert _lint(text) == [("invalid-frontmatter", 3)]
