"""cancer-type-unmentioned: a `cancerTypes` entry the page's text never mentions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from medlint.document import Document
from medlint.findings import Finding, Severity
from medlint.registry import Context, Rule, register

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


def _letters(word: str) -> str:
    plain = "".join(
        c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c)
    )
    out = []
    for ch in plain:
        if ch in _VARIANTS:
            out.append(f"[{_VARIANTS[ch]}]{_MARKS}")
        elif ch in {" ", "-"}:
            out.append(r"[\s-]+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=256)
def mention_pattern(slug: str, words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the slug's words as a whole word, plural allowed, accents and case ignored."""
    alts = sorted({_letters(w) for w in (*words, slug.replace("-", " ")) if w.strip()}, key=len)
    return re.compile(rf"(?<!\w)(?:{'|'.join(reversed(alts))})(?:e?s)?(?!\w)", re.IGNORECASE)


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
        for i, slug in enumerate(types):
            if not isinstance(slug, str) or slug not in ctx.packs.cancer_types:
                continue  # An unknown slug is frontmatter-schema's finding.
            pattern = mention_pattern(slug, ctx.packs.cancer_types[slug])
            if targets is None:
                targets = [(k.start, k.end) for k in doc.body.links]
            if any(
                not any(s <= m.start() < e for s, e in targets)
                for m in pattern.finditer(text, doc.body_start)
            ):
                continue
            yield self.finding(
                doc,
                doc.value_span("cancerTypes", i),
                f"`cancerTypes` lists `{slug}`, but the page never mentions it",
                help="remove the entry, or add the words the page uses for it to the vocabulary",
            )
