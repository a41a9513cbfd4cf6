"""One whole `check` run: discover, lint every file, the run-wide link phase, suppressions.

Kept apart from the CLI so tests, the fixer and the benchmarks drive exactly what users run.

The run streams: each file is checked (in a worker process when the run is large, see
`parallel`) down to a small payload, or its payload is taken from the result cache when the
file and the settings are unchanged (see `cache`). No Document and no page text outlives its
file; the run keeps per page only its findings, the links the link phase still has to judge,
its anchors and `url`, its suppressions and its page facts. Everything is sorted at the end, so
the output is the same whatever the number of workers or the order files were found in.
"""

from __future__ import annotations

import bisect
import datetime as dt
import marshal
import sys
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from medlint import __version__
from medlint.config import Config
from medlint.discovery import Discovered, discover
from medlint.document import Document
from medlint.engine import FileResult, Settings, finalize, lint_file
from medlint.findings import Finding, Span
from medlint.markdown import Link, LinkKind, ParsedBody
from medlint.reporters.base import PageInfo, Report
from medlint.suppressions import Suppression

if TYPE_CHECKING:
    from medlint.cache import ResultCache, StatKey
    from medlint.runmemo import Observed


@dataclass(slots=True)
class RunOptions:
    offline: bool = False
    statistics: bool = False
    no_cache: bool = False
    allow_private: tuple[str, ...] = ()
    progress: Callable[[int, int], None] | None = None
    jobs: int | None = None  # worker processes; None: one per core; 1: all in this process
    cache_dir: Path | None = None  # None: `cache-dir` of the config, under the working folder


@dataclass(slots=True)
class RunResult:
    findings: list[Finding]
    files: int
    pages: list[PageInfo] = field(default_factory=list)
    unchecked_links: int = 0
    unchecked_reason: str | None = None


def collect(paths: list[Path], cwd: Path, config: Config, config_root: Path) -> list[Discovered]:
    return list(
        discover(
            paths,
            cwd,
            exclude=[*config.exclude, *config.extend_exclude],
            config_root=config_root,
            respect_gitignore=config.respect_gitignore,
        )
    )


