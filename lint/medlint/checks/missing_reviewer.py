"""missing-reviewer: a page whose frontmatter names no medical reviewer."""

from __future__ import annotations

from collections.abc import Iterator

from medlint.checks._lines import delete_lines
from medlint.checks._review_line import (
    ReviewLine,
    insertion_point,
    list_indent,
    review_lines,
    yaml_lines,
)
from medlint.document import Document
from medlint.findings import Edit, Finding, Fix
from medlint.registry import Context, Rule, register

KEY = "reviewedBy"


@register
class MissingReviewer(Rule):
    """Frontmatter without `reviewedBy`: nobody is named as having checked the page.

    ## What it does
    Reports a page whose frontmatter has no `reviewedBy` key. It is reported once, by this rule
    only (`frontmatter-schema` leaves this key to it). A page with no frontmatter at all is
    `missing-frontmatter`'s.

    ## Why it matters
    Patient-education content must be reviewed by a clinician, and the reviewer must be on
    record: for accountability, for the next review, and for readers who look for it.

    ## Example
    ```markdown
    ---
    title: Ado-trastuzumab emtansine
    ---
    - Medical Review: Ilana Schlam, MD, MPH
    ```
    Use instead:
    ```markdown
    ---
    reviewedBy:
    - Ilana Schlam, MD, MPH
    title: Ado-trastuzumab emtansine
    ---
    ```

    ## Fix
    Safe: when the body has a line such as `Medical Review: Ilana Schlam, MD, MPH` (or `-
    Medical Review: …`, `Medically reviewed by …`, `Revisión médica: …`), it is moved into
    `reviewedBy` and deleted from the body. The new key is written as PyYAML writes it, in
    sorted position when the block's keys are sorted, else last; every other line of the block
    stays byte for byte. Without such a line there is no fix: a reviewer is never invented.
    """

    code = "ML301"
    name = "missing-reviewer"
    summary = "frontmatter names no medical reviewer"
    fix = "sometimes"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        fm = doc.frontmatter
        if fm is None or fm.data is None or KEY in fm.data:
            return
        found = review_lines(doc)
        fix = self._fix(doc, found)
        yield self.finding(
            doc,
            doc.span(fm.start, fm.start + 3),
            "no `reviewedBy`: name the clinician who reviewed this page"
            + (f" (the body says: {'; '.join(found[0].names)})" if found else ""),
            fix=fix,
            help=None if found else "add `reviewedBy:` with `- Name, CREDENTIALS` items",
        )

    def _fix(self, doc: Document, lines: list[ReviewLine]) -> Fix | None:
        at = insertion_point(doc, KEY) if lines else None
        if at is None:
            return None
        names = [n for r in lines for n in r.names]
        block = yaml_lines({KEY: names}, doc.newline, list_indent(doc))
        edits = [Edit(start=at, end=at, replacement=block)]
        edits += [delete_lines(doc, r.line, r.line) for r in lines]
        return self.make_fix("Move the review line into `reviewedBy`", *edits)
