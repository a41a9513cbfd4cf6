"""What a fixed text must prove before it replaces the original (see `medlint.fixer`).

`Tracker` applies each pass's edits and remembers, for every character of the current text,
where it came from in the original (or that a fix wrote it); `unchanged_outside_edits` then
compares the final text with the original through that map (proof 1). `frontmatter_regression`
compares the frontmatter before and after (proof 2). Proof 3, convergence, is the fix loop's
own last pass.

The map is kept as runs, `(start in text, start in original, length)` for each stretch copied
unchanged from the original, rather than one original offset per character: it says exactly the
same thing, but applying edits and checking the result cost per edit and per run (a slice
comparison), not a Python step per character of the page.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from medlint.document import Document
from medlint.findings import Edit

Run = tuple[int, int, int]  # (start in the current text, start in the original, length)


@dataclass(slots=True)
class Tracker:
    """The current text plus, for each run of it copied from the original, where it came from.

    Characters between runs were written by a fix. `edited` holds, per edit applied, the range
    of the original it stands in for (from just past the last kept character before it to the
    first kept character after it), so a later edit over text an earlier one wrote still maps to
    the original range it replaces.
    """

    original: str
    text: str = ""
    runs: list[Run] = field(default_factory=list)
    edited: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)  # runs' starts in the text, for bisect

    def __post_init__(self) -> None:
        self.text = self.original
        self.runs = [(0, 0, len(self.original))] if self.original else []
        self._starts = [r[0] for r in self.runs]

    def _orig_left(self, pos: int) -> int:
        """Original offset just past the last kept character before `pos`."""
        j = bisect.bisect_left(self._starts, pos) - 1  # last run starting before pos
        if j < 0:
            return 0
        start, orig, length = self.runs[j]
        return orig + min(pos - start, length)

    def _orig_right(self, pos: int) -> int:
        """Original offset of the first kept character at or after `pos`."""
        j = bisect.bisect_right(self._starts, pos) - 1  # last run starting at or before pos
        if j >= 0:
            start, orig, length = self.runs[j]
            if pos < start + length:
                return orig + pos - start
        j += 1
        return self.runs[j][1] if j < len(self.runs) else len(self.original)

    def apply(self, edits: Sequence[Edit]) -> None:
        """Apply non-overlapping edits (sorted by start) to the text and the map."""
        for edit in edits:
            self.edited.append((self._orig_left(edit.start), self._orig_right(edit.end)))
        parts: list[str] = []
        runs: list[Run] = []
        text, old = self.text, self.runs
        i = 0  # first old run that may still hold kept text
        pos = 0  # how far the current text has been consumed
        shift = 0  # new offset minus current offset, for the text from `pos` on
        for e in [*edits, None]:
            end = len(text) if e is None else e.start
            while i < len(old) and old[i][0] + old[i][2] <= pos:
                i += 1
            j = i
            while j < len(old) and old[j][0] < end:  # the runs met by the kept [pos, end)
                start, orig, length = old[j]
                lo, hi = max(pos, start), min(end, start + length)
                if lo < hi:
                    _append_run(runs, (lo + shift, orig + lo - start, hi - lo))
                j += 1
            parts.append(text[pos:end])
            if e is None:
                break
            parts.append(e.replacement)
            shift += len(e.replacement) - (e.end - e.start)
            pos = e.end
        self.text = "".join(parts)
        self.runs = runs
        self._starts = [r[0] for r in runs]

    def changed_ranges(self) -> list[tuple[int, int]]:
        return merge(self.edited)

    def unchanged_outside_edits(self) -> str | None:
        """Why the text differs from the original outside the edited ranges, or None.

        Each run must be where the map says it is: inside the text, after the previous run in
        both texts, outside every edited range of the original, and equal to the original there.
        The runs then hold distinct original characters outside the edited ranges; when there
        are as many as the original has outside them, every one of those characters is kept, in
        order. A bug in offsets or in applying edits cannot slip through.
        """
        original, text = self.original, self.text
        allowed = self.changed_ranges()
        spans = [(s, e) for s, e in allowed if s < e]  # an insertion's range holds no character
        k = 0  # first edited span that may meet the current run
        text_end = orig_end = kept = 0
        for start, orig, length in self.runs:
            if length <= 0 or start < text_end or start + length > len(text):
                return "internal bookkeeping mismatch (a run of kept text is out of place)"
            if orig < orig_end or orig + length > len(original):
                return f"text at offset {start} does not match the original"
            while k < len(spans) and spans[k][1] <= orig:
                k += 1
            if k < len(spans) and spans[k][0] < orig + length:
                return f"text at offset {start} was kept inside an edited range"
            if text[start : start + length] != original[orig : orig + length]:
                at = next(n for n in range(length) if text[start + n] != original[orig + n])
                return f"text at offset {start + at} does not match the original"
            text_end, orig_end = start + length, orig + length
            kept += length
        outside = len(original) - sum(e - s for s, e in allowed)
        if kept != outside:
            return "text outside the fixed spans was lost"
        return None


def _append_run(runs: list[Run], run: Run) -> None:
    """Add a run, joining it to the previous one when they are contiguous in both texts."""
    if runs:
        start, orig, length = runs[-1]
        if start + length == run[0] and orig + length == run[1]:
            runs[-1] = (start, orig, length + run[2])
            return
    runs.append(run)


def merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def frontmatter_regression(before: Document, after: Document) -> str | None:
    """Why the fixed frontmatter is worse than the original's, or None."""
    fm = after.frontmatter
    if fm is None:
        if before.frontmatter is not None:
            return "the fixes removed the frontmatter block"
        return None
    old_problems = len(before.frontmatter.problems) if before.frontmatter is not None else 0
    if fm.data is None and (before.frontmatter is None or before.frontmatter.data is not None):
        return "the fixed frontmatter no longer parses: " + (
            fm.problems[0].message if fm.problems else "unknown problem"
        )
    if len(fm.problems) > old_problems:
        return "the fixed frontmatter has new problems: " + fm.problems[-1].message
    return None
