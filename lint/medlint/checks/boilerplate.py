"""boilerplate: marketing, newsletter and site-chrome text scraped along with the page.

The phrases live in rules/boilerplate.yaml. A phrase alone does not make boilerplate: "stay
connected with friends during treatment" is advice. A block of consecutive lines (blank lines
allowed between) that hold phrases is reported when one of its lines is mostly phrases ("Stay
connected", "Share this page") or holds three of them; the lines around it that hold a phrase
(the "Sign up…" sentence, the mission statement) belong to the block. Phrases scattered through
ordinary sentences are prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from medlint.checks._lines import delete_lines, is_blank
from medlint.document import Document
from medlint.findings import Finding, Severity
from medlint.registry import Context, Rule, register

_URL_PART = re.compile(r"\]\([^)\s]*\)|https?://\S+")
_WORD_CHAR = re.compile(r"\w")
MOSTLY = 0.5  # a line that is at least half boilerplate phrases is boilerplate
MANY = 3  # so is a line holding three phrases


def _letters(text: str) -> int:
    return len(_WORD_CHAR.findall(_URL_PART.sub("]", text)))


@register
class Boilerplate(Rule):
    """Marketing and newsletter boilerplate in a patient page.

    ## What it does
    Reports blocks of site chrome copied with the content: newsletter sign-ups ("Stay
    connected… Sign up to receive…"), donation appeals, "follow us", "share this page",
    copyright and cookie notices, "learn more about our programs and services". The phrases are
    in rules/boilerplate.yaml. A phrase inside ordinary advice ("stay connected with friends
    during treatment") is not boilerplate.

    ## Why it matters
    It is not patient education: it distracts from the medical content, dates quickly, and
    carries one organisation's marketing into pages republished by another.

    ## Example
    ```markdown
    Stay connected
    Sign up to receive emotional support, medical insight, personal stories, and more,
    delivered to your inbox weekly.
    ```

    ## Fix
    Unsafe (`--unsafe-fixes`): deletes the block's lines, leaving the text as if they had never
    been there. Unsafe because a block may hold a sentence worth keeping.
    """

    code = "ML104"
    name = "boilerplate"
    summary = "marketing or newsletter boilerplate"
    severity = Severity.WARNING
    fix = "unsafe"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        text = doc.text
        if doc.body_start >= len(text):
            return
        hits = ctx.packs.boilerplate.finditer(text, doc.body_start)
        if not hits:
            return
        # line -> (characters of phrases on it, number of phrases)
        per_line: dict[int, list[int]] = {}
        for s, e in hits:
            if doc.in_code(s):
                continue
            line = doc.lines.position(s)[0]
            entry = per_line.setdefault(line, [0, 0])
            entry[0] += _letters(text[s:e])
            entry[1] += 1
        for first, last in _blocks(doc, sorted(per_line)):
            lines = [n for n in range(first, last + 1) if n in per_line]
            strong = any(
                per_line[n][1] >= MANY or per_line[n][0] >= MOSTLY * _letters(_line(doc, n))
                for n in lines
            )
            if not strong:
                continue  # Phrases inside ordinary sentences: prose, not site chrome.
            span = doc.span(doc.lines.line_start(first), doc.lines.line_end(last))
            fix = self.make_fix(
                "Delete the boilerplate", delete_lines(doc, first, last), safe=False
            )
            what = f"line {first}" if first == last else f"lines {first}-{last}"
            yield self.finding(
                doc,
                span,
                f"marketing or newsletter boilerplate ({what}): not patient education",
                fix=fix,
            )


def _line(doc: Document, line: int) -> str:
    return doc.text[doc.lines.line_start(line) : doc.lines.line_end(line)]


def _blocks(doc: Document, lines: list[int]) -> Iterator[tuple[int, int]]:
    """Runs of phrase lines, joined across blank lines only."""
    if not lines:
        return
    first = last = lines[0]
    for n in lines[1:]:
        if all(is_blank(doc, k) for k in range(last + 1, n)):
            last = n
        else:
            yield first, last
            first = last = n
    yield first, last
