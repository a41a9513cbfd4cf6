"""missing-frontmatter: a page with no frontmatter block at all."""

from __future__ import annotations

import re
from collections.abc import Iterator

from medlint.checks._language import evident_language
from medlint.checks._lines import body_lines, delete_lines, line_text
from medlint.checks._review_line import review_lines, yaml_lines
from medlint.document import Document
from medlint.findings import Edit, Finding, Fix
from medlint.registry import Context, Rule, register

# A first line that reads as a title: not a list item, table, quote, HTML, link or sentence.
_NOT_TITLE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|[|>\[<!]|```|~~~)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
MAX_TITLE = 120


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
        fix = _build_block(self, doc)
        yield self.finding(
            doc,
            doc.span(0, end),
            "page has no frontmatter: start it with a `---` block holding title, url, source, "
            "audienceLevel, language, reviewedBy and the other required keys",
            fix=fix,
        )


def _title(doc: Document, skip: set[int]) -> str | None:
    """The page's title as the page shows it: its first H1, else a heading-like first line."""
    for heading in doc.body.headings:
        if heading.level == 1 and heading.text.strip():
            title = " ".join(heading.text.split())
            return title if len(title) <= MAX_TITLE else None
    for line in body_lines(doc):
        text = line_text(doc, line).strip()
        if not text or line in skip:
            continue
        if _NOT_TITLE.match(text) or len(text) > MAX_TITLE or text.endswith((".", ":", ",", ";")):
            return None
        if doc.in_code(doc.lines.line_start(line)):
            return None
        title = _EMPHASIS.sub("", text).lstrip("#").strip()
        return title or None
    return None


def _build_block(rule: Rule, doc: Document) -> Fix | None:
    """A frontmatter block of what the page itself shows; None when it shows nothing usable."""
    reviews = review_lines(doc)
    data: dict[str, object] = {}
    language = evident_language(doc.text)
    if language is not None:
        data["language"] = language
    if reviews:
        data["reviewedBy"] = [n for r in reviews for n in r.names]
    title = _title(doc, {r.line for r in reviews})
    if title is not None:
        data["title"] = title
    if not data:
        return None
    nl = doc.newline
    block = f"---{nl}{yaml_lines(dict(sorted(data.items())), nl)}---{nl}"
    deletions = [delete_lines(doc, r.line, r.line) for r in reviews]
    # A review line on line 1 is deleted where the block goes: one edit, not two that touch.
    first_end = next((e.end for e in deletions if e.start == 0), 0)
    edits = [Edit(start=0, end=first_end, replacement=block)]
    edits += [e for e in deletions if e.start != 0]
    return rule.make_fix("Add a frontmatter block with what the page shows", *edits, safe=False)
