"""Applying fixes: a pure `text -> text` core with the safety proofs black and ruff taught us.

The loop: lint, take every fix allowed at this applicability whose edits overlap no fix already
taken, apply them all at once, re-parse and lint again, until nothing fixable is left or the
pass cap is reached (ruff's fixpoint loop). A fix may move text about (a review line becomes a
frontmatter key), so later passes see the rules' judgement of the new text, not a guess.

Before the result is accepted it must prove three things, and is refused (the original text
kept, the reason reported) otherwise:

1. every character outside the edited ranges is still there, in order and identical: the loop
   keeps, for each character of the current text, its offset in the original or that a fix
   wrote it (as runs, see `fixproofs`), and the final text is compared with the original
   through that map, so a bug in offsets or edit application cannot slip through;
2. the frontmatter still parses (and a block that did not parse is no worse than before);
3. a final pass finds nothing more to fix: the fixes converged.

Suppressed findings are not fixed: a person said the text stays as it is.

Around this core: `fixproofs` (the map behind proof 1, and proof 2), `fixdisk` (what a fix
sees of the disk around a page) and `fixrun` (a run over files: reading, writing, workers).

Most pages of a corpus have nothing to fix. For them `fix` costs what `check` does: the page
is parsed once (`fix_file` hands its Document to `fix_text`), linted once, and when no fix is
chosen no bookkeeping is built and nothing is written.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medlint.document import Document
from medlint.engine import Settings, finalize, lint_document
from medlint.findings import Applicability, Edit, Finding, Fix
from medlint.fixdisk import ExtraCheck, disk_checks
from medlint.fixproofs import Tracker, frontmatter_regression
from medlint.fixrun import (
    FileFix,
    FixRun,
    fix_file,
    fix_roots,
    run_fix,
    unified_diff,
    write_pending,
)

__all__ = [  # with what fixdisk and fixrun define that callers take from here
    "MAX_PASSES",
    "ExtraCheck",
    "FileFix",
    "FixOutcome",
    "FixRun",
    "choose_fixes",
    "disk_checks",
    "fix_file",
    "fix_roots",
    "fix_text",
    "is_fixable",
    "lint_page",
    "lint_text",
    "run_fix",
    "unified_diff",
    "write_pending",
]

MAX_PASSES = 10


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """What fixing one text did. When `refused` is set, `text` is the original."""

    original: str
    text: str
    before: tuple[Finding, ...] = ()  # findings of the original text (suppressions applied)
    applied: tuple[Finding, ...] = ()  # findings whose fix went in, over every pass
    remaining: tuple[Finding, ...] = ()  # findings of the final text (suppressions applied)
    changed: tuple[tuple[int, int], ...] = ()  # ranges of the original text that were replaced
    passes: int = 0
    refused: str | None = None

    @property
    def changes(self) -> bool:
        return self.text != self.original


def lint_text(
    text: str,
    path: str,
    settings: Settings,
    *,
    bom: bool = False,
    extra_checks: Sequence[ExtraCheck] = (),
) -> tuple[Document, list[Finding]]:
    """The findings a `check` of this text would report (suppressions applied), and its Document."""
    doc = Document(path, text, bom=bom)
    return doc, lint_page(doc, settings, extra_checks)


def lint_page(
    doc: Document, settings: Settings, extra_checks: Sequence[ExtraCheck] = ()
) -> list[Finding]:
    """The findings a `check` of this Document would report (suppressions applied)."""
    result = lint_document(doc, settings)
    for check in extra_checks:
        result.findings.extend(check(doc))
    return finalize(result, settings)


def is_fixable(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    if fix is None or not fix.edits:
        return False
    return unsafe or fix.applicability is Applicability.SAFE


def _conflicts(a: Edit, b: Edit) -> bool:
    if a.start < b.end and b.start < a.end:
        return True
    # Two edits meeting at one point where either inserts: their order would be a guess.
    touching = a.start == b.end or b.start == a.end
    return touching and (a.start == a.end or b.start == b.end)


def choose_fixes(findings: Iterable[Finding], unsafe: bool) -> tuple[list[Finding], list[Edit]]:
    """Findings whose fixes can all be applied together, earliest first, and their edits."""
    candidates = sorted(
        (f for f in findings if is_fixable(f, unsafe)),
        key=lambda f: (_fix(f).start, _fix(f).end, f.code, f.message),
    )
    chosen: list[Finding] = []
    taken: list[Edit] = []  # sorted by start
    taken_starts: list[int] = []
    seen: set[tuple[Edit, ...]] = set()
    for finding in candidates:
        fix = _fix(finding)
        if fix.edits in seen:  # Two findings sharing one fix: it is applied once, fixes both.
            chosen.append(finding)
            continue
        edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
        if any(_conflicts(x, y) for x, y in itertools.pairwise(edits)):
            continue  # A rule bug: its own edits overlap. Never apply a self-contradicting fix.
        if any(_clashes(e, taken, taken_starts) for e in edits):
            continue  # Left for the next pass, which re-judges the text after this one.
        for e in edits:
            i = bisect.bisect_right(taken_starts, e.start)
            taken.insert(i, e)
            taken_starts.insert(i, e.start)
        seen.add(fix.edits)
        chosen.append(finding)
    return chosen, taken


def _fix(finding: Finding) -> Fix:
    assert finding.fix is not None
    return finding.fix


def _clashes(edit: Edit, taken: list[Edit], starts: list[int]) -> bool:
    i = bisect.bisect_right(starts, edit.start)
    return any(_conflicts(edit, taken[j]) for j in (i - 1, i, i - 2) if 0 <= j < len(taken))


def fix_text(
    text: str,
    path: str,
    settings: Settings,
    *,
    unsafe: bool = False,
    bom: bool = False,
    extra_checks: Sequence[ExtraCheck] = (),
    max_passes: int = MAX_PASSES,
    document: Document | None = None,
) -> FixOutcome:
    """Fix `text` (the page without its BOM) to a fixpoint, or refuse and say why.

    `document`, when given, is this text's Document already built (`fix_file` decoded the
    page into one): its parse is reused instead of parsing the text a second time.
    """
    if document is None:
        document = Document(path, text, bom=bom)
    elif document.text != text or document.bom != bom:
        raise ValueError("fix_text: `document` is not a Document of `text`")
    findings = lint_page(document, settings, extra_checks)
    chosen, edits = choose_fixes(findings, unsafe)
    if not chosen:  # Most pages: nothing to fix, so no bookkeeping and no second parse.
        return FixOutcome(
            original=text, text=text, before=tuple(findings), remaining=tuple(findings)
        )
    first_doc, first_findings = document, findings
    tracker = Tracker(text)
    applied: list[Finding] = []
    passes = 0
    while chosen:
        if passes == max_passes:
            rules = ", ".join(sorted({f.rule for f in chosen}))
            return _refuse(
                text,
                first_findings,
                passes,
                f"fixes did not settle after "
                f"{max_passes} passes ({rules} kept finding something to fix)",
            )
        before = tracker.text
        tracker.apply(edits)
        passes += 1
        if tracker.text == before:
            rules = ", ".join(sorted({f.rule for f in chosen}))
            return _refuse(
                text,
                first_findings,
                passes,
                f"the fix of {rules} changes nothing but the finding stays; please report it",
            )
        applied.extend(chosen)
        document = Document(path, tracker.text, bom=bom)
        findings = lint_page(document, settings, extra_checks)
        chosen, edits = choose_fixes(findings, unsafe)
    why = tracker.unchanged_outside_edits() or frontmatter_regression(first_doc, document)
    if why is not None:
        return _refuse(text, first_findings, passes, why)
    return FixOutcome(
        original=text,
        text=tracker.text,
        before=tuple(first_findings),
        applied=tuple(applied),
        remaining=tuple(findings),
        changed=tuple(tracker.changed_ranges()),
        passes=passes,
    )


def _refuse(text: str, findings: list[Finding], passes: int, why: str) -> FixOutcome:
    return FixOutcome(
        original=text,
        text=text,
        before=tuple(findings),
        remaining=tuple(findings),
        passes=passes,
        refused=why,
    )
