"""invalid-frontmatter: a block that is not usable YAML."""

from __future__ import annotations

from collections.abc import Iterator

from medlint.document import Document
from medlint.findings import Finding
from medlint.registry import Context, Rule, register


@register
class InvalidFrontmatter(Rule):
    """A frontmatter block that cannot be read as a YAML mapping.

    ## What it does
    Reports YAML syntax errors, duplicate keys, aliases and anchors (`&a` / `*a`), tags such as
    `!!python/object`, a block that is a list or a single value instead of `key: value` lines,
    a block that is never closed, and blocks too large or too deeply nested to parse safely.

    ## Why it matters
    Publishing tools read the block with different YAML parsers; what one accepts another may
    read differently or reject. Duplicate keys silently keep one value, aliases can blow up into
    huge documents, and tags can run code in unsafe loaders.

    ## Example
    ```yaml
    ---
    title: Kadcyla
    title: Ado-trastuzumab emtansine
    tags: [treatment
    ---
    ```
    Use instead:
    ```yaml
    ---
    title: Ado-trastuzumab emtansine
    tags: [treatment]
    ---
    ```

    ## Fix
    None: which value was meant is a person's decision.
    """

    code = "ML002"
    name = "invalid-frontmatter"
    summary = "frontmatter is not a valid YAML mapping"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if doc.frontmatter is None:
            return
        for problem in doc.frontmatter.problems:
            yield self.finding(doc, doc.span(problem.start, problem.end), problem.message)
