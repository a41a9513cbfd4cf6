"""frontmatter-schema: one finding per field problem, at the field's own line."""

from __future__ import annotations

from collections.abc import Iterator

from medlint import schema
from medlint.document import Document
from medlint.findings import Edit, Finding
from medlint.registry import Context, Rule, register


@register
class FrontmatterSchema(Rule):
    """Frontmatter that does not follow the profile (schemas/frontmatter.schema.json).

    ## What it does
    Reports, one finding each: a required key that is missing, a value of the wrong type, a
    value outside its list (`audienceLevel`, `license`, `status`, `reviewFrequency`, a cancer
    type not in the vocabulary), a malformed date, URL or version, and an unknown key. A
    misspelled key is one finding at its own line, with the key it probably meant.

    ## Why it matters
    Review scheduling, search filters and the patient-facing assistant read these fields. A
    page with `audienceLevel: patients` is silently left out of every patient listing.

    ## Example
    ```yaml
    audienceLevel: patients
    lastReveiwed: 2025-13-01
    ```
    Use instead:
    ```yaml
    audienceLevel: patient
    lastReviewed: 2025-12-01
    ```

    ## Fix
    Unsafe (`--unsafe-fixes`): renames a misspelled key to the key it most likely meant.
    Other problems need a person. The vocabularies live in rules/vocabulary.yaml; a team adds
    a field under `[tool.medlint.schema] extra-fields` without editing Python.
    """

    code = "ML003"
    name = "frontmatter-schema"
    summary = "frontmatter field is missing, unknown or invalid"
    fix = "sometimes"

    def prepare(self, ctx: Context) -> None:
        # Builds the plain profile once, before workers fork, and not the pydantic model: the
        # plain checks word what pages usually get wrong (a value outside its list, a misspelled
        # key, a missing key), so few runs need the model, and importing pydantic and building
        # it cost about 0.17 s while the other core sat idle. The first page that does need it
        # builds it, in its own process. Both are cached in `schema`, not kept on the rule.
        schema.prepare_profile(ctx.packs, ctx.schema_extra)

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        fm = doc.frontmatter
        if fm is None or fm.data is None:
            return
        for problem in schema.validate(fm.data, ctx.packs, ctx.schema_extra):
            if problem.kind == "missing" and problem.path == ("reviewedBy",):
                continue  # `missing-reviewer` owns this one, with its own fix.
            if problem.kind == "missing":
                # Point at the opening fence: the key is nowhere, the block is where to add it.
                span = doc.span(fm.start, fm.start + 3)
            elif problem.kind == "unknown":
                span = doc.key_span(*problem.path)
            else:
                span = _value_span(doc, problem.path)
            fix = None
            if problem.suggestion is not None and problem.suggestion not in fm.data:
                loc = doc.located(*problem.path)
                if loc is not None:
                    fix = self.make_fix(
                        f"Rename `{problem.path[0]}` to `{problem.suggestion}`",
                        Edit(start=loc.key_start, end=loc.key_end, replacement=problem.suggestion),
                        safe=False,
                    )
            yield self.finding(doc, span, problem.message, fix=fix)


def _value_span(doc: Document, path: tuple[str | int, ...]):  # type: ignore[no-untyped-def]
    # The deepest located part of the path: a bad list item is shown at the item.
    for cut in range(len(path), 0, -1):
        if doc.located(*path[:cut]) is not None:
            return doc.value_span(*path[:cut])
    return doc.key_span(path[0])
