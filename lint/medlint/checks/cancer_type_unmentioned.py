"""cancer-type-unmentioned: a `cancerTypes` entry the page's text never mentions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import cast

from medlint.checks import _screen
from medlint.document import Document
from medlint.findings import Finding, Severity
from medlint.registry import Context, Rule, register
from medlint.safe_regex import Matcher, UnsafePattern, compile_pattern

# Letters that carry accents in the languages of the corpus: `higado` and `hígado` (and the
# decomposed NFD spelling) are the same word to a reader, so they are to this rule.
_VARIANTS = {
    "a": "aáàâäã",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòôöõ",
    "u": "uúùûü",
    "n": "nñ",
    "c": "cç",
}
_MARKS = "[\u0300-\u036f]*"
# Every character `_MARKS`'s class matches with case ignored: the combining accents, and three
# Greek iotas that case-fold together with U+0345 (a test checks the list over all of Unicode).
# A page holding none of them (nearly every page: text is saved composed) is searched with the
# pattern spelled without `_MARKS`, which can only match nothing there: the same matches, and
# a pattern compiled in a sixth of the time (a vocabulary of twenty types took 75 ms, in each
# worker process and on the pre-commit path, where a page lists one to three types). Whether a
# page holds any is told by the screen the page is scanned with anyway (_screen.MARKS): a scan
# of its own by Python's engine cost 24 us a page, more than the compiles saved.
_MARK_CHARS = "\u0300-\u036f\u0399\u03b9\u1fbe"


def _plain(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c)
    )


def _letters(word: str, marks: bool = True) -> str:
    plain = _plain(word)
    out = []
    for ch in plain:
        if ch in _VARIANTS:
            out.append(f"[{_VARIANTS[ch]}]{_MARKS if marks else ''}")
        elif ch in {" ", "-"}:
            out.append(r"[\s-]+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=256)
def mention_pattern(slug: str, words: tuple[str, ...], marks: bool = True) -> re.Pattern[str]:
    """Any of the slug's words as a whole word, plural allowed, accents and case ignored.

    `marks=False`: without the combining accents a decomposed page spells accents with, for a
    text holding none of `_MARK_CHARS` (see `has_marks`), where both find the same matches."""
    alts = sorted(
        {_letters(w, marks) for w in (*words, slug.replace("-", " ")) if w.strip()}, key=len
    )
    return re.compile(rf"(?<!\w)(?:{'|'.join(reversed(alts))})(?:e?s)?(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _marked() -> re.Pattern[str]:
    return re.compile(f"[{_MARK_CHARS}]")


def has_marks(text: str, start: int = 0) -> bool:
    """Whether `text[start:]` holds a character `_MARKS` can match."""
    return _marked().search(text, start) is not None


# How `_MARK_CHARS` begin in UTF-8: U+0300-U+036F start with byte CC or CD (as do U+0370-U+037F,
# which are not marks), U+0399 and U+03B9 are CE 99 and CE B9, U+1FBE is E1 BE BE.
_MARK_BYTES = (b"\xcc", b"\xcd", b"\xce\x99", b"\xce\xb9", b"\xe1\xbe\xbe")


def _marks_in_body(doc: Document, ctx: Context) -> bool:
    """`has_marks` of the body, told by the shared screen on nearly every page.

    On a page the screen finds something in (one in twenty), a page without any of the marks'
    UTF-8 beginnings (`_MARK_BYTES`, each looked for with memchr) has none of them in its body:
    `has_marks`, a test of a character class at every character, cost 110,000 instructions.
    """
    if _screen.nothing_suspect(doc, ctx):
        return False
    utf8 = doc.utf8
    if not any(b in utf8 for b in _MARK_BYTES):
        return False
    return has_marks(doc.text, doc.body_start)


# The mention screen: `mention_pattern` without its lookarounds and plural, for RE2, so that the
# body is searched by Python's engine only where the screen finds a word (see `_mentioned`).
# Every text Python's pattern matches must match the screen: the screen spells the
# words only with characters whose case-insensitive matches RE2 is known to cover (ASCII letters
# and digits; `i` also stands for `İ` and `ı`, which Python's IGNORECASE takes for `i` and RE2's
# case folding does not), and a word spelled otherwise gets no screen. The test suite checks
# the covering over every code point.
_SCREEN_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_SCREEN_EXTRA = {"i": "\\x{130}\\x{131}"}
_SCREEN_MARKS = "[\\x{300}-\\x{36f}]*"
# Characters that no screened word can match (nor its plural or separators), so a match can
# neither contain one nor run past one: where a stretch searched by Python's engine may stop.
_CUT = "."


# Every character Python's `\\s` matches (str.isspace), all below U+3001: listed, as finding
# them by testing every code point below U+3001 took 1.4 ms at the first page (a test checks
# the list against that search).
_SPACES = (
    *range(0x09, 0x0E),
    *range(0x1C, 0x21),
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)


@lru_cache(maxsize=1)
def _separator() -> str:
    """`[\\s-]+` for RE2: every character Python's `\\s` matches (all below U+3001) and `-`."""
    spaces = "".join(f"\\x{{{c:x}}}" for c in _SPACES)
    return f"[{spaces}\\-]+"


