"""What every output format receives: one finished run."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from medlint.findings import Applicability, Finding, Severity
from medlint.records import record


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class PageInfo:
    """Per-page facts the corpus reports show (review currency, source)."""

    path: str
    title: str | None = None
    source: str | None = None
    last_reviewed: dt.date | None = None
    review_due: dt.date | None = None

    def __init__(
        self,
        path: str,
        title: str | None = None,
        source: str | None = None,
        last_reviewed: dt.date | None = None,
        review_due: dt.date | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "title", title)
        _set(self, "source", source)
        _set(self, "last_reviewed", last_reviewed)
        _set(self, "review_due", review_due)


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Report:
    """Everything a reporter shows about one run."""

    findings: tuple[Finding, ...]  # sorted by path, line, column, code
    files: int  # files checked
    version: str
    today: dt.date
    statistics: bool = False
    unchecked_links: int = 0  # links that could not be judged (no network, timeouts)
    unchecked_reason: str | None = None
    pages: Sequence[PageInfo] = ()  # a run memo's are built only when a report reads them
    rule_meta: Mapping[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # rule name -> (code, summary, fix availability, default severity)
    # The run's `--fail-on`: JUnit fails a test only for findings that fail the run, and the HTML
    # and Markdown verdicts judge by it.
    fail_on: Severity = Severity.ERROR
    # The paths as named on the command line, for report headers ("seeds/").
    targets: tuple[str, ...] = ()
    # Path from the folder the report file is written to back to the working directory (with a
    # trailing "/", or "" when it is the same folder), so the HTML report's links to files work.
    link_base: str = ""

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def files_with_findings(self) -> int:
        return len({f.path for f in self.findings})

    def by_rule(self) -> list[tuple[str, str, int]]:
        """(code, rule, count), most frequent first, then by code."""
        counts = Counter((f.code, f.rule) for f in self.findings)
        return sorted(((c, r, n) for (c, r), n in counts.items()), key=lambda t: (-t[2], t[0]))

    def fixable(self) -> tuple[int, int]:
        """(safe, unsafe) fixable findings."""
        safe = sum(1 for f in self.findings if f.fix and f.fix.applicability is Applicability.SAFE)
        unsafe = sum(
            1 for f in self.findings if f.fix and f.fix.applicability is Applicability.UNSAFE
        )
        return safe, unsafe

    def __init__(
        self,
        findings: tuple[Finding, ...],
        files: int,
        version: str,
        today: dt.date,
        statistics: bool = False,
        unchecked_links: int = 0,
        unchecked_reason: str | None = None,
        pages: Sequence[PageInfo] = (),
        rule_meta: Mapping[str, tuple[str, str, str, str]] | None = None,
        fail_on: Severity = Severity.ERROR,
        targets: tuple[str, ...] = (),
        link_base: str = "",
    ) -> None:
        _set = object.__setattr__
        _set(self, "findings", findings)
        _set(self, "files", files)
        _set(self, "version", version)
        _set(self, "today", today)
        _set(self, "statistics", statistics)
        _set(self, "unchecked_links", unchecked_links)
        _set(self, "unchecked_reason", unchecked_reason)
        _set(self, "pages", pages)
        _set(self, "rule_meta", {} if rule_meta is None else rule_meta)
        _set(self, "fail_on", fail_on)
        _set(self, "targets", targets)
        _set(self, "link_base", link_base)
