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

Most pages of a corpus have nothing to fix. For them `fix` costs what `check` does: the page
is parsed once (`fix_file` hands its Document to `fix_text`), linted once, and when no fix is
chosen no bookkeeping is built and nothing is written.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from medlint.discovery import Discovered
from medlint.document import Document
from medlint.engine import Settings, finalize, lint_document
from medlint.findings import Applicability, Edit, Finding, Fix
from medlint.fixdisk import ExtraCheck, RunToken, checks_for, disk_checks, new_run
from medlint.fixproofs import Tracker, frontmatter_regression

__all__ = [  # ExtraCheck and disk_checks live in fixdisk; callers take them from here
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


# ----------------------------------------------------------------------------------------------
# A whole `medlint fix` run over files: read, fix, diff or write, and count.


@dataclass(slots=True)
class FileFix:
    """What happened to one file. `findings` is what the file holds after the run."""

    display: str
    findings: list[Finding]
    fixed: int = 0  # findings fixed (or that would be, with --diff / --check)
    changes: bool = False
    written: bool = False
    diff: str = ""
    problem: str | None = None  # why the file was left untouched
    # Set by a worker process for its run's main process to write: (path, new bytes, bytes
    # read, findings once written). Always None in a finished run.
    pending: tuple[Path, bytes, bytes, list[Finding]] | None = None


@dataclass(slots=True)
class FixRun:
    files: list[FileFix]
    unsafe: bool
    write: bool

    @property
    def remaining(self) -> list[Finding]:
        out = [f for file in self.files for f in file.findings]
        out.sort(key=Finding.sort_key)
        return out

    @property
    def would_change(self) -> int:
        return sum(1 for f in self.files if f.changes)

    def summary(self) -> str:
        fixed = sum(f.fixed for f in self.files if f.changes and f.problem is None)
        files = sum(1 for f in self.files if f.changes and f.problem is None)
        remaining = self.remaining
        verb = "Fixed" if self.write else "Would fix"
        text = (
            f"{verb} {fixed} finding{'s' if fixed != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}; {len(remaining)} remain"
        )
        more = sum(1 for f in remaining if is_fixable(f, unsafe=True) and not is_fixable(f, False))
        if more and not self.unsafe:
            text += f" ({more} fixable with --unsafe-fixes)"
        problems = sum(1 for f in self.files if f.problem is not None)
        if problems:
            text += f"; {problems} file{'s' if problems != 1 else ''} left untouched (see above)"
        return text + "."


def _split_lines(text: str) -> list[str]:
    """Lines with their own endings (str.splitlines would also split at form feeds and U+2028)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


def unified_diff(before: str, after: str, display: str) -> str:
    out: list[str] = []
    for line in difflib.unified_diff(
        _split_lines(before), _split_lines(after), f"a/{display}", f"b/{display}"
    ):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def fix_roots(paths: Sequence[Path], cwd: Path) -> tuple[Path, ...]:
    """The real folders a fix may write in: each named folder, and the folder of a named file.

    A symlinked page, or a symlinked folder met while walking, that leads outside them is never
    written through: a pull request could add `docs/page.md -> ~/.bashrc`, and the pre-commit
    hook names that link as a file to fix. Folders in a path the user typed are their choice.
    """
    roots = []
    for given in paths:
        path = given if given.is_absolute() else cwd / given
        roots.append(Path(os.path.realpath(path if path.is_dir() else path.parent)))
    return tuple(roots)


def _outside(path: Path, roots: Sequence[Path]) -> bool:
    real = Path(os.path.realpath(path))
    return bool(roots) and not any(real.is_relative_to(root) for root in roots)


def fix_file(
    item: Discovered,
    settings: Settings,
    *,
    unsafe: bool,
    write: bool,
    diff: bool,
    checks: Sequence[ExtraCheck],
    roots: Sequence[Path] = (),
    defer: bool = False,
) -> FileFix:
    """Fix one file on disk: read it, fix the text, then write it atomically or diff it.

    With `defer`, the write is left in `pending` for the caller to finish with `write_pending`.
    """
    from medlint.engine import UNREADABLE, document_from_bytes, file_finding
    from medlint.writer import encode

    display = item.display
    if item.error is not None:
        return FileFix(
            display, [file_finding(display, UNREADABLE, f"cannot read folder: {item.error}")]
        )
    try:
        size = item.path.stat().st_size
        if size > settings.max_file_size:
            why = f"file is over the {settings.max_file_size / 1048576:.1f} MB limit: not checked"
            return FileFix(display, [file_finding(display, UNREADABLE, why)])
        raw = item.path.read_bytes()
    except OSError as exc:
        why = f"cannot read file: {exc.strerror or exc}"
        return FileFix(display, [file_finding(display, UNREADABLE, why)])
    doc = document_from_bytes(display, raw)
    if isinstance(doc, Finding):
        return FileFix(display, [doc])
    outcome = fix_text(
        doc.text,
        display,
        settings,
        unsafe=unsafe,
        bom=doc.bom,
        extra_checks=checks,
        document=doc,  # the page is parsed once, not again inside fix_text
    )
    result = FileFix(display, list(outcome.before))
    if outcome.refused is not None:
        result.problem = f"not fixed: {outcome.refused}"
        return result
    if not outcome.changes:
        return result
    result.changes = True
    result.fixed = len(outcome.applied)
    if diff:
        result.diff = unified_diff(outcome.original, outcome.text, display)
    if not write:
        result.findings = list(outcome.remaining)
        return result
    if _outside(item.path, roots):
        result.problem = "is a link to a file outside the folders being fixed: not written"
        return result
    result.pending = (item.path, encode(outcome.text, bom=doc.bom), raw, list(outcome.remaining))
    if not defer:
        write_pending(result)
    return result


def write_pending(result: FileFix) -> None:
    """Write the fixed page `fix_file` left in `result.pending`, and record how it went."""
    from medlint.writer import WriteRefused, write_atomic

    assert result.pending is not None
    path, data, raw, remaining = result.pending
    result.pending = None
    try:
        result.written = write_atomic(path, data, raw)
    except WriteRefused as exc:
        result.problem = str(exc)
        return
    result.findings = remaining


_Job = tuple[Discovered, bool, bool, bool, tuple[Path, ...], RunToken]


def _fix_job(job: _Job, settings: Settings) -> FileFix:
    """One file for `parallel.map_unordered` (module level, so a spawned worker can import it).

    In a worker process (not the one that started the run, whose pid the run token holds) the
    write is left to the main process, which is idle while workers fix pages: it writes in a
    background thread, so the workers' time goes to fixing, not to waiting on the disk.
    """
    item, unsafe, write, diff, roots, run = job
    checks = checks_for(run, settings)
    defer = os.getpid() != run[0]
    return fix_file(
        item,
        settings,
        unsafe=unsafe,
        write=write,
        diff=diff,
        checks=checks,
        roots=roots,
        defer=defer,
    )


def run_fix(
    items: Sequence[Discovered],
    settings: Settings,
    *,
    unsafe: bool,
    write: bool,
    diff: bool,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
    roots: Sequence[Path] = (),
) -> FixRun:
    """Fix every file, in worker processes for large runs; results in path order."""
    from medlint.parallel import map_unordered
    from medlint.writer import WriteBehind

    # A token for this run, so a worker (or this process) builds the run's disk checks once
    # and never reuses another run's view of the disk.
    run = new_run()
    work: list[_Job] = [(item, unsafe, write, diff, tuple(roots), run) for item in items]
    files: list[FileFix] = []
    with WriteBehind() as writes:  # the workers' fixed pages, written as they come in
        for done, result in enumerate(map_unordered(_fix_job, work, settings, jobs), 1):
            files.append(result)
            if result.pending is not None:
                writes.submit(functools.partial(write_pending, result))
            if progress is not None:
                progress(done, len(work))
    order = {item.display: i for i, item in enumerate(items)}
    files.sort(key=lambda f: order.get(f.display, len(order)))
    return FixRun(files, unsafe=unsafe, write=write)
