"""What every output format receives: one finished run."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

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


class _Tally(NamedTuple):
    severities: Counter[Severity]
    rules: Counter[tuple[str, str]]  # (code, rule)
    paths: int  # files with findings
    safe: int
    unsafe: int


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Report:
    """Everything a reporter shows about one run."""

    # Sorted by path, line, column, code. Any sequence, taken as it is: a large run's is a
    # findstore.PackedFindings, decoded as it is iterated, never copied into a tuple.
    findings: Sequence[Finding]
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
    # The helpers' counts, worked out in one pass on first use (see `_tally`).
    _tallied: _Tally | None = field(default=None, init=False, repr=False, compare=False)

    def _tally(self) -> _Tally:
        """Every count the helpers below give, in one pass over the findings: a large run's
        findings are decoded each time they are iterated (findstore), and the text report
        alone asked for six passes (three severities, files, safe and unsafe fixes).

        Files are counted as the path changes from one finding to the next, the findings being
        sorted by path: a set of the paths held a string for every file with a finding (tens
        of thousands in a large run) while a report was written a finding at a time."""
        if self._tallied is None:
            severities: Counter[Severity] = Counter()
            rules: Counter[tuple[str, str]] = Counter()
            paths = 0
            last = None
            safe = unsafe = 0
            for f in self.findings:
                severities[f.severity] += 1
                rules[f.code, f.rule] += 1
                if f.path != last:
                    paths += 1
                    last = f.path
                if f.fix:
                    if f.fix.applicability is Applicability.SAFE:
                        safe += 1
                    elif f.fix.applicability is Applicability.UNSAFE:
                        unsafe += 1
            object.__setattr__(self, "_tallied", _Tally(severities, rules, paths, safe, unsafe))
        assert self._tallied is not None
        return self._tallied

    def count(self, severity: Severity) -> int:
        return self._tally().severities[severity]

    @property
    def files_with_findings(self) -> int:
        return self._tally().paths

    def by_rule(self) -> list[tuple[str, str, int]]:
        """(code, rule, count), most frequent first, then by code."""
        counts = self._tally().rules
        return sorted(((c, r, n) for (c, r), n in counts.items()), key=lambda t: (-t[2], t[0]))

    def fixable(self) -> tuple[int, int]:
        """(safe, unsafe) fixable findings."""
        tally = self._tally()
        return tally.safe, tally.unsafe

    def __init__(
        self,
        findings: Sequence[Finding],
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
        _set(self, "_tallied", None)