class LinkView(Document):
    """A page once its text is gone: what the run-wide link phase reads of it.

    The link phase judges links against the disk and the network after every page was checked;
    it needs each page's path, the links it can judge, the page's `url` and the line positions
    of those links, not its text. A view holds just those, in slots (a run keeps one per page
    with such links): `body.links`, `meta["url"]` and `span()` work as on the page's Document;
    the page's anchors are its FileResult's `anchors`; `text` is empty and nothing else is kept.
    """

    __slots__ = ("_links", "_starts", "_url", "body_start", "bom", "frontmatter", "path", "text")

    def __init__(  # Document.__init__ would parse a text; there is none to parse here.
        self, path: str, links: list[Link], url: str | None, starts: bytes
    ) -> None:
        self.path = path
        self.text = ""
        self.bom = False
        self.body_start = 0
        self.frontmatter = None
        self._links = links
        self._url = url
        self._starts = array("I", starts)

    @property
    def body(self) -> ParsedBody:
        return ParsedBody(links=self._links)

    @property
    def meta(self) -> dict[str, object]:
        return {} if self._url is None else {"url": self._url}

    def span(self, start: int, end: int) -> Span:
        line, column = self._position(start)
        end_line, end_column = self._position(end)
        return Span(
            start=start, end=end, line=line, column=column, end_line=end_line, end_column=end_column
        )

    def _position(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1


def _decode(
    display: str, payload: bytes, remote: bool, shared: dict[tuple[str, ...], frozenset[str]]
) -> tuple[FileResult, PageInfo]:
    """A page's FileResult and PageInfo from its payload. `shared` holds one frozenset per
    distinct set of anchors: pages made from one template have the same headings."""
    from medlint.cache import loads_objects
    from medlint.wire import from_rows

    found, disk, network, anchors, url, sups, starts, page = marshal.loads(payload)
    intern = sys.intern
    kept = [
        Link(cast(LinkKind, kind), intern(target), start, end, exact)
        for kind, target, start, end, exact in (disk + network if remote else disk)
    ]
    result = FileResult(
        display,
        findings=from_rows(found) if found else [],
        links=kept,
        anchors=shared.get(anchors) or shared.setdefault(anchors, frozenset(map(intern, anchors))),
        url=url,
        suppressions=list(cast(tuple[Suppression, ...], loads_objects(sups))) if sups else [],
    )
    if kept:
        result.document = LinkView(display, kept, url, starts)
    title, source, last, due = page
    info = PageInfo(
        display,
        title=title,
        source=sys.intern(source) if source is not None else None,
        last_reviewed=dt.date.fromordinal(last) if last is not None else None,
        review_due=dt.date.fromordinal(due) if due is not None else None,
    )
    return result, info


def _open_cache(settings: Settings, config: Config, options: RunOptions) -> ResultCache:
    from medlint.cache import ResultCache, fingerprint

    folder = options.cache_dir or Path.cwd() / config.cache_dir
    parts = (settings.rules, settings.ctx, sorted(settings.selected), settings.max_file_size)
    return ResultCache.open(folder, fingerprint(parts, version=__version__))


def _payloads(
    items: list[Discovered], settings: Settings, store: ResultCache | None, jobs: int | None
) -> Iterator[tuple[str, bytes]]:
    """(display, payload) of every item: from the cache when unchanged, else checked now.

    Files are taken bucket by bucket of the cache, and a bucket is written and let go as soon
    as its last file is done, so the cache never holds more than a few buckets in memory.
    Every file's stat from before it was read ends up in `store.seen` (for the run memo).
    """
    from medlint import parallel

    jobs = jobs if jobs is not None else parallel.default_jobs()
    todo: list[tuple[str, str]] = []
    for item in items:
        if item.error is not None:
            yield item.display, parallel.encode(lint_file(item, settings), (), (None,) * 4)
        else:
            todo.append((str(item.path), item.display))
    if store is None:
        for checked in parallel.check_many(todo, settings, jobs):
            yield checked.display, checked.payload
        return
    from medlint.cache import Entry, bucket_of

    buckets: dict[int, list[tuple[str, str]]] = {}
    for pair in todo:
        buckets.setdefault(bucket_of(pair[0]), []).append(pair)
    misses: list[tuple[str, str]] = []
    pending: dict[int, int] = {}
    try:
        for index in sorted(buckets):
            for path, display in buckets[index]:
                payload = store.lookup(path, display, index)
                if payload is not None:
                    yield display, payload
                else:
                    misses.append((path, display))
                    pending[index] = pending.get(index, 0) + 1
            if index not in pending:
                store.release(index)
        for checked in parallel.check_many(misses, settings, jobs):
            index = bucket_of(checked.path)
            if checked.stat is not None:
                stored = Entry(
                    checked.display, checked.stat, checked.digest, checked.trusted, checked.payload
                )
                store.store(checked.path, stored)
                store.seen[checked.path] = checked.stat
            pending[index] -= 1
            if not pending[index]:
                store.release(index)
            yield checked.display, checked.payload
    finally:
        store.flush()


def run_check(
    items: list[Discovered], settings: Settings, config: Config, options: RunOptions
) -> RunResult:
    remote = not options.offline
    store = None if options.no_cache else _open_cache(settings, config, options)
    # An offline run over readable folders depends only on files and folders the run memo
    # can check again (see runmemo); an online one also on what servers answer today.
    memo: Path | None = None
    if store is not None and options.offline and all(i.error is None for i in items):
        from medlint import runmemo

        files = [(str(item.path), item.display) for item in items]
        memo = runmemo.memo_path(store.folder, [path for path, _ in files])
        hit = runmemo.load(memo, files)
        if hit is not None:
            return RunResult(findings=hit.findings, files=hit.files, pages=hit.pages)
    from medlint.linkphase import LinkPhase

    out = RunResult(findings=[], files=len(items))
    # Pages are judged and finalized as they arrive, in whatever order workers finish them;
    # everything is sorted at the end, so the output does not depend on that order.
    phase = LinkPhase((item.display for item in items), settings, config, options, out)
    total = len(items)
    shared: dict[tuple[str, ...], frozenset[str]] = {}
    for display, payload in _payloads(items, settings, store, options.jobs):
        result, info = _decode(display, payload, remote, shared)
        out.pages.append(info)
        if phase.add(result) and (result.findings or result.suppressions):
            out.findings.extend(finalize(result, settings))
        if options.progress is not None:
            options.progress(len(out.pages), total)
    del shared
    for result in phase.finish():
        if result.findings or result.suppressions:
            out.findings.extend(finalize(result, settings))
    out.pages.sort(key=lambda page: page.path)
    out.findings.sort(key=Finding.sort_key)
    observed = phase.observed
    if memo is not None and store is not None:
        _remember(memo, items, store, observed, out)
    return out


def _remember(
    memo: Path, items: list[Discovered], store: ResultCache, observed: Observed, out: RunResult
) -> None:
    """Write the run memo when every file's outcome came with a stat (was cacheable)."""
    import time

    from medlint import runmemo

    files: dict[str, tuple[str, StatKey]] = {}
    for item in items:
        key = store.seen.get(str(item.path))
        if key is None:  # unreadable, not a regular file, too large: checked again every time
            return
        files[str(item.path)] = (item.display, key)
    outcome = runmemo.Outcome(out.findings, out.pages, out.files)
    runmemo.store(memo, files, observed, outcome, time.time_ns())


def make_report(run: RunResult, settings: Settings, *, statistics: bool) -> Report:
    from medlint.registry import all_rules

    meta = {
        name: (cls.code, cls.summary, cls.fix, cls.severity.label)
        for name, cls in all_rules().items()
    }
    return Report(
        findings=tuple(run.findings),
        files=run.files,
        version=__version__,
        today=settings.ctx.today,
        statistics=statistics,
        unchecked_links=run.unchecked_links,
        unchecked_reason=run.unchecked_reason,
        pages=tuple(run.pages),
        rule_meta=meta,
    )
