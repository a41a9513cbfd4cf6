"""One linear-time pass over a page for four rules that almost never find anything.

mojibake, invalid-characters, placeholder and boilerplate each start with their own RE2 screen
over the whole page (a pair of suspect characters, a bad character, a phrase of a pack), and
on nineteen pages in twenty none of the four finds anything. Each screen encoded the page to
UTF-8 and scanned it again: four passes where one will do. Here the four screens are one
alternation, run once per page; when it finds nothing, none of the four can find anything in
the page or in any part of it (RE2 matches a part of the text with the whole text as its
context, so a match in a part is a match in the whole), and the rules stop there. When it
finds something, each rule runs exactly as before.

The same pass looks for the characters cancer-type-unmentioned's patterns spell accents of a
decomposed page with (`MARKS`): a page without them is searched with simpler patterns, which
compile in a sixth of the time (see `cancer_type_unmentioned._MARK_CHARS`). They make the
four rules look closer at a decomposed page, which finds exactly what it found before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol, cast

from medlint.checks import _phrases
from medlint.checks._nfc import is_composed
from medlint.document import Document
from medlint.registry import Context
from medlint.safe_regex import Matcher, MatchLike, UnsafePattern, compile_pattern

# `cancer_type_unmentioned._MARK_CHARS` for RE2: the same code points (a test checks).
MARKS = "[\\x{300}-\\x{36f}\\x{399}\\x{3b9}\\x{1fbe}]"


@lru_cache(maxsize=16)
def _combined(phrase_screens: tuple[str, ...]) -> Matcher | None:
    from medlint.checks import invalid_characters, mojibake  # (they import this module)

    parts = [
        mojibake.screen_pattern(),
        invalid_characters.screen_pattern(),
        MARKS,
        *phrase_screens,
    ]
    try:
        return compile_pattern("|".join(f"(?:{p})" for p in parts))
    except UnsafePattern:
        return None  # each screen compiles alone; if together they do not, each runs alone


class SearchesBytes(Protocol):
    """An RE2 pattern (the screens are) searches bytes as well as str; a match's span is then
    in bytes."""

    def search(self, text: bytes, pos: int = ...) -> MatchLike | None: ...


# The last context asked for and its screen: a run has one context, and finding its screen
# (hashing every phrase of both sets for the caches below) cost more than the screen's scan.
_LAST: list[tuple[Context, Matcher | None]] = []


def _screen(ctx: Context) -> Matcher | None:
    if _LAST and _LAST[0][0] is ctx:
        return _LAST[0][1]
    screen = _screen_of(ctx)
    _LAST[:] = [(ctx, screen)]
    return screen


def _screen_of(ctx: Context) -> Matcher | None:
    patterns = []
    for phrase_set in (ctx.packs.placeholders, ctx.packs.boilerplate):
        pattern = _phrases.screen_pattern(phrase_set)
        if pattern is None:
            return None  # a set without a screen is matched exactly: nothing to vouch for
        patterns.append(pattern)
    return _combined(tuple(patterns))


def nothing_suspect(doc: Document, ctx: Context) -> bool:
    """True when none of the four screens finds anything anywhere in `doc.text`, nor `MARKS`.

    Computed once per page and context (kept in the Document's memo).
    """
    screen = _screen(ctx)
    if screen is None:
        return False
    memo = doc.memo
    found = memo.get(screen)
    if found is None:
        # Over the page's UTF-8 bytes (`Document.utf8`), which RE2 reads as they are: given the
        # str, its wrapper encodes the page again at each call. A match either way or none.
        found = cast(SearchesBytes, screen).search(doc.utf8) is None
        memo[screen] = found
    return bool(found)


_COMPOSED = object()  # memo key


def no_phrases(doc: Document, ctx: Context) -> bool:
    """True when `find_phrases` can find nothing in the whole text or in the body: nothing is
    suspect, and the text is composed (NFC), so the phrase screens would run on the text
    itself and find nothing in any part of it.

    The body is then composed too: the text before it ends with the closing fence's line
    break, and neither a line break nor anything after it combines with what precedes it (a
    line break is a starter that composes with nothing), so normalising the text is
    normalising the two parts apart. One check of the whole page serves placeholder (the whole
    text) and boilerplate (the body).
    """
    if not nothing_suspect(doc, ctx):
        return False
    memo = doc.memo
    composed = memo.get(_COMPOSED)
    if composed is None:
        text = doc.text
        before = text[doc.body_start - 1 : doc.body_start]
        composed = is_composed(text) and before in ("", "\n", "\r")
        memo[_COMPOSED] = composed
    return bool(composed)
