"""placeholder: template and draft left-overs (`Placeholder slot`, `TBD`, `[INSERT …]`).

The phrases live in rules/placeholders.yaml so an editor can add one without Python. This
module decides where a phrase counts: prose, headings and frontmatter values, but not code,
HTML comments (editors' notes that never render), link targets, or the text of a link (`[Enter
your ZIP code](…)` is a button label, not a template slot). A capitalised `XXX` used as a Roman
numeral (`siglo XXX`, `XXX Congreso`) is not a placeholder either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from medlint.checks import _screen as screens
from medlint.checks._lines import delete_lines, line_text
from medlint.checks._phrases import find_phrases
from medlint.document import Document
from medlint.findings import Finding, Fix
from medlint.packs import PhraseSet
from medlint.registry import Context, Rule, register

# What may surround a placeholder on a line that holds nothing else: list markers, heading
# marks, emphasis, quote marks and punctuation.
_LINE_MARKUP = r"^\s*(?:>\s*)*(?:[-*+]\s+|\d{1,9}[.)]\s+|#{1,6}\s+)?"
_ONLY_PUNCT = re.compile(r"^[\s*_~`#>:;.,!?…()\[\]{}\"'“”‘’«»-]*$")
_ROMAN_BEFORE = re.compile(r"(?:siglo|century|edici[oó]n|volume|vol\.)\s+$", re.IGNORECASE)
_TITLE_WORD = re.compile(r"[ \t]+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+")


@lru_cache(maxsize=1)
def _line_markup() -> re.Pattern[str]:
    """`_LINE_MARKUP` compiled, on first use: only a line holding a placeholder needs it."""
    return re.compile(_LINE_MARKUP)


def leaf_strings(doc: Document) -> Iterator[tuple[int, int]]:
    """Value ranges of every string scalar in the frontmatter (keys and containers excluded)."""
    fm = doc.frontmatter
    if fm is None or fm.data is None:
        return
    for path, loc in fm.positions.items():
        value: object = fm.data
        for part in path:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                value = None
                break
        if isinstance(value, str):
            yield loc.value_start, loc.value_end


@register
class Placeholder(Rule):
    """Placeholder text that must never reach a patient.

    ## What it does
    Reports template and draft left-overs in the body and in frontmatter values: `Placeholder
    slot`, lorem ipsum, `TODO:`, `FIXME:`, `TBD`, `[INSERT …]`, `{{var}}`, `XXX` and the other
    phrases and patterns of rules/placeholders.yaml. Ordinary prose that merely contains such a
    word ("a TODO list", "to be determined", Spanish "todo") is not reported, nor is anything
    inside code, HTML comments, link targets or link text.

    ## Why it matters
    A published page that says `Placeholder slot` or `Dose: TBD` tells a patient the content
    was never finished, and may hide that a dose or warning is missing.

    ## Example
    ```markdown
    # Ado-Trastuzumab Emtansine

    Placeholder slot

    (A-doh-tras-TOO-zoo-mab em-TAN-seen)
    ```

    ## Fix
    Unsafe (`--unsafe-fixes`): deletes a line that holds only a placeholder, leaving the text
    as if it had never been there (no doubled blank line). A placeholder inside a sentence or in
    a frontmatter value has no fix: what belongs there is a person's decision.
    """

    code = "ML103"
    name = "placeholder"
    summary = "placeholder or template text left in the page"
    fix = "sometimes"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        phrases = ctx.packs.placeholders
        text = doc.text
        # One pass over the whole page: every further call would re-scan it.
        every = find_phrases(phrases, text, 0, len(text), quiet=screens.no_phrases(doc, ctx))
        if not every:
            return
        in_front = [h for h in every if h[0] < doc.body_start]
        if in_front:
            values = list(leaf_strings(doc))
            for s, e in in_front:  # Only inside values: a key or a fence is not content.
                if any(a <= s and e <= b for a, b in values) and not _roman_numeral(text, s, e):
                    yield self._finding(doc, s, e, None)
        hits = [h for h in every if h[0] >= doc.body_start]
        if not hits:
            return
        body = doc.body
        hidden = sorted(
            [
                *body.code,
                *((c.start, c.end) for c in body.comments),
                *((k.start, k.end) for k in body.links),
            ]
        )
        line_fixes: dict[int, Fix | None] = {}
        for s, e in hits:
            if _inside(hidden, s) or _link_text(text, e) or _roman_numeral(text, s, e):
                continue
            line = doc.lines.position(s)[0]
            if line not in line_fixes:
                line_fixes[line] = self._line_fix(doc, line, phrases)
            yield self._finding(doc, s, e, line_fixes[line])

    def _finding(self, doc: Document, s: int, e: int, fix: Fix | None) -> Finding:
        found = doc.text[s:e].strip(" \t\r\n#>*_-")
        return self.finding(
            doc,
            doc.span(s, e),
            f"placeholder text `{found}`: write the real content or remove it",
            fix=fix,
        )

    def _line_fix(self, doc: Document, line: int, phrases: PhraseSet) -> Fix | None:
        """Deleting the line, when it holds nothing but placeholders and markup."""
        content = line_text(doc, line)
        if content.lstrip().startswith("|"):
            return None  # A table cell: deleting the row would take real cells with it.
        rest = list(content)
        for s, e in find_phrases(phrases, content, 0, len(content)):
            rest[s:e] = [" "] * (e - s)
        remainder = "".join(rest)
        markup = _line_markup().match(remainder)
        if markup is not None:
            remainder = remainder[markup.end() :]
        if not _ONLY_PUNCT.match(remainder):
            return None
        return self.make_fix(
            "Delete the placeholder line", delete_lines(doc, line, line), safe=False
        )


def _inside(ranges: list[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in ranges)


def _link_text(text: str, end: int) -> bool:
    """Whether a `[…]` match is a link's text (`[Enter your ZIP](…)` or `[…][ref]`)."""
    return text[end - 1 : end] == "]" and text[end : end + 1] in ("(", "[")


def _roman_numeral(text: str, s: int, e: int) -> bool:
    if text[s:e] != "XXX":
        return False
    before = text[max(0, s - 20) : s]
    return bool(_ROMAN_BEFORE.search(before) or _TITLE_WORD.match(text, e))
