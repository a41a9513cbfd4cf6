"""Comparing titles the way a reader does: case, punctuation and a site-name suffix aside.

Scraped pages carry the site's name in their HTML title ("Ado-Trastuzumab Emtansine - NCI")
while the page's own heading does not; that is the same title, not a mismatch.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# `(?<!\s)`: a match can only start where a run of spaces starts. Without it every space of a
# long run was a new start that re-read the run: quadratic (a heading with 10,000 spaces took
# two seconds, a page of them hours). The leftmost match starts there anyway.
_SEPARATOR = re.compile(r"(?<!\s)\s+[-–—|:·•]\s+")
_NON_WORD = re.compile(r"[\W_]+")
MAX_SUFFIX_WORDS = 6


def normalise(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NON_WORD.sub(" ", text).strip()


def _without_suffix(title: str) -> str | None:
    """The title without its last ` - Site` part, when that part is short enough to be a name."""
    separators = list(_SEPARATOR.finditer(title))
    last = separators[-1] if separators else None
    if last is None or last.start() == 0:
        return None
    if len(title[last.end() :].split()) > MAX_SUFFIX_WORDS:
        return None
    return title[: last.start()]


@lru_cache(maxsize=4096)  # pages of a site share their titles and headings, over and over
def same_title(a: str, b: str) -> bool:
    """Equal once normalised, or equal once a short site suffix is dropped from one of them."""
    na, nb = normalise(a), normalise(b)
    if na == nb:
        return True
    for longer, shorter in ((a, nb), (b, na)):
        cut = _without_suffix(longer)
        if cut is not None and normalise(cut) == shorter:
            return True
    return False


def is_suffixed_copy(longer: str, shorter: str) -> bool:
    """Whether `longer` is `shorter` plus a site suffix (and not simply the same text)."""
    cut = _without_suffix(longer)
    return cut is not None and normalise(cut) == normalise(shorter) != normalise(longer)
