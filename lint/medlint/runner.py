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

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from medlint import __version__
from medlint.discovery import Discovered, discover
from medlint.findings import Finding
from medlint.reporters.base import PageInfo, Report

if TYPE_CHECKING:
    from medlint.cache import ResultCache, StatKey
    from medlint.config import Config
    from medlint.engine import Settings
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
    from medlint.engine import lint_file

    jobs = jobs if jobs is not None else parallel.default_jobs()
    todo: list[tuple[str, str]] = []
    for item in items:
        if item.error is not None:
            yield item.display, parallel.encode(lint_file(item, settings), (), (None,) * 4)
        else:
            todo.append((item.fspath, item.display))
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

        files = [(item.fspath, item.display) for item in items]
        memo = runmemo.memo_path(store.folder, [path for path, _ in files])
        hit = runmemo.load(memo, files)
        if hit is not None:
            return RunResult(findings=hit.findings, files=hit.files, pages=hit.pages)
    # Imported only when pages are really checked or decoded: not on a run memo hit.
    from medlint.engine import finalize
    from medlint.linkphase import LinkPhase
    from medlint.outcome import decode

    out = RunResult(findings=[], files=len(items))
    # Pages are judged and finalized as they arrive, in whatever order workers finish them;
    # everything is sorted at the end, so the output does not depend on that order.
    phase = LinkPhase((item.display for item in items), settings, config, options, out)
    total = len(items)
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for display, payload in _payloads(items, settings, store, options.jobs):
        result, info, anchors = decode(display, payload, remote, shared)
        out.pages.append(info)
        if phase.add(result, anchors) and (result.findings or result.suppressions):
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
        key = store.seen.get(item.fspath)
        if key is None:  # unreadable, not a regular file, too large: checked again every time
            return
        files[item.fspath] = (item.display, key)
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
