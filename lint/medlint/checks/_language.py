"""The language a page is evidently written in, from its most common function words.

Used only to fill `language` in a frontmatter block built for a page that has none, so it
answers only when the evidence is overwhelming; otherwise the key is left out and stays
reported. Function words are the most reliable cheap signal and need no model.
"""

from __future__ import annotations

import re
from collections import Counter

_WORDS = {
    "en": "the and of to is with your you are that this for it be can have will",
    "es": "el los las del y por para con su se es lo como más está pero sus",
    "fr": "le les des et est pour avec dans du vous sont ce pas au aux qui",
    "de": "der die das und ist mit für nicht ein eine sie werden auf den dem",
    "pt": "os do da não você uma com em são ao seu sua mais pelo pela",
    "it": "il gli della di che per sono non degli delle nel alla questo",
}
_LOOKUP: dict[str, list[str]] = {}
for _code, _list in _WORDS.items():
    for _word in _list.split():
        _LOOKUP.setdefault(_word, []).append(_code)
_TOKEN = re.compile(r"[^\W\d_]+")

MIN_HITS = 20


def evident_language(text: str) -> str | None:
    """ISO 639-1 code when one language's function words clearly dominate, else None."""
    counts: Counter[str] = Counter()
    for m in _TOKEN.finditer(text.lower()):
        for code in _LOOKUP.get(m.group(), ()):
            counts[code] += 1
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < MIN_HITS:
        return None
    if len(ranked) > 1 and ranked[0][1] < 3 * ranked[1][1]:
        return None
    return ranked[0][0]
