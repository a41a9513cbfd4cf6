"""reviewer-credential: a reviewer named without a recognised clinical credential."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from medlint.document import Document
from medlint.findings import Finding, Severity
from medlint.registry import Context, Rule, register

_TOKEN = re.compile(r"[A-Za-z][A-Za-z.\-]*")


@lru_cache(maxsize=4096)  # a corpus names the same few reviewers on page after page
def has_credential(text: str, credentials: frozenset[str]) -> bool:
    """Whether any word of `text` is a credential of the pack (dots ignored: `M.D.` is MD).

    A credential is written with at least two capitals (`MD`, `PhD`, `MSc`), so the surname
    `Do` or the title `Ms.` is not mistaken for the credentials DO and MS.
    """
    for m in _TOKEN.finditer(text):
        word = m.group().replace(".", "").strip("-")
        if sum(c.isupper() for c in word) >= 2 and word.upper() in credentials:
            return True
    return False


@register
class ReviewerCredential(Rule):
    """A `reviewedBy` entry without a clinical credential from the rule pack.

    ## What it does
    Checks each `reviewedBy` entry, `"Name, CRED, CRED"` or `{name, credentials: [...]}`, for
    at least one credential of rules/vocabulary.yaml (`MD`, `DO`, `RN`, `PharmD`, `NP`, `PhD`,
    …; dots ignored, so `M.D.` counts). A team adds its credentials there, without Python.

    ## Why it matters
    The review is what makes a page safe to give a patient; a reviewer with no clinical
    credential on record (an editor, a marketing lead, a bare name) may mean no clinician
    checked it, or that the credential was lost in a copy.

    ## Example
    ```yaml
    reviewedBy:
    - Jane Smith, Content Editor
    ```
    Use instead:
    ```yaml
    reviewedBy:
    - Jane Smith, MD
    ```

    ## Fix
    None: only the people involved know the reviewer's credentials.
    """

    code = "ML303"
    name = "reviewer-credential"
    summary = "reviewer has no recognised clinical credential"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        reviewers = doc.meta.get("reviewedBy")
        if not isinstance(reviewers, list):
            return
        creds = ctx.packs.credentials
        for i, entry in enumerate(reviewers):
            if isinstance(entry, str):
                name, ok = entry, has_credential(entry.partition(",")[2] or entry, creds)
            elif isinstance(entry, dict):
                listed = entry.get("credentials")
                values = (
                    [c for c in listed if isinstance(c, str)] if isinstance(listed, list) else []
                )
                name = str(entry.get("name", ""))
                ok = any(has_credential(c, creds) for c in values)
            else:
                continue  # Not a reviewer at all: frontmatter-schema reports the type.
            if ok or not name.strip():
                continue
            yield self.finding(
                doc,
                doc.value_span("reviewedBy", i),
                f"reviewer `{name.strip()}` has no recognised clinical credential (MD, DO, RN, "
                "PharmD, NP, …)",
                help="add the credential, or add it to `credentials` in a rule pack if it is one",
            )
