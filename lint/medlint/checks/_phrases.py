"""Phrase packs, fast: one linear-time screen first, the pack's exact matcher only where it hits.

A pack's literal phrases are compiled (in packs.py) into a case-insensitive Python regex with
word-boundary lookarounds, which Python's engine runs position by position: on a 4 KB page that
costs far more than the rest of a check. Almost every page holds none of the phrases, so all of
a pack (phrases, case-sensitive phrases and patterns) is first compiled into one RE2 alternation
without the boundaries, which finds a superset of the matches in one linear pass. Only the lines
around its hits are then matched exactly, so the results are the pack's, to the character.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from medlint.checks._nfc import composed
from medlint.packs import PhraseSet
from medlint.safe_regex import Matcher, UnsafePattern, compile_pattern

_META = set("\\.^$|?*+()[]{}")


def _escape(phrase: str) -> str:
    return "".join("\\" + c if c in _META else c for c in phrase)


def screen_pattern(phrase_set: PhraseSet) -> str | None:
    """The set's screen as an RE2 pattern (None when the set is empty)."""
    return _screen_pattern(phrase_set.phrases, phrase_set.case_sensitive, phrase_set.patterns)


@lru_cache(maxsize=16)
def _screen_pattern(
    phrases: tuple[str, ...], case_sensitive: tuple[str, ...], patterns: tuple[str, ...]
) -> str | None:
    alternatives = []
    if phrases:
        alternatives.append("(?i:" + "|".join(_escape(p) for p in phrases) + ")")
    if case_sensitive:
        alternatives.append("(?:" + "|".join(_escape(p) for p in case_sensitive) + ")")
    alternatives += [f"(?:{p})" for p in patterns]
    if not alternatives:
        return None
    return "|".join(alternatives)


@lru_cache(maxsize=16)
def _screen(
    phrases: tuple[str, ...], case_sensitive: tuple[str, ...], patterns: tuple[str, ...]
) -> Matcher | None:
    pattern = _screen_pattern(phrases, case_sensitive, patterns)
    if pattern is None:
        return None
    try:
        return compile_pattern(pattern)
    except UnsafePattern:
        return None  # Every pattern compiled alone; if together they do not, match exactly.


def find_phrases(
    phrase_set: PhraseSet, text: str, start: int, end: int, *, quiet: bool = False
) -> list[tuple[int, int]]:
    """Exactly `phrase_set.finditer(text, start, end)`; decomposed text is matched composed.

    `quiet`: the caller knows (checks/_screen.py) that the set's screen finds nothing anywhere
    in `text` and that text[start:end] is composed, so it is matched as it is and nothing is
    found in it.
    """
    if start >= end or quiet:
        return []
    screen = _screen(phrase_set.phrases, phrase_set.case_sensitive, phrase_set.patterns)
    offsets: list[int] | None = None
    target, lo_bound, hi_bound = text, start, end
    if not unicodedata.is_normalized("NFC", text[start:end]):
        target, offsets = composed(text, start, end)
        lo_bound, hi_bound = 0, len(target)
    if screen is None:
        found = phrase_set.finditer(target, lo_bound, hi_bound)
    else:
        found = []
        for lo, hi in _windows(screen, target, lo_bound, hi_bound):
            # Matched on the window alone: it starts and ends at line breaks, so anchors and
            # word boundaries see what they would see in the whole text, and RE2 does not
            # re-encode the whole page for every pattern.
            found.extend((lo + s, lo + e) for s, e in phrase_set.finditer(target[lo:hi]))
    if offsets is None:
        return found
    return [(offsets[s], offsets[e]) for s, e in found]


def _windows(screen: Matcher, text: str, start: int, end: int) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in screen.finditer(text, start, end):
        lo, hi = _lines_around(text, *m.span(), start, end)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows


def _lines_around(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """The lines holding text[s:e] and one line on either side (a pattern may cross a break)."""
    line_start = max(start, text.rfind("\n", start, s) + 1)
    lo = max(start, text.rfind("\n", start, line_start - 1) + 1) if line_start > start else start
    line_end = text.find("\n", e, end)
    if line_end < 0:
        return lo, end
    hi = text.find("\n", line_end + 1, end)
    return lo, end if hi < 0 else hi
