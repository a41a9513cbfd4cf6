"""Rules the engine itself reports: unreadable files, stale suppressions, internal errors.

They live here so that they are documented, selectable and configurable like any other rule;
their `check` finds nothing because the engine emits their findings where it sees the problem.
"""

from __future__ import annotations

from medlint.findings import Severity
from medlint.registry import Rule, register


@register
class UnreadableFile(Rule):
    """A file that cannot be read as UTF-8 Markdown.

    ## What it does
    Reports a file (or folder) that cannot be read: no permission, not UTF-8 (with the line of
    the first bad byte), binary content, or larger than `max-file-size` (10 MB by default).

    ## Why it matters
    A page medlint cannot read is a page nobody has checked; it must not pass silently.

    ## Example
    A page saved as Windows-1252 by an old editor: `file is not valid UTF-8 (byte 0x96)`.

    ## Fix
    None: re-save the file as UTF-8 (most editors: "Save with encoding").
    """

    code = "ML010"
    name = "unreadable-file"
    summary = "file cannot be read or decoded as UTF-8"


@register
class UnusedSuppression(Rule):
    """A `medlint-disable…` comment that silences no finding.

    ## What it does
    Reports a suppression comment whose rules found nothing in the lines it covers.

    ## Why it matters
    Stale suppressions hide future problems on those lines and mislead reviewers into thinking
    something there was judged acceptable.

    ## Example
    ```markdown
    <!-- medlint-disable-next-line placeholder -->
    A sentence with no placeholder.
    ```

    ## Fix
    None: remove the comment.
    """

    code = "ML011"
    name = "unused-suppression"
    summary = "suppression comment silences nothing"
    severity = Severity.WARNING


@register
class InternalError(Rule):
    """A rule failed on a file; the rest of the run went on.

    ## What it does
    Reports, on the file, that a rule raised an unexpected error, naming the rule and where.

    ## Why it matters
    One malformed page or one bug must never stop a corpus run, and must never pass silently:
    the run exits with status 2 so CI notices.

    ## Example
    `rule \\`mojibake\\` failed on this file (ValueError: … at mojibake.py:42); please report it`

    ## Fix
    None: please report it with the file.
    """

    code = "ML099"
    name = "internal-error"
    summary = "a rule failed on this file"
