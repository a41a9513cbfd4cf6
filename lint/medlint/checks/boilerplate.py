"""boilerplate: marketing, newsletter and site-chrome text scraped along with the page.

The phrases live in rules/boilerplate.yaml. A phrase alone does not make boilerplate: "stay
connected with friends during treatment" is advice. A block of consecutive lines (blank lines
allowed between) that hold phrases is reported when one of its lines is mostly phrases ("Stay
connected", "Share this page"), or holds two making a quarter of it, or three. Inside a page it
runs from the first such line to the last; at the end of a page (a footer) every line of it goes,
such as the mission statement under a sign-up. Phrases scattered through ordinary sentences are
prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from medlint.checks import _screen as screens
from medlint.checks._lines import delete_lines, is_blank, last_real_line
from medlint.checks._phrases import find_phrases
from medlint.document import Document
from medlint.findings import Finding, Severity
from medlint.registry import Context, Rule, register

_URL_START = re.compile(r"\]\(|https?://")
_URL_STOP = re.compile(r"[)\s]")
_SPACE = re.compile(r"\s")
_WORD_CHAR = re.compile(r"\w")
MOSTLY = 0.5  # a line that is at least half boilerplate phrases is boilerplate,
SOME = 0.25  # and so is one with two phrases making a quarter of it,
MANY = 3  # or three phrases in any line
SHORT_WORDS = 6  # a line this short holding a phrase, right beside such a line, is chrome too


def _strong(phrase_letters: int, phrases: int, line_letters: int) -> bool:
    share = phrase_letters / max(1, line_letters)
    return share >= MOSTLY or (phrases >= 2 and share >= SOME) or phrases >= MANY


def _letters(text: str) -> int:
    return len(_WORD_CHAR.findall(_without_urls(text)))


def _without_urls(text: str) -> str:
    r"""`re.sub(r"\]\([^)\s]*\)|https?://\S+", "]", text)` in linear time.

    The regex scanned from every `](` of a run to the next `)` or space: `](` repeated through a
    long line took quadratic time. Every `](` before one such stop shares it, so it is found once.
    """
    out: list[str] = []
    pos = 0
    stop = -1  # the first `)` or space after the last `](` looked at
    for m in _URL_START.finditer(text):
        start = m.start()
        if start < pos:
            continue
        if m.group() == "](":
            if stop < start + 2:
                found = _URL_STOP.search(text, start + 2)
                stop = found.start() if found else len(text)
            if stop == len(text) or text[stop] != ")":
                continue
            end = stop + 1
        else:
            found = _SPACE.search(text, m.end())
            end = found.start() if found else len(text)
            if end == m.end():
                continue  # `https?://\S+` needs a character after the `//`
        out.append(text[pos:start])
        out.append("]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


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
        quiet = screens.no_phrases(doc, ctx)
        hits = find_phrases(ctx.packs.boilerplate, text, doc.body_start, len(text), quiet=quiet)
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
        final = last_real_line(doc)
        for block_first, block_last in _blocks(doc, sorted(per_line)):
            lines = [n for n in range(block_first, block_last + 1) if n in per_line]
            strong = [
                n for n in lines if _strong(per_line[n][0], per_line[n][1], _letters(_line(doc, n)))
            ]
            if not strong:
                continue  # Phrases inside ordinary sentences: prose, not site chrome.
            # A footer (nothing follows it) goes whole: the mission statement under a sign-up,
            # "Follow us on…" above it. Inside a page the clear lines go, with the short lines
            # right next to them ("Síganos en Facebook."); a sentence of advice beside "Share
            # this page" is the page's own.
            first, last = block_first, block_last
            if not all(is_blank(doc, n) for n in range(block_last + 1, final + 1)):
                near = [n for n in lines if n in strong or _short(_line(doc, n))]
                first, last = _around(near, strong)
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


def _short(text: str) -> bool:
    return len(text.split()) <= SHORT_WORDS


def _around(near: list[int], strong: list[int]) -> tuple[int, int]:
    """From the first to the last strong line, widened by `near` lines directly beside them."""
    lo = near.index(strong[0])
    hi = near.index(strong[-1])
    while lo > 0 and near[lo - 1] == near[lo] - 1:
        lo -= 1
    while hi + 1 < len(near) and near[hi + 1] == near[hi] + 1:
        hi += 1
    return near[lo], near[hi]


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
