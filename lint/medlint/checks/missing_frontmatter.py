"""missing-frontmatter: a page with no frontmatter block at all."""

from __future__ import annotations

from collections.abc import Iterator

from medlint.document import Document
from medlint.findings import Finding
from medlint.registry import Context, Rule, register


@register
class MissingFrontmatter(Rule):
    """A page that does not start with a `---` frontmatter block.

    ## What it does
    Reports a page whose first line is not `---`, so it carries none of the metadata (title,
    source, audience, reviewer, review date) that the profile requires.

    ## Why it matters
    Without frontmatter nobody can tell who reviewed the page, when it is due for review, or
    whether it is meant for patients: it cannot be published or kept current safely.

    ## Example
    ```markdown
    Ado-trastuzumab emtansine
    - Medical Review: Ilana Schlam, MD, MPH
    ```
    Use instead:
    ```markdown
    ---
    title: Ado-trastuzumab emtansine
    reviewedBy:
    - Ilana Schlam, MD, MPH
    ---
    ```

    ## Fix
    Unsafe (`--unsafe-fixes`): adds a block with what the page itself shows (title from its
    heading or first line, reviewer from a review line, language when it is evident). Fields it
    cannot know stay missing and stay reported; no medical metadata is invented.
    """

    code = "ML001"
    name = "missing-frontmatter"
    summary = "page has no frontmatter block"
    fix = "unsafe"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if doc.frontmatter is not None:
            return
        end = doc.lines.line_end(1)
        fix = None  # The unsafe fix that builds a block is added with the content rules.
        yield self.finding(
            doc,
            doc.span(0, end),
            "page has no frontmatter: start it with a `---` block holding title, url, source, "
            "audienceLevel, language, reviewedBy and the other required keys",
            fix=fix,
        )
