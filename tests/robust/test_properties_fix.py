"""Properties of `fix`, checked against the page as it was built, not the fixer's bookkeeping.

For every generated page (tests/robust/pages.py: protected prose among defects, LF/CRLF/CR or
mixed line endings, with or without a BOM and frontmatter):

- survival: no changed range touches a protected block, every protected block is still there
  byte for byte and in order, no line-ending style appears that the page did not use, and the
  BOM is kept or absent exactly as it was;
- idempotence: fixing the output again changes nothing (at the byte level);
- nothing left: a check of the output finds nothing fixable at the applicability used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given

from medlint.config import Config
from medlint.engine import build_settings
from medlint.fixer import FixOutcome, disk_checks, fix_text, is_fixable, lint_text
from medlint.text import decode
from medlint.writer import encode
from tests.robust.helpers import robust_settings
from tests.robust.pages import Page, page_strategy

SETTINGS = build_settings(Config(), config_root=Path("."), today=dt.date(2026, 11, 22))
CHECKS = disk_checks(SETTINGS)  # as `medlint fix` runs: root-relative links judged on disk
PATH = "robust-page.md"  # no such file: links are judged against a page that is not there


def _fix(text: str, *, unsafe: bool, bom: bool) -> FixOutcome:
    return fix_text(text, PATH, SETTINGS, unsafe=unsafe, bom=bom, extra_checks=CHECKS)


def _line_endings(text: str) -> set[str]:
    kinds = set()
    if "\r\n" in text:
        kinds.add("\r\n")
    if "\n" in text.replace("\r\n", ""):
        kinds.add("\n")
    if "\r" in text.replace("\r\n", ""):
        kinds.add("\r")
    return kinds


def _touches(changed: tuple[tuple[int, int], ...], protected: list[tuple[int, int]]) -> list[str]:
    bad = []
    for s, e in changed:
        for ps, pe in protected:
            overlap = s < pe and ps < e if s < e else ps < s < pe
            if overlap:
                bad.append(f"change {s}-{e} inside protected {ps}-{pe}")
    return bad


def _in_order(texts: list[str], out: str) -> bool:
    at = 0
    for text in texts:
        found = out.find(text, at)
        if found < 0:
            return False
        at = found + len(text)
    return True


def _check(page: Page, *, unsafe: bool) -> None:
    out = _fix(page.text, unsafe=unsafe, bom=page.bom)
    assert out.refused is None, out.refused
    # Survival, judged on the page as built.
    assert not _touches(out.changed, page.protected)
    assert _in_order(page.protected_texts(), out.text)
    if _line_endings(page.text):
        assert _line_endings(out.text) <= _line_endings(page.text)
    written = encode(out.text, bom=page.bom)
    assert written.startswith(b"\xef\xbb\xbf") == page.bom
    assert decode(written).text == out.text
    if not out.changes:
        assert written == page.data
    # Idempotence: a second fix of the written bytes changes nothing.
    again_in = decode(written)
    again = _fix(again_in.text, unsafe=unsafe, bom=again_in.bom)
    assert again.refused is None, again.refused
    assert again.applied == ()
    assert encode(again.text, bom=again_in.bom) == written
    # Nothing fixable left for `check` at this applicability.
    _, findings = lint_text(out.text, PATH, SETTINGS, bom=page.bom, extra_checks=CHECKS)
    left = [f"{f.rule}: {f.message}" for f in findings if is_fixable(f, unsafe)]
    assert not left, left


@robust_settings(2000)
@given(page_strategy())
def test_unsafe_fix_survival_idempotence_nothing_left(page: Page) -> None:
    _check(page, unsafe=True)


@robust_settings(1000)
@given(page_strategy())
def test_safe_fix_survival_idempotence_nothing_left(page: Page) -> None:
    _check(page, unsafe=False)
