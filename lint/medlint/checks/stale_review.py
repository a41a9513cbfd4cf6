"""stale-review: the page's review is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache

from medlint.document import Document
from medlint.findings import Finding
from medlint.registry import Context, Rule, register
from medlint.review import review_dates


def review_dates_of(meta: dict[str, object]) -> tuple[dt.date | None, dt.date | None]:
    """`review_dates(meta)`, remembered by the two values it reads: pages repeat the same
    dates and frequencies, and the worker asks twice a page (this rule, and the page facts
    reports show)."""
    last, freq = meta.get("lastReviewed"), meta.get("reviewFrequency")
    try:
        return _review_dates(last, freq)
    except TypeError:  # a value that cannot be a key (a list): nothing to remember
        return review_dates(meta)


@lru_cache(maxsize=4096, typed=True)
def _review_dates(last: object, freq: object) -> tuple[dt.date | None, dt.date | None]:
    return review_dates({"lastReviewed": last, "reviewFrequency": freq})


@register
class StaleReview(Rule):
    """A page whose next review date (`lastReviewed` + `reviewFrequency`) has passed.

    ## What it does
    Adds `reviewFrequency` (`monthly` 1, `quarterly` 3, `semiannual` 6, `annual` 12,
    `biennial` 24 calendar months; Jan 31 + 1 month is Feb 28/29) to `lastReviewed` and reports
    the page when that date is before today. Today is `--today`, else `MEDLINT_TODAY`, else
    `today` in config, else the clock, so CI runs can be reproduced. A missing or malformed
    date or frequency is `frontmatter-schema`'s finding, not this one.

    ## Why it matters
    Treatment guidance changes: new approvals, withdrawn drugs, new dosing. A page past its
    review date may tell a patient something that is no longer true.

    ## Example
    ```yaml
    lastReviewed: 2025-01-10
    reviewFrequency: quarterly   # due 2025-04-10: stale on 2026-01-15
    ```

    ## Fix
    None: a clinician reviews the page, then `lastReviewed` is updated.
    """

    code = "ML302"
    name = "stale-review"
    summary = "review is overdue (lastReviewed + reviewFrequency is past)"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        meta = doc.meta
        if not meta:
            return
        last, due = review_dates_of(meta)
        if last is None or due is None or due >= ctx.today:
            return
        days = (ctx.today - due).days
        yield self.finding(
            doc,
            doc.value_span("lastReviewed"),
            f"review overdue by {days} day{'s' if days != 1 else ''}: last reviewed {last}, "
            f"{meta.get('reviewFrequency')} review was due {due} (today is {ctx.today})",
        )
