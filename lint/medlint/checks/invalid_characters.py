"""invalid-characters: characters that have no business in a page a patient reads.

An ASCII page is screened with one small pattern (only C0 controls are possible there); other
pages with one precompiled pattern of every character below. Legitimate invisible characters
are left alone: ZWJ in emoji sequences and ZWNJ in Persian or Indic words are only reported
between Latin letters, and directional marks (LRM, RLM) are never reported; directional
embeddings and overrides only on pages with no right-to-left script.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from medlint.checks import _screen as screens
from medlint.checks.mojibake import find_mojibake
from medlint.document import Document
from medlint.findings import Edit, Finding, Fix
from medlint.registry import Context, Rule, register
from medlint.safe_regex import Matcher

_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_ASCII_BAD = re.compile(f"[{_C0}]")
_BAD = (
    f"[{_C0}\x80-\x9f\u00ad\u200b-\u200d\u2060-\u2064\ufeff\u180e\ufffd\ufffe\uffff"
    "\ufdd0-\ufdef\u202a-\u202e\u2066-\u2069\ue000-\uf8ff]"
)


def screen_pattern() -> str:
    """`_BAD` (which includes `_ASCII_BAD`) as an RE2 class."""
    ranges = [
        (0x00, 0x08),
        (0x0B, 0x0C),
        (0x0E, 0x1F),
        (0x7F, 0x9F),
        (0xAD, 0xAD),
        (0x200B, 0x200D),
        (0x2060, 0x2064),
        (0xFEFF, 0xFEFF),
        (0x180E, 0x180E),
        (0xFFFD, 0xFFFF),
        (0xFDD0, 0xFDEF),
        (0x202A, 0x202E),
        (0x2066, 0x2069),
        (0xE000, 0xF8FF),
    ]
    return "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges) + "]"


@lru_cache(maxsize=1)
def _screen() -> Matcher:
    """The same class for RE2, which scans a page several times faster than Python's engine;
    almost no page has any of these characters, so the Python pattern rarely runs at all."""
    from medlint.safe_regex import compile_pattern

    return compile_pattern(screen_pattern())


_RTL = "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]"
_LATIN = r"[A-Za-z0-9\u00c0-\u024f]"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """`_BAD`, `_RTL` and `_LATIN` compiled, on first use: their classes took 4 ms to compile
    at every start, and only a page the screen finds suspect needs them."""
    return re.compile(_BAD), re.compile(_RTL), re.compile(_LATIN)


_SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x1f"

_NAMES = {
    "\ufffd": "replacement character U+FFFD (a character was lost when the text was decoded)",
    "\u00ad": "soft hyphen U+00AD (invisible; breaks search for the word)",
    "\u200b": "zero-width space U+200B",
    "\u200c": "zero-width non-joiner U+200C",
    "\u200d": "zero-width joiner U+200D",
    "\u2060": "word joiner U+2060",
    "\ufeff": "byte order mark U+FEFF inside the text",
    "\u180e": "Mongolian vowel separator U+180E",
}


def _describe(ch: str) -> str:
    if ch in _NAMES:
        return _NAMES[ch]
    o = ord(ch)
    if o < 0x20 or o == 0x7F:
        return f"control character U+{o:04X}"
    if 0x80 <= o <= 0x9F:
        return f"C1 control character U+{o:04X} (usually a Windows-1252 character mis-decoded)"
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        return f"bidirectional control U+{o:04X} (can make text display differently from its order)"
    if 0xE000 <= o <= 0xF8FF:
        return f"private-use character U+{o:04X} (an icon-font glyph; shows as a box elsewhere)"
    return f"invisible or non-character U+{o:04X}"


@register
class InvalidCharacters(Rule):
    """Characters that are invisible, lost or meaningless in a patient page.

    ## What it does
    Reports U+FFFD (a character already lost in a bad decode), control characters (other than
    tab and line breaks), C1 controls, zero-width spaces and joiners between Latin letters,
    word joiners, a BOM inside the text, soft hyphens, private-use (icon font) characters,
    noncharacters, and directional overrides on pages without right-to-left script.

    ## Why it matters
    Invisible characters break search ("chemo<U+200B>therapy" does not match "chemotherapy"),
    copy-paste of doses and phone numbers, and screen readers; U+FFFD shows a patient `�`
    where a letter should be; directional overrides can make text read differently than it is
    stored.

    ## Example
    ```markdown
    Take 5 mg by mouth, call 1-800-4-CANCER.
    ```
    (with a zero-width space hidden inside `1-800`)

    ## Fix
    Safe: deletes zero-width characters, soft hyphens, a stray BOM and control characters
    (a vertical tab, form feed or separator between words becomes a space). Unsafe: a C1
    control becomes the Windows-1252 character it most likely stood for (`\\x92` -> `’`).
    U+FFFD, private-use characters and directional overrides need a person: no fix.
    """

    code = "ML102"
    name = "invalid-characters"
    summary = "invisible, control or replacement character in the text"
    fix = "sometimes"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if screens.nothing_suspect(doc, ctx):
            return  # not one of these characters anywhere (the C0 controls included)
        text = doc.text
        if text.isascii():
            hits = list(_ASCII_BAD.finditer(text))
        elif next(iter(_screen().finditer(text)), None) is None:
            return
        else:
            hits = list(_patterns()[0].finditer(text))
        if not hits:
            return
        rtl = _patterns()[1].search(text) is not None
        in_mojibake: list[tuple[int, int]] = []
        if any("\x80" <= m.group() <= "\xff" for m in hits):
            in_mojibake = [(s, e) for s, e, _ in find_mojibake(text)]
        for m in hits:
            ch, pos = m.group(), m.start()
            o = ord(ch)
            if ch in "\u200c\u200d" and not _between_latin(text, pos):
                continue
            if (0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069) and rtl:
                continue
            if o <= 0xFF and any(s <= pos < e for s, e in in_mojibake):
                continue  # Part of mojibake: that rule repairs it with its neighbours.
            yield self.finding(
                doc, doc.span(pos, pos + 1), _describe(ch), fix=self._fix(text, pos, ch)
            )

    def _fix(self, text: str, pos: int, ch: str) -> Fix | None:
        o = ord(ch)
        if (
            ch == "\ufffd"
            or 0xE000 <= o <= 0xF8FF
            or 0x202A <= o <= 0x202E
            or 0x2066 <= o <= 0x2069
        ):
            return None
        if 0xFDD0 <= o <= 0xFDEF or o in (0xFFFE, 0xFFFF):
            return None
        if 0x80 <= o <= 0x9F:
            try:
                meant = bytes([o]).decode("cp1252")
            except UnicodeDecodeError:
                meant = ""
            title = f"Replace U+{o:04X} with `{meant}`" if meant else f"Delete U+{o:04X}"
            return self.make_fix(title, Edit(start=pos, end=pos + 1, replacement=meant), safe=False)
        replacement = ""
        if ch in _SEPARATORS:
            before = text[pos - 1] if pos > 0 else " "
            after = text[pos + 1] if pos + 1 < len(text) else " "
            if not before.isspace() and not after.isspace():
                replacement = " "
        title = f"Delete U+{o:04X}" if not replacement else f"Replace U+{o:04X} with a space"
        return self.make_fix(title, Edit(start=pos, end=pos + 1, replacement=replacement))


def _between_latin(text: str, pos: int) -> bool:
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos + 1] if pos + 1 < len(text) else ""
    latin = _patterns()[2]
    return bool(before and after and latin.match(before) and latin.match(after))
