"""Matching phrase packs against pages saved decomposed (NFD), as macOS tools often save them.

Packs are written composed (`síganos`, `próximamente`); a decomposed page spells `í` as `i`
plus a combining accent, so a plain pattern never matches it. Such a page is matched in its
composed form and every match is mapped back to the page's own offsets. Composed pages (almost
all) skip this entirely: `unicodedata.is_normalized` is a fast C check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_MARKS = re.compile("[\u0300-\u036f]+")


def is_composed(text: str) -> bool:
    """`unicodedata.is_normalized("NFC", text)`, without reading a text of Latin-1 characters:
    every character below U+0100 is its own NFC form, combines with nothing and has no
    combining class, so any text of them is composed (the encoding is a copy, in C, of a str
    stored one byte a character; a wider one fails at its first wider character)."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return unicodedata.is_normalized("NFC", text)
    return True


def composed(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """text[start:end] composed (NFC), and for each of its characters (plus the end) an offset.

    Only the characters carrying combining marks are touched; the text between them maps one to
    one, so the work is proportional to the accents, not to the page.
    """
    pieces: list[str] = []
    offsets: list[int] = []
    pos = start
    for m in _MARKS.finditer(text, start, end):
        base = max(pos, m.start() - 1)
        pieces.append(text[pos:base])
        offsets.extend(range(pos, base))
        piece = unicodedata.normalize("NFC", text[base : m.end()])
        pieces.append(piece)
        offsets.extend([base] * len(piece))
        pos = m.end()
    pieces.append(text[pos:end])
    offsets.extend(range(pos, end))
    offsets.append(end)
    return "".join(pieces), offsets


def find_composed(
    finditer: Callable[[str, int, int], list[tuple[int, int]]], text: str, start: int, end: int
) -> list[tuple[int, int]]:
    """`finditer` over text[start:end] as if it were composed, in the text's own offsets."""
    if unicodedata.is_normalized("NFC", text[start:end]):
        return finditer(text, start, end)
    nfc, offsets = composed(text, start, end)
    return [(offsets[s], offsets[e]) for s, e in finditer(nfc, 0, len(nfc))]
