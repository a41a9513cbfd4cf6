"""multiple-h1: more than one top-level heading."""

from __future__ import annotations

from collections.abc import Iterator

from medlint.checks._lines import delete_lines
from medlint.checks._titles import is_suffixed_copy, normalise
from medlint.document import Document
from medlint.findings import Finding, Severity
from medlint.markdown import Heading
from medlint.registry import Context, Rule, register


def _redundant(h1s: list[Heading]) -> int | None:
    """Index of an H1 that only repeats another: an exact copy, or a copy with a site suffix."""
    for i, a in enumerate(h1s):
        for j in range(i + 1, len(h1s)):
            b = h1s[j]
            if normalise(a.text) == normalise(b.text):
                return j
            if is_suffixed_copy(a.text, b.text):
                return i
            if is_suffixed_copy(b.text, a.text):
                return j
    return None


@register
class MultipleH1(Rule):
    """A page with more than one H1 (`# Title` or a `===` underlined heading).

    ## What it does
    Reports every H1 after the page's title heading. When one H1 only repeats another (the
    same words, or the same words plus a site name such as `- NCI`, as scrapers often leave
    the HTML title above the real heading), that copy is the one reported, with a fix.

    ## Why it matters
    Screen readers, search engines and the table of contents treat the H1 as the page's title;
    two of them make the page's subject ambiguous and the outline wrong.

    ## Example
    ```markdown
    # Ado-Trastuzumab Emtansine - NCI

    # Ado-Trastuzumab Emtansine
    ```
    Use instead:
    ```markdown
    # Ado-Trastuzumab Emtansine
    ```

    ## Fix
    Unsafe (`--unsafe-fixes`): deletes an H1 that repeats another. Two different H1s need a
    person (make one an H2, or split the page): no fix.
    """

    code = "ML401"
    name = "multiple-h1"
    summary = "more than one H1 heading"
    severity = Severity.WARNING
    fix = "sometimes"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        h1s = [h for h in doc.body.headings if h.level == 1]
        if len(h1s) < 2:
            return
        copy = _redundant(h1s)
        keep = 1 if copy == 0 else 0
        kept_line = doc.lines.position(h1s[keep].start)[0]
        for i, h in enumerate(h1s):
            if i == keep:
                continue
            span = doc.span(h.start, h.end)
            if i == copy:
                other = h1s[keep].text
                fix = self.make_fix(
                    "Delete the repeated H1",
                    delete_lines(doc, span.line, span.end_line),
                    safe=False,
                )
                yield self.finding(
                    doc, span, f"H1 `{h.text}` repeats the H1 `{other}` (line {kept_line})", fix=fix
                )
            else:
                yield self.finding(
                    doc,
                    span,
                    f"second H1 `{h.text}`: the page already has the H1 on line {kept_line}; "
                    "make this one an H2",
                )