def _screen_letters(word: str) -> str | None:
    out = []
    for ch in _plain(word):
        if ch in _VARIANTS:
            out.append(f"[{_VARIANTS[ch]}{_SCREEN_EXTRA.get(ch, '')}]{_SCREEN_MARKS}")
        elif ch in {" ", "-"}:
            out.append(_separator())
        elif ch in _SCREEN_PLAIN:
            out.append(f"[{ch}{_SCREEN_EXTRA.get(ch, '')}]")
        else:
            return None
    return "".join(out)


@lru_cache(maxsize=256)
def mention_screen(slug: str, words: tuple[str, ...]) -> Matcher | None:
    """A superset of `mention_pattern`'s matches, for RE2; None when a word cannot be screened."""
    alts = set()
    for w in (*words, slug.replace("-", " ")):
        if w.strip():
            spelled = _screen_letters(w)
            if spelled is None:
                return None
            alts.add(spelled)
    try:
        return compile_pattern("(?i:" + "|".join(sorted(alts)) + ")")
    except UnsafePattern:
        return None


def _mentioned(
    text: str,
    utf8: bytes,
    start: int,
    pattern: re.Pattern[str],
    screen: Matcher | None,
    links: list[tuple[int, int]],
) -> bool:
    """Whether a match of `pattern.finditer(text, start)` starts outside every link target,
    most of it told by RE2; `utf8` is `text` in UTF-8 (`Document.utf8`).

    Python's engine tries the pattern's alternation at every character, about 800 instructions
    each; the screen is searched in the bytes (RE2 would encode the str again). No match of
    `pattern` starts where the screen finds none (a match contains a screen match starting
    where it does), so the search goes from the screen's first find to the first `.` after it,
    which no match crosses (see `_CUT`): those are exactly the whole search's matches that start
    in that stretch (the pattern's lookbehind sees the text before it, its lookahead the `.`).
    Then the screen is searched again after the `.`. A page that names its type in its title
    is searched by Python's engine over a few characters; one that never names it, by RE2 alone
    (it was 400 characters by Python's engine first, and the page encoded again for RE2).
    """

    def outside(pos: int) -> bool:
        return not any(s <= pos < e for s, e in links)

    if screen is None:
        return any(outside(m.start()) for m in pattern.finditer(text, start))
    search = cast(_screen.SearchesBytes, screen).search
    pos = start
    at = len(text[:start].encode("utf-8"))  # `pos` in `utf8`
    while True:
        found = search(utf8, at)
        if found is None:
            return False
        found_at = found.span()[0]
        pos += len(utf8[at:found_at].decode("utf-8"))  # (a match starts on a character)
        at = found_at
        cut = text.find(_CUT, pos)
        if cut < 0:
            return any(outside(m.start()) for m in pattern.finditer(text, pos))
        if any(outside(m.start()) for m in pattern.finditer(text, pos, cut + 1)):
            return True
        at += len(text[pos : cut + 1].encode("utf-8"))
        pos = cut + 1


@register
class CancerTypeUnmentioned(Rule):
    """A `cancerTypes` entry that the page's text never mentions.

    ## What it does
    For each `cancerTypes` slug, looks in the body (headings, prose, link text; not link
    addresses) for any word the vocabulary in rules/vocabulary.yaml gives it (`liver`:
    liver, hepatocellular, hepatic, hígado, …), as a whole word, plural allowed, case and accents
    ignored. Reports the entries found nowhere.

    ## Why it matters
    `cancerTypes` decides which patients are shown the page. A breast-cancer drug page tagged
    `liver` reaches liver-cancer patients with treatment information that is not theirs.

    ## Example
    ```yaml
    cancerTypes:
    - breast
    - liver   # the page is about a breast-cancer drug and never mentions the liver
    ```

    ## Fix
    None: the entry may be wrong, or the page may be missing the part that explains it.
    Words a vocabulary lacks (another language, a synonym) are added to the rule pack.
    """

    code = "ML403"
    name = "cancer-type-unmentioned"
    summary = "cancerTypes entry not mentioned in the page"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        types = doc.meta.get("cancerTypes")
        if not isinstance(types, list) or not types:
            return
        text = doc.text
        targets: list[tuple[int, int]] | None = None
        marks = True
        for i, slug in enumerate(types):
            if not isinstance(slug, str) or slug not in ctx.packs.cancer_types:
                continue  # An unknown slug is frontmatter-schema's finding.
            words = ctx.packs.cancer_types[slug]
            if targets is None:
                targets = [(k.start, k.end) for k in doc.body.links]
                marks = _marks_in_body(doc, ctx)  # matches start in the body
            pattern = mention_pattern(slug, words, marks)
            screen = mention_screen(slug, words)
            if _mentioned(text, doc.utf8, doc.body_start, pattern, screen, targets):
                continue
            yield self.finding(
                doc,
                doc.value_span("cancerTypes", i),
                f"`cancerTypes` lists `{slug}`, but the page never mentions it",
                help="remove the entry, or add the words the page uses for it to the vocabulary",
            )
