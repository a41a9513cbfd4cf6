"""The fixture harness (markdownlint's idea): every rule's fixtures mark their findings inline.

Each `tests/fixtures/<rule-name>/*.md` (not `*.fixed.md`) is checked with only that rule selected,
plus `tests/fixtures/<rule-name>/config.toml` as medlint config when present (default
`today = 2026-01-15`). Expected findings are written in the page itself:

- an HTML comment on its own line: `<!-- expect: RULE[@LINE[:COL]] [RULE...] -->`; without
  `@LINE` it means the next line that is not itself an expect comment;
- inside frontmatter, a YAML comment line: `# expect: RULE[@LINE[:COL]]`.

The (rule, line[, column]) multiset must match exactly. When any finding has a fix, the sibling
`<name>.fixed.md` must equal the page fixed with unsafe fixes enabled (regenerate with
MEDLINT_UPDATE_SNAPSHOTS=1); the fixed text must have nothing fixable left, and fixing it again
must change nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from medlint.config import Config
from medlint.discovery import Discovered
from medlint.engine import Settings, build_settings
from medlint.findings import Finding
from medlint.fixer import disk_checks, fix_text, is_fixable
from medlint.registry import all_rules
from medlint.runner import RunOptions, run_check
from medlint.text import decode
from medlint.writer import encode

FIXTURES = Path(__file__).parent / "fixtures"
DEFAULT_TODAY = dt.date(2026, 1, 15)
UPDATE = os.environ.get("MEDLINT_UPDATE_SNAPSHOTS") == "1"

_LINES = re.compile(r"\r\n|\r|\n")
_HTML_EXPECT = re.compile(r"^\s*<!--\s*expect:\s*(.*?)\s*-->\s*$")
_YAML_EXPECT = re.compile(r"^\s*#\s*expect:\s*(.*?)\s*$")
_TOKEN = re.compile(r"^([a-z0-9-]+)(?:@(\d+)(?::(\d+))?)?$")

Expected = tuple[str, int, int | None]


def _fixture_files() -> list[object]:
    params: list[object] = []
    if not FIXTURES.is_dir():
        return params
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for page in sorted(rule_dir.glob("*.md")):
            if page.name.endswith(".fixed.md"):
                continue
            params.append(pytest.param(rule_dir.name, page, id=f"{rule_dir.name}/{page.name}"))
    return params


def parse_expectations(text: str) -> list[Expected]:
    """The (rule, line, column or None) findings a fixture page declares."""
    lines = _LINES.split(text)
    fm_end = 0  # 1-based number of the closing fence line, 0 when there is no frontmatter
    if lines and lines[0].rstrip() == "---":
        for i, line in enumerate(lines[1:], start=2):
            if line.rstrip() in ("---", "..."):
                fm_end = i
                break

    def expect_body(number: int) -> str | None:
        line = lines[number - 1]
        pattern = _YAML_EXPECT if 1 < number < fm_end else _HTML_EXPECT
        m = pattern.match(line)
        return m.group(1) if m else None

    out: list[Expected] = []
    for number in range(1, len(lines) + 1):
        body = expect_body(number)
        if body is None:
            continue
        nxt = number + 1
        while nxt <= len(lines) and expect_body(nxt) is not None:
            nxt += 1
        for token in body.split():
            m = _TOKEN.match(token)
            assert m, f"line {number}: bad expect token `{token}` (RULE[@LINE[:COL]])"
            line = int(m.group(2)) if m.group(2) else nxt
            col = int(m.group(3)) if m.group(3) else None
            out.append((m.group(1), line, col))
    return out


def _settings(rule: str, folder: Path) -> tuple[Settings, Config]:
    data: dict[str, object] = {}
    config_file = folder / "config.toml"
    if config_file.is_file():
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    config = Config.model_validate(data)
    today = config.today or DEFAULT_TODAY
    return build_settings(config, config_root=folder, select=[rule], today=today), config


def _mismatch(expected: list[Expected], found: list[Finding]) -> str | None:
    actual = Counter((f.rule, f.span.line, f.span.column) for f in found)
    missing: list[Expected] = []
    for rule, line, col in sorted(expected, key=lambda e: (e[2] is None, e[1], e[0])):
        if col is not None:
            key = (rule, line, col)
            if actual[key]:
                actual[key] -= 1
                continue
        else:
            match = next((k for k in sorted(actual) if k[:2] == (rule, line) and actual[k]), None)
            if match is not None:
                actual[match] -= 1
                continue
        missing.append((rule, line, col))
    extra = sorted(actual.elements())
    if not missing and not extra:
        return None
    by_key = {(f.rule, f.span.line, f.span.column): f.message for f in found}
    report = [f"expected but not found: {m}" for m in missing]
    report += [f"found but not expected: {k} {by_key[k]}" for k in extra]
    return "\n".join(report)


@pytest.mark.parametrize(("rule", "page"), _fixture_files())
def test_fixture(rule: str, page: Path) -> None:
    assert rule in all_rules(), f"fixture folder `{rule}` names no rule"
    settings, config = _settings(rule, page.parent)
    raw = page.read_bytes()
    decoded = decode(raw)
    expected = parse_expectations(decoded.text)
    display = str(page)
    run = run_check([Discovered(page, display)], settings, config, RunOptions(offline=True))
    found = [f for f in run.findings if f.path == display]
    problem = _mismatch(expected, found)
    assert problem is None, f"{page.name}:\n{problem}"

    snapshot = page.with_name(page.name[: -len(".md")] + ".fixed.md")
    if not any(f.fix is not None for f in found):
        assert not snapshot.exists(), f"{snapshot.name} is stale: no finding has a fix"
        return
    checks = disk_checks(settings)
    outcome = fix_text(
        decoded.text, display, settings, unsafe=True, bom=decoded.bom, extra_checks=checks
    )
    assert outcome.refused is None, f"fix refused: {outcome.refused}"
    fixed = encode(outcome.text, bom=decoded.bom)
    if UPDATE:
        snapshot.write_bytes(fixed)
    assert snapshot.exists(), f"{snapshot.name} missing: run with MEDLINT_UPDATE_SNAPSHOTS=1"
    assert snapshot.read_bytes() == fixed, f"{snapshot.name} differs from the fixed page"

    left = [f for f in outcome.remaining if is_fixable(f, unsafe=True)]
    assert not left, f"fixable findings left after fix: {[(f.rule, f.span.line) for f in left]}"
    again = fix_text(
        outcome.text, display, settings, unsafe=True, bom=decoded.bom, extra_checks=checks
    )
    assert again.refused is None
    assert again.text == outcome.text, "fixing the fixed page changed it again"


def test_expectation_parser() -> None:
    text = (
        "---\n"
        "# expect: frontmatter-schema\n"
        "citation: TBD\n"
        "---\n"
        "<!-- expect: placeholder mojibake@9:3 -->\n"
        "<!-- expect: boilerplate -->\n"
        "TBD\n"
    )
    assert sorted(parse_expectations(text), key=str) == sorted(
        [
            ("frontmatter-schema", 3, None),
            ("placeholder", 7, None),
            ("mojibake", 9, 3),
            ("boilerplate", 7, None),
        ],
        key=str,
    )
