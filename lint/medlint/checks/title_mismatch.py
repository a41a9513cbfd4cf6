"""title-mismatch: the frontmatter `title` and the page's H1 name different things."""

from __future__ import annotations

from collections.abc import Iterator

from medlint.checks._titles import same_title
from medlint.document import Document
from medlint.findings import Finding, Severity
from medlint.registry import Context, Rule, register


@register
class TitleMismatch(Rule):
    """A `title` that disagrees with the page's H1.

    ## What it does
    Compares the frontmatter `title` with the page's H1 headings, ignoring case, punctuation,
    Unicode spelling variants and a short site-name suffix (`Ado-Trastuzumab Emtansine - NCI`
    matches `# Ado-Trastuzumab Emtansine`). A page without an H1 is not judged.

    ## Why it matters
    Listings and search show the `title`; the reader sees the H1. When they disagree, one of
    them was not updated: a patient who clicked "Trastuzumab" lands on a page about pertuzumab.

    ## Example
    ```markdown
    ---
    title: Trastuzumab
    ---
    # Pertuzumab
    ```

    ## Fix
    None: which of the two is right is a person's decision.
    """

    code = "ML402"
    name = "title-mismatch"
    summary = "frontmatter title and H1 disagree"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        title = doc.meta.get("title")
        if not isinstance(title, str) or not title.strip():
            return
        h1s = [h for h in doc.body.headings if h.level == 1 and h.text]
        if not h1s or any(same_title(title, h.text) for h in h1s):
            return
        line = doc.lines.position(h1s[0].start)[0]
        yield self.finding(
            doc,
            doc.value_span("title"),
            f"title `{title.strip()}` does not match the H1 `{h1s[0].text}` (line {line})",
        )
