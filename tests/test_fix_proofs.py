"""The fixer's first proof (text outside the edits is untouched) against a per-character oracle.

`Tracker` keeps where each character came from as runs; the oracle below is the plain
per-character map (an original offset, or -1 for a written character) it replaced. Whatever
passes of edits are applied, both must give the same text, the same map and the same changed
ranges; and a tracker whose text or map was tampered with must be caught.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medlint.findings import Edit
from medlint.fixproofs import Tracker, merge


class Oracle:
    """Per character: its offset in the original, or -1 when a fix wrote it."""

    def __init__(self, text: str) -> None:
        self.original = self.text = text
        self.origin = array("q", range(len(text)))
        self.edited: list[tuple[int, int]] = []

    def _left(self, pos: int) -> int:
        i = pos - 1
        while i >= 0 and self.origin[i] < 0:
            i -= 1
        return self.origin[i] + 1 if i >= 0 else 0

    def _right(self, pos: int) -> int:
        i = pos
        while i < len(self.origin) and self.origin[i] < 0:
            i += 1
        return self.origin[i] if i < len(self.origin) else len(self.original)

    def apply(self, edits: Sequence[Edit]) -> None:
        parts: list[str] = []
        origin = array("q")
        pos = 0
        for e in edits:
            self.edited.append((self._left(e.start), self._right(e.end)))
            parts += [self.text[pos : e.start], e.replacement]
            origin.extend(self.origin[pos : e.start])
            origin.extend(array("q", [-1]) * len(e.replacement))
            pos = e.end
        parts.append(self.text[pos:])
        origin.extend(self.origin[pos:])
        self.text, self.origin = "".join(parts), origin


def expanded(tracker: Tracker) -> list[int]:
    out = [-1] * len(tracker.text)
    for start, orig, length in tracker.runs:
        out[start : start + length] = range(orig, orig + length)
    return out


@st.composite
def passes(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int, str]]]]:
    """An original text and passes of edits, each as (start, end, replacement) fractions."""
    text = draw(st.text(alphabet="ab\n", max_size=30))
    rounds = draw(
        st.lists(
            st.lists(
                st.tuples(
                    st.integers(0, 40), st.integers(0, 6), st.text(alphabet="xy", max_size=4)
                ),
                max_size=5,
            ),
            max_size=5,
        )
    )
    return text, rounds


def _edits(length: int, wanted: list[tuple[int, int, str]]) -> list[Edit]:
    """Non-overlapping edits, sorted, clipped to a text of `length` characters."""
    out: list[Edit] = []
    pos = 0
    for start, size, replacement in sorted(wanted):
        start = max(start % (length + 1), pos)  # noqa: PLW2901
        end = min(start + size, length)
        if start > length:
            break
        out.append(Edit(start=start, end=end, replacement=replacement))
        pos = end
    return out


@settings(max_examples=400, deadline=None)
@given(passes())
def test_runs_say_exactly_what_the_per_character_map_says(
    case: tuple[str, list[list[tuple[int, int, str]]]],
) -> None:
    text, rounds = case
    tracker, oracle = Tracker(text), Oracle(text)
    for wanted in rounds:
        edits = _edits(len(tracker.text), wanted)
        tracker.apply(edits)
        oracle.apply(edits)
        assert tracker.text == oracle.text
        assert expanded(tracker) == list(oracle.origin)
        assert tracker.edited == oracle.edited
        assert all(length > 0 for _, _, length in tracker.runs)
    assert tracker.changed_ranges() == merge(oracle.edited)
    assert tracker.unchanged_outside_edits() is None


def _fixed() -> Tracker:
    tracker = Tracker("alpha beta gamma delta")
    tracker.apply(
        [Edit(start=6, end=10, replacement="BETA!"), Edit(start=17, end=17, replacement="+")]
    )
    assert tracker.text == "alpha BETA! gamma +delta"
    assert tracker.unchanged_outside_edits() is None
    return tracker


def test_a_changed_character_outside_the_edits_is_caught() -> None:
    tracker = _fixed()
    tracker.text = tracker.text.replace("gamma", "gamna")
    assert "does not match the original" in (tracker.unchanged_outside_edits() or "")


def test_lost_text_is_caught() -> None:
    tracker = _fixed()
    del tracker.runs[1]  # " gamma " vanishes from the map as if an edit had eaten it
    assert tracker.unchanged_outside_edits() == "text outside the fixed spans was lost"


@pytest.mark.parametrize(
    ("run", "why"),
    [
        ((0, 6, 5), "kept inside an edited range"),  # claims original "beta " was kept
        ((0, 0, 30), "out of place"),  # runs past the end of the text
        ((0, 0, 0), "out of place"),  # an empty run
    ],
)
def test_a_map_that_lies_is_caught(run: tuple[int, int, int], why: str) -> None:
    tracker = _fixed()
    tracker.runs[0] = run
    if run == (0, 6, 5):
        tracker.text = "beta " + tracker.text[5:]
    assert why in (tracker.unchanged_outside_edits() or "")


def test_runs_out_of_order_are_caught() -> None:
    tracker = _fixed()
    tracker.runs[0], tracker.runs[1] = tracker.runs[1], tracker.runs[0]
    assert tracker.unchanged_outside_edits() is not None
