"""A whole `medlint fix` run over files: read, fix (`fixer.fix_text`), diff or write, count.

`fixer` turns a text into its fixed text and proves the result; this module is the disk side:
which files, reading them, writing them (atomically, see `writer`, and only inside the folders
being fixed), diffs, and spreading the pages over worker processes. Its entry points are also
importable from `medlint.fixer`.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from medlint.discovery import Discovered
from medlint.engine import Settings
from medlint.findings import Finding
from medlint.fixdisk import ExtraCheck, RunToken, checks_for, new_run


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
        from medlint.fixer import is_fixable

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
    from medlint.discovery import FileTooLarge, read_regular
    from medlint.engine import UNREADABLE, document_from_bytes, file_finding
    from medlint.writer import encode

    display = item.display
    if item.error is not None:
        return FileFix(
            display, [file_finding(display, UNREADABLE, f"cannot read folder: {item.error}")]
        )
    try:
        raw = read_regular(item.path, settings.max_file_size)
    except FileTooLarge:
        why = f"file is over the {settings.max_file_size / 1048576:.1f} MB limit: not checked"
        return FileFix(display, [file_finding(display, UNREADABLE, why)])
    except OSError as exc:
        why = f"cannot read file: {exc.strerror or exc}"
        return FileFix(display, [file_finding(display, UNREADABLE, why)])
    doc = document_from_bytes(display, raw)
    if isinstance(doc, Finding):
        return FileFix(display, [doc])
    from medlint import fixer  # looked up at call time: one module, one fix_text to replace

    outcome = fixer.fix_text(
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
