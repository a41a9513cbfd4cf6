"""The fixer's pure core: choosing fixes, the fixpoint loop, the proofs before a result counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from medlint.config import Config
from medlint.document import Document
from medlint.engine import Settings, build_settings
from medlint.findings import Applicability, Edit, Finding, Fix, Severity, Span
from medlint.fixer import choose_fixes, disk_checks, fix_text
from medlint.registry import Context, Rule

TODAY = dt.date(2026, 1, 15)
NCI = (
    Path(__file__).resolve().parents[1] / "seeds" / "nci-ado-trastuzumab-emtansine.md"
).read_text(encoding="utf-8")


def settings(*select: str) -> Settings:
    return build_settings(Config(), config_root=Path("."), select=list(select) or None, today=TODAY)


def _finding(
    start: int, end: int, replacement: str, *, code: str = "ML900", safe: bool = True
) -> Finding:
    span = Span(start=start, end=end, line=1, column=start + 1, end_line=1, end_column=end + 1)
    fix = Fix(
        title="t",
        edits=(Edit(start=start, end=end, replacement=replacement),),
        applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
    )
    return Finding(
        path="p", code=code, rule="r", severity=Severity.ERROR, span=span, message="m", fix=fix
    )


def test_choose_skips_overlapping_and_touching_insertions() -> None:
    a = _finding(0, 5, "x")
    b = _finding(3, 8, "y")  # overlaps a: left for the next pass
    c = _finding(5, 5, "z")  # an insertion where a ends: order would be a guess
    d = _finding(8, 9, "w")  # touches nothing taken
    chosen, edits = choose_fixes([b, d, c, a], unsafe=False)
    assert chosen == [a, d]
    assert [(e.start, e.end) for e in edits] == [(0, 5), (8, 9)]


def test_choose_respects_applicability_and_shared_fixes() -> None:
    unsafe = _finding(0, 1, "x", safe=False)
    assert choose_fixes([unsafe], unsafe=False)[0] == []
    assert choose_fixes([unsafe], unsafe=True)[0] == [unsafe]
    twin = _finding(0, 1, "x", code="ML901", safe=False)
    chosen, edits = choose_fixes([unsafe, twin], unsafe=True)
    assert len(chosen) == 2 and len(edits) == 1


def test_safe_fixes_on_the_nci_seed_change_only_their_spans() -> None:
    s = settings()
    out = fix_text(NCI, "nci.md", s, extra_checks=disk_checks(s))
    assert out.refused is None
    assert "antibody–drug" in out.text
    assert "https://www.cancer.gov/Common/PopUps/" in out.text
    assert "Placeholder slot" in out.text  # unsafe: not applied by default
    assert {f.rule for f in out.applied} == {"mojibake", "relative-link"}
    assert len(out.applied) == 10
    # Every original character outside the changed ranges is still there, in order.
    pos = 0
    for start, end in out.changed:
        assert NCI[pos:start] in out.text
        pos = end


def test_unsafe_fixes_and_a_second_pass_changes_nothing() -> None:
    first = fix_text(NCI, "nci.md", settings(), unsafe=True)
    assert first.refused is None
    assert "Placeholder slot" not in first.text
    assert "# Ado-Trastuzumab Emtansine - NCI" not in first.text
    assert "\n\n\n" not in first.text
    again = fix_text(first.text, "nci.md", settings(), unsafe=True)
    assert again.text == first.text and not again.applied


def test_suppressed_findings_are_not_fixed() -> None:
    text = "---\ntitle: T\n---\n\n<!-- medlint-disable-next-line mojibake -->\ncafÃ© au lait\n"
    out = fix_text(text, "p.md", settings("mojibake"))
    assert out.text == text and not out.applied and not out.remaining


def test_frontmatter_schema_rename_goes_through_the_engine() -> None:
    text = "---\ntitle: T\nlastReveiwed: 2025-01-01\n---\n\n# T\n"
    out = fix_text(text, "p.md", settings("frontmatter-schema"), unsafe=True)
    assert out.refused is None
    assert "lastReviewed: 2025-01-01" in out.text
    assert out.text.replace("lastReviewed", "lastReveiwed") == text


class _Broken(Rule):
    """Test rule.

    ## What it does
    ## Why it matters
    ## Example
    ## Fix
    """

    code = "ML990"
    name = "broken-test-rule"
    summary = "test"

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if self.kind == "never-settles":
            # Always finds something and always appends: never converges.
            yield self.finding(
                doc,
                doc.span(0, 0),
                "grow",
                fix=self.make_fix(
                    "grow", Edit(start=len(doc.text), end=len(doc.text), replacement="x")
                ),
            )
        elif self.kind == "no-op" and "a" in doc.text:
            yield self.finding(
                doc,
                doc.span(0, 1),
                "noop",
                fix=self.make_fix("noop", Edit(start=0, end=1, replacement="a")),
            )
        elif self.kind == "breaks-yaml" and doc.frontmatter is not None and doc.frontmatter.data:
            fm = doc.frontmatter
            yield self.finding(
                doc,
                doc.span(fm.content_start, fm.content_start),
                "break",
                fix=self.make_fix(
                    "break",
                    Edit(start=fm.content_start, end=fm.content_start, replacement="[: x\n"),
                ),
            )


def _with_rule(rule: Rule) -> Settings:
    base = settings("mojibake")
    return Settings(rules=(rule,), ctx=base.ctx, selected=frozenset({rule.name}))


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("never-settles", "did not settle"),
        ("no-op", "changes nothing"),
        ("breaks-yaml", "no longer parses"),
    ],
)
def test_a_fix_that_fails_a_proof_leaves_the_text_untouched(kind: str, reason: str) -> None:
    text = "---\ntitle: a\n---\n\nbody a\n"
    out = fix_text(text, "p.md", _with_rule(_Broken(kind)), unsafe=True)
    assert out.refused is not None and reason in out.refused
    assert out.text == text
    assert not out.applied


def test_crlf_bom_and_non_ascii_survive_a_fix() -> None:
    text = "---\r\ntitle: Café “x”\r\n---\r\n\r\nCafÃ© — “quoted” naïve\r\nlast"
    out = fix_text(text, "p.md", settings("mojibake"), bom=True)
    assert out.text == "---\r\ntitle: Café “x”\r\n---\r\n\r\nCafé — “quoted” naïve\r\nlast"
    start = text.index("Ã©")
    assert out.changed == ((start, start + 2),)
