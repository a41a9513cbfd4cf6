"""Pathological Markdown finishes: runs of brackets, emphasis, backticks, HTML, comments, URLs.

A quadratic scan is invisible on real pages and a hang on a hostile one, so every case is big
(about 200 KB; the size limit allows 10 MB) and the whole set must finish under a hang guard that
a linear implementation never approaches. The cases run in a child process that announces each
one before starting it: a hang fails the test naming the culprit instead of stalling pytest (a
regex stuck in C cannot be interrupted in-process).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import VALID_PAGE
from tests.robust.helpers import TODAY, json_findings, medlint_env, run_medlint

N = 60_000
HANG_GUARD = 150.0  # seconds for all cases together; linear code needs a small fraction of it

FRONTMATTER = VALID_PAGE.split("\n---\n", 1)[0] + "\n---\n\n"

# About 240 KB each: at that size a quadratic scan takes many minutes (measured: 6 s for 20 KB of
# `<!--`), a linear one well under a second. Cases are shaped to make few findings, so the time
# is spent parsing and scanning, not reporting.
CASES: dict[str, str] = {
    # Inline syntax: delimiter runs that a backtracking parser would pair up forever.
    "open-brackets": "[" * N * 4,
    "bracket-paren": "[a](" * N,
    "close-open": "](" * N * 2,
    "emphasis-star": "*a" * N * 2,
    "emphasis-mixed": "*_" * N * 2,
    "emphasis-underscore": "_a " * N,
    "strong-runs": "**a" * N,
    "backticks": "`" * N * 4,
    "backtick-ladder": "".join("`" * i + "a" for i in range(1, 1000)),
    "escapes": "\\" * N * 4,
    "entities": "&amp;" * N,
    "images": "![" * N * 2,
    "footnotes": "[^a]" * N,
    "link-in-link": "[" * 20_000 + "a" + "](b)" * 20_000,
    "links-unclosed-dest": "[a](http://x.example/" + "(" * N * 4,
    "ref-uses": "[x]" * N + "\n\n[x]: /y\n",
    "autolinks": "<http://a" * N,
    "bare-urls": "http://" * N,
    "bare-url-long": "http://" + "a" * N * 4,
    "www": "www." * N,
    "tables": "|a" * N + "\n" + "|-" * N + "\n",
    # Block structure.
    "nested-quotes": ">" * N * 4,
    "nested-lists": "".join("  " * i + "- a\n" for i in range(1000)),
    "headings": "## h\n" * N,
    "setext": "a\n-\n" * N,
    "fences-unclosed": "```\n" + "a\n" * N * 2,
    "cr-lines": "a\r" * N * 2,
    # HTML, where medlint's own scanners run (found quadratic: minutes for 64 KB).
    "comments-unclosed": "<!--" * N,
    "comments-closed-block": "<div>\n" + "<!-- x -->" * N,
    "html-block-tags": "<div>\n" + "<a " * N,
    "html-block-href": "<div>\n" + "<a href " * N,
    "html-block-ids": "<div>\n" + "<b id= " * N,
    "html-quotes": "<div>\n" + '<a title="' * N,
    # Text the content rules scan with Python regexes.
    "spaces-in-heading": "# a" + " " * N * 4 + "b\n",
    "spaces-in-line": "x" + " " * N * 4 + "y\n",
    "dashes-in-heading": "# a" + " -" * N * 2 + " b\n",
    "quote-markup": "> " * N * 2 + "TODO: x\n",
    "list-markup": "- " * N * 2 + "TODO: x\n",
    "before-placeholder": "x" + " " * N * 4 + "TODO: x\n",
    "title-words": "x" + " Ab" * N + "\n",
    "braces": "{{" * N * 2,
    "insert-brackets": "[insert " * N,
    "xxx": "XXX-" * N,
    "mojibake": "Ã©" * N * 2,
    "mojibake-mixed": "aÃ" * N * 2,
    "combining-marks": "a\u0301" * N * 2,
    "review-trailing": "Medical Review: Ilana Schlam, MD" + " ." * N * 2 + "x\n",
    "copyright": "© 2024" + " " * N * 4 + "x\n",
    "long-word": "a" * N * 4,
    "suppression-spaces": "<!-- medlint-disable placeholder" + " " * N * 4 + "x -->\n",
    "boilerplate-links": "All rights reserved. Copyright " + "](" * N * 2 + "\n",
}

# Whole pages, for scanners that only run on some frontmatter (all found quadratic).
NO_REVIEWER = FRONTMATTER.replace("reviewedBy:\n- Ilana Schlam, MD, MPH\n", "")
PAGES: dict[str, str] = {
    **{name: FRONTMATTER + body for name, body in CASES.items()},
    "review-line-spaces": NO_REVIEWER + "Medical Review: a" + " " * N * 4 + "b\n",
    "review-line-dots": NO_REVIEWER + "Medical Review: a" + " ." * N * 2 + "b\n",
    "url-dots": FRONTMATTER.replace(
        "url: https://www.cancer.gov/about-cancer/treatment/drugs/trastuzumab",
        "url: http://" + "a." * N + " x",
    ),
}

_DRIVER = textwrap.dedent(
    """
    import datetime as dt, json, sys
    from pathlib import Path
    from medlint.config import Config
    from medlint.document import Document
    from medlint.engine import build_settings, finalize, lint_document

    settings = build_settings(Config(), config_root=Path("."), today=dt.date.fromisoformat(
        sys.argv[2]))
    for path in sorted(Path(sys.argv[1]).glob("*.md")):
        print("start", path.stem, flush=True)
        doc = Document(path.name, path.read_text(encoding="utf-8"))
        found = finalize(lint_document(doc, settings), settings)
        rules = sorted({f.rule for f in found})
        print("done", path.stem, json.dumps(rules, separators=(",", ":")), len(found), flush=True)
    """
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-md")
    for name, text in PAGES.items():
        assert text.startswith("---\n") and len(text) > 100_000, name
        (root / f"{name}.md").write_text(text, encoding="utf-8")
    return root


@pytest.mark.slow
def test_every_pathological_page_finishes(pages: Path) -> None:
    cmd = [sys.executable, "-c", _DRIVER, str(pages), TODAY]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=HANG_GUARD, env=medlint_env()
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        started = [line.split()[1] for line in out.splitlines() if line.startswith("start")]
        pytest.fail(f"hang: `{started[-1] if started else '?'}` did not finish")
    assert proc.returncode == 0, proc.stderr[-3000:]
    done = {}
    for line in proc.stdout.splitlines():
        if line.startswith("done"):
            _, name, rules, _count = line.split(" ", 3)
            done[name] = json.loads(rules)
    assert set(done) == set(PAGES)
    crashed = {name: rules for name, rules in done.items() if "internal-error" in rules}
    assert not crashed, crashed


# The pages whose links, comments and frontmatter reach the run-wide stages too.
CLI_PAGES = (
    "bracket-paren", "ref-uses", "autolinks", "bare-urls", "link-in-link", "links-unclosed-dest",
    "comments-unclosed", "comments-closed-block", "html-block-href", "suppression-spaces",
    "url-dots", "review-line-dots", "spaces-in-heading",
)  # fmt: skip


@pytest.mark.slow
def test_cli_reports_every_pathological_page(pages: Path) -> None:
    """The whole program (discovery, link phase offline, report) on pages of each kind."""
    args = ["check", "--offline", "--no-cache", "--format", "json"]
    proc = run_medlint([*args, *(f"{name}.md" for name in CLI_PAGES)], pages, env=medlint_env())
    findings = json_findings(proc)
    assert {Path(str(f["path"])).stem for f in findings} <= set(CLI_PAGES)
    assert not [f for f in findings if f["rule"] == "internal-error"]
