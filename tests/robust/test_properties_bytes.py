"""Any bytes as a page: findings or one clear per-file error, never an exception.

Three sources of bytes: raw binary, pages assembled from the tokens that drive Markdown, YAML and
medlint's own scanners (fences, brackets, comments, anchors, aliases, mojibake, BOMs, NULs), and
generated valid pages with bytes flipped, inserted and deleted. Each goes through what `check`
runs for a file (decode, every rule, suppressions) and through `fix`, whose output must then be
a fixpoint. A smaller share also goes through the real runner (a file on disk, the worker
payload encoding, the link phase offline) and must give the same findings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medlint.config import Config
from medlint.discovery import Discovered
from medlint.document import Document
from medlint.engine import build_settings, document_from_bytes, finalize, lint_document
from medlint.findings import Finding, Severity
from medlint.fixer import fix_text
from medlint.runner import RunOptions, run_check
from tests.robust.helpers import robust_settings
from tests.robust.pages import page_strategy

SETTINGS = build_settings(Config(), config_root=Path("."), today=dt.date(2026, 11, 22))

TOKENS = (
    "---", "...", "\n", "\r\n", "\r", " ", "\t", "  ", "a", "Title", "é", "e\u0301", "“", "”",
    "\ufeff", "\x00", "\x1b[2J", "\u200b", "\u202e", "\ufffd", "Ã©", "â€“", "Â°", "😀",
    "title:", "url:", "reviewedBy:", "- ", "? ", ": ", "key: value", "&a ", "*a", "<<: ",
    "!!python/object/apply:os.system", "!!str ", "{", "}", "[", "]", "'", '"', "|", ">", "#",
    "# H", "## H", "=", "-", "*", "_", "**", "`", "```", "~~~", "    code", "> ",
    "[x](", ")", "](", "![i](", "<", "<a href='", "<img src=", "<!--", "-->",
    "<!-- medlint-disable placeholder -->", "<!-- medlint-disable-next-line -->",
    "<!-- medlint-enable -->", "[^1]", "[r]: ", "/Common/x.aspx", "#anchor", "//host/x",
    "http://", "https://www.cancer.gov/x", "www.", "mailto:a@b", "Placeholder slot", "TODO:",
    "TBD", "XXX", "{{name}}", "[INSERT", "Medical Review: Ana Ruiz, MD", "Stay connected",
    "© 2024 ", "|a|b|\n|-|-|", "1. ", "+ ", "&amp;", "&#0;", "\\", "\u2028", "\x85",
)  # fmt: skip


@st.composite
def token_pages(draw: st.DrawFn) -> bytes:
    text = "".join(draw(st.lists(st.sampled_from(TOKENS), max_size=80)))
    return text.encode("utf-8")


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(page_strategy()).data)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(("flip", "insert", "delete")))
        pos = draw(st.integers(0, len(data)))
        if op == "insert" or not data:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        elif op == "flip":
            data[min(pos, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        else:
            del data[pos : pos + draw(st.integers(1, 8))]
    return bytes(data)


ANY_BYTES = st.one_of(
    st.binary(max_size=3000),
    token_pages(),
    mutated_pages(),
    st.text(max_size=300).map(lambda t: t.encode("utf-8")),
)


def _lint(data: bytes) -> tuple[Document | None, list[Finding]]:
    doc = document_from_bytes("page.md", data)
    if isinstance(doc, Finding):
        return None, [doc]
    return doc, finalize(lint_document(doc, SETTINGS), SETTINGS)


def _valid(doc: Document | None, findings: list[Finding]) -> None:
    if doc is None:
        [only] = findings
        assert only.rule == "unreadable-file"
        assert only.span.line >= 1 and only.span.column >= 1
        return
    for f in findings:
        assert f.rule != "internal-error", f.message
        assert f.path == "page.md"
        assert isinstance(f.severity, Severity)
        assert 0 <= f.span.start <= f.span.end <= len(doc.text), f
        assert 1 <= f.span.line <= f.span.end_line, f
        assert f.span.column >= 1 and f.span.end_column >= 1, f
        if f.fix is not None:
            for edit in f.fix.edits:
                assert 0 <= edit.start <= edit.end <= len(doc.text), (f.rule, edit)


@robust_settings(3000)
@given(ANY_BYTES)
def test_any_bytes_give_findings_or_a_file_error(data: bytes) -> None:
    doc, findings = _lint(data)
    _valid(doc, findings)
    if doc is None:
        return
    # Every fix allowed (safe ones are a subset; test_properties_fix covers safe-only runs).
    out = fix_text(doc.text, "page.md", SETTINGS, unsafe=True, bom=doc.bom)
    if out.refused is None and out.changes:
        again = fix_text(out.text, "page.md", SETTINGS, unsafe=True, bom=doc.bom)
        assert again.applied == (), [f.rule for f in again.applied]
        assert again.text == out.text


@pytest.fixture(scope="module")
def disk_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("any-bytes") / "page.md"


@robust_settings(400)
@given(data=ANY_BYTES)
def test_runner_gives_the_engines_findings(disk_page: Path, data: bytes) -> None:
    """Through the file system, the worker payload and the link phase: the same findings."""
    disk_page.write_bytes(data)
    item = Discovered(disk_page, "page.md")
    options = RunOptions(offline=True, no_cache=True, jobs=1)
    run = run_check([item], SETTINGS, Config(), options)
    doc, direct = _lint(data)
    _valid(doc, run.findings)
    # The runner adds only run-scope findings (links judged against the disk) to the engine's.
    run_scope = {"relative-link", "unused-suppression"}
    key = Finding.sort_key
    assert sorted((f for f in run.findings if f.rule not in run_scope), key=key) == sorted(
        (f for f in direct if f.rule not in run_scope), key=key
    )
