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

import datetime as dt
import struct
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload

from medlint import __version__
from medlint.discovery import Discovered, RunItems, run_items
from medlint.discovery import found as found_files

if TYPE_CHECKING:
    from medlint.cache import ResultCache, StatKey
    from medlint.config import Config
    from medlint.engine import Settings
    from medlint.findings import Finding
    from medlint.reporters.base import PageInfo, Report
    from medlint.runmemo import Observed, Outcome, Recalled
    from medlint.spill import Spill


@dataclass(slots=True)
class RunOptions:
    offline: bool = False
    statistics: bool = False
    no_cache: bool = False
    allow_private: tuple[str, ...] = ()
    progress: Callable[[int, int], None] | None = None
    jobs: int | None = None  # worker processes; None: one per core; 1: all in this process
    cache_dir: Path | None = None  # None: `cache-dir` of the config, under the working folder
    # The run memo's key (runmemo.run_key of what the settings were made from); None: no memo.
    memo_key: str | None = None
    # (the items, where their memo is, whether it was looked up and missed), once worked out.
    memo_for: tuple[Sequence[Discovered], Path | None, bool] | None = field(
        default=None, repr=False, compare=False
    )


@dataclass(slots=True)
class RunResult:
    findings: Sequence[Finding]
    files: int
    pages: Sequence[PageInfo] = ()
    unchecked_links: int = 0
    unchecked_reason: str | None = None
    today: dt.date | None = None  # set when the run was answered from the run memo
    rule_meta: dict[str, tuple[str, str, str, str]] | None = None  # likewise
    # The run memo this outcome is (or was just written as): (its file, its write time), so the
    # CLI can keep what it printed beside it (runmemo.remember_shown).
    memo: tuple[Path, int] | None = None


def collect(paths: list[Path], cwd: Path, config: Config, config_root: Path) -> RunItems:
    """The run's files, packed as they are found (see RunItems: a Discovered per file was most
    of a large run's memory, and was copied into every worker)."""
    items = RunItems(base=str(cwd))
    items.extend(
        found_files(
            paths,
            cwd,
            exclude=[*config.exclude, *config.extend_exclude],
            config_root=config_root,
            respect_gitignore=config.respect_gitignore,
        )
    )
    return items


def _open_cache(settings: Settings, config: Config, options: RunOptions) -> ResultCache:
    from medlint.cache import ResultCache, fingerprint

    folder = options.cache_dir or Path.cwd() / config.cache_dir
    parts = (settings.rules, settings.ctx, sorted(settings.selected), settings.max_file_size)
    return ResultCache.open(folder, fingerprint(parts, version=__version__))


class Stats:
    """The stat (taken before any read) of every file of a run, by its place in the run's list:
    the run memo's proof that nothing changed. Three integers a file, not a dict of tuples.

    They go to a spill (see spill.py) as they come, after the file's number, and are put in
    order into one array only by `complete`, after the workers are done: held in an array
    from the start, they were 2.4 MB of a 100,000-page run's main process while its workers
    ran. The one byte a file that says which have come is made on the first `put`, after the
    workers fork: made before, its memory would be held twice, by the workers as it was and by
    this process once it writes it."""

    __slots__ = ("_count", "_have", "_spill")

    def __init__(self, count: int) -> None:
        self._count = count
        self._spill: Spill | None = None
        self._have = bytearray()

    def put(self, where: int, key: StatKey) -> None:
        spill = self._spill
        if spill is None:
            from medlint.spill import Spill

            spill = self._spill = Spill("medlint-stats-")
            self._have = bytearray(self._count)
        spill.append(_STAT.pack(where, *key))
        self._have[where] = 1

    def complete(self) -> array[int] | None:
        """Every file's stat, in the run's order; None when some file has none (unreadable,
        not a regular file, too large: checked again every time). Call it once: what was
        kept is let go."""
        spill = self._spill
        if spill is None or self._have.count(0):
            return None if self._count else array("q")
        # Read back a few thousand at a time, into an array made without a zeroed bytes
        # first: the whole spill and that bytes were 5 MB at 100,000 pages, at the end of the
        # run, where the main process alone reaches its largest (see bench/RESULTS.md).
        values = array("q", [0]) * (3 * self._count)
        for piece in spill.pieces(_STAT.size * 4096):
            for where, mtime, size, inode in _STAT.iter_unpack(piece):
                k = 3 * where
                values[k], values[k + 1], values[k + 2] = mtime, size, inode
        spill.close()
        return values


_STAT = struct.Struct("<Iqqq")  # a kept stat: the file's number, then its `cache.StatKey`


class _Triples(Sequence[tuple[str, str, int]]):
    """(absolute path, display, number) of the files numbered `wheres`, made when read."""

    __slots__ = ("_items", "_wheres")

    def __init__(self, items: RunItems, wheres: array[int]) -> None:
        self._items, self._wheres = items, wheres

    def __len__(self) -> int:
        return len(self._wheres)

    @overload
    def __getitem__(self, index: int) -> tuple[str, str, int]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, str, int]]: ...

    def __getitem__(
        self, index: int | slice
    ) -> tuple[str, str, int] | Sequence[tuple[str, str, int]]:
        items = self._items
        if isinstance(index, slice):
            return [(items.fspath(w), items.display(w), w) for w in self._wheres[index]]
        where = self._wheres[index]
        return items.fspath(where), items.display(where), where


def _payloads(
    items: RunItems,
    settings: Settings,
    store: ResultCache | None,
    jobs: int | None,
    stats: Stats,
) -> Iterator[tuple[int, bytes, str]]:
    """(place in `items`, payload, display) of every item: from the cache when unchanged,
    else checked now. The display path comes along because it is at hand here (a worker sends
    its back): RunItems makes a new string each time it is asked for one.

    Files are taken bucket by bucket of the cache, and a bucket is written and let go as soon
    as its last file is done, so the cache never holds more than a few buckets in memory.
    Every cacheable file's stat from before it was read ends up in `stats` (for the run memo).
    """
    from medlint import parallel
    from medlint.engine import lint_file

    jobs = jobs if jobs is not None else parallel.default_jobs()
    # Files by their number in `items`, in arrays of 32-bit numbers: a tuple per file (path,
    # display, number) for all 100,000 files of a large run was 9 MB held until its end. The
    # workers get (path, display, number) triples, made as each chunk is sent (`_Triples`).
    errors = items.errors
    for where in sorted(errors):
        item = items[where]
        payload = parallel.encode(lint_file(item, settings), (), (None,) * 4)
        yield where, payload, item.display
    if store is None:
        todo = array("I", (where for where in range(len(items)) if where not in errors))
        for checked in parallel.check_many(_Triples(items, todo), settings, jobs):
            yield checked.where, checked.payload, checked.display
        return
    # Files are checked bucket by bucket, and a bucket is written and let go after its last
    # file (`pending`): in the order found, every bucket would have files all through the run,
    # and the cache would hold every page's payload to its end (over 150 MB at 100,000 pages).
    # `owner`: each file's bucket by its number, a byte a file, so a checked page's bucket is
    # read, not hashed again from its path.
    buckets, owner = _by_bucket(items, errors)
    misses = array("I")
    pending: dict[int, int] = {}
    try:
        for index in sorted(buckets):
            if store.holds_nothing(index):
                misses.extend(buckets[index])
                pending[index] = len(buckets[index])
                continue
            for where in buckets[index]:
                fspath, display = items.fspath(where), items.display(where)
                found = store.lookup(fspath, display, index)
                if found is not None:
                    stats.put(where, found[1])
                    yield where, found[0], display
                else:
                    misses.append(where)
                    pending[index] = pending.get(index, 0) + 1
            if index not in pending:
                store.release(index)
        buckets.clear()
        for checked in parallel.check_many(_Triples(items, misses), settings, jobs):
            index = owner[checked.where]
            if checked.stat is not None:
                # The entry's row as `Entry.as_tuple` makes it, without the Entry: every page
                # of a cold run is stored (an Entry and its tuple were 5 k instructions a page).
                row = (
                    checked.display,
                    *checked.stat,
                    checked.digest,
                    checked.trusted,
                    checked.payload,
                )
                store.put_row(checked.path, row, index)
                stats.put(checked.where, checked.stat)
            pending[index] -= 1
            if not pending[index]:
                store.release(index)
            yield checked.where, checked.payload, checked.display
    finally:
        store.flush()


def _by_bucket(items: RunItems, errors: dict[int, str]) -> tuple[dict[int, array[int]], bytearray]:
    """The numbers of the run's files (folders that could not be listed left out) by the
    cache bucket each belongs to, and each file's bucket by its number."""
    from medlint.cache import BUCKETS, bucket_of

    assert BUCKETS <= 256  # a bucket fits the byte `owner` keeps of it
    buckets: dict[int, array[int]] = {}
    owner = bytearray(len(items))
    for where, fspath in enumerate(items.iter_fspaths()):
        if where in errors:
            continue
        index = owner[where] = bucket_of(fspath)
        if index not in buckets:
            buckets[index] = array("I")
        buckets[index].append(where)
    return buckets, owner


def _memo(items: RunItems, options: RunOptions, config: Config) -> Path | None:
    """Where this run's memo is, when it may have one: an offline run with the cache on, over
    readable folders (an online one also depends on what servers answer today).

    Worked out once for these items and options (a digest of every path, sorted: 8 ms at
    10,000 pages, asked for by the CLI's lookup and again by `run_check`)."""
    if options.memo_key is None or options.no_cache or not options.offline:
        return None
    if options.memo_for is not None and options.memo_for[0] is items:
        return options.memo_for[1]
    found = None
    if not items.errors:
        from medlint import runmemo

        folder = options.cache_dir or Path.cwd() / config.cache_dir
        found = runmemo.memo_path(folder, options.memo_key, items.signature())
    options.memo_for = (items, found, False)
    return found


def recall_memo(
    items: Sequence[Discovered], config: Config, options: RunOptions
) -> Recalled | None:
    """The run's memo when every file and folder it read is unchanged (findings not decoded).

    Needs no settings: the CLI calls it before building them, so a run with nothing changed
    imports no rule, reads no rule pack and parses no page.
    """
    items = run_items(items)
    memo = _memo(items, options, config)
    if memo is None:
        return None
    from medlint import runmemo

    found = runmemo.load(memo, len(items), items.iter_fspaths())
    if found is None:
        options.memo_for = (items, memo, True)
    return found


def remembered(hit: Recalled) -> RunResult:
    """The RunResult a memo stands for."""
    outcome = hit.outcome()
    return RunResult(
        findings=outcome.findings,
        files=outcome.files,
        pages=outcome.pages,
        today=outcome.today,
        rule_meta=outcome.rule_meta,
        memo=(hit.target, hit.written),
    )


def recall(items: Sequence[Discovered], config: Config, options: RunOptions) -> RunResult | None:
    """`recall_memo`, decoded."""
    hit = recall_memo(items, config, options)
    return remembered(hit) if hit is not None else None


def run_check(
    items: Sequence[Discovered], settings: Settings, config: Config, options: RunOptions
) -> RunResult:
    items = run_items(items)
    remote = not options.offline
    memo = _memo(items, options, config)
    missed = options.memo_for is not None and options.memo_for[2]
    if missed:  # the CLI looked it up just now; a later run with these options looks again
        options.memo_for = (items, memo, False)
    elif memo is not None:
        known = recall(items, config, options)
        if known is not None:
            return known
    store = None if options.no_cache else _open_cache(settings, config, options)
    if store is not None:
        store.create()
    # Imported only when pages are really checked or decoded: not on a run memo hit.
    from medlint.engine import finalize
    from medlint.findstore import FindingStore
    from medlint.linkphase import LinkPhase
    from medlint.outcome import decode
    from medlint.runmemo import LazyPages, Outcome, RowPacker

    out = RunResult(findings=[], files=len(items))
    pages = RowPacker(len(items))
    found = FindingStore(len(items))
    waiting: dict[int, int] = {}  # id of a result the link phase kept -> its page
    # Pages are judged and finalized as they arrive, in whatever order workers finish them;
    # everything is sorted at the end, so the output does not depend on that order.
    # The link phase is made when the first page arrives: making it walks every page of the
    # run (RunLinks: 30 ms at 10,000 pages), which done before the workers fork kept the
    # second core idle; once they are busy, this process would only be waiting for them.
    phase: LinkPhase | None = None
    total = len(items)
    stats = Stats(len(items))
    payloads = _payloads(items, settings, store, options.jobs, stats)
    for arrived, (where, payload, display) in enumerate(payloads, 1):
        if phase is None:
            phase = LinkPhase(items, settings, config, options, out)
        result, info, anchors = decode(display, payload, remote)
        pages.put(where, info)
        if not phase.add(result, anchors, where):
            waiting[id(result)] = where
        elif result.findings or result.suppressions:
            found.put(where, finalize(result, settings))
        if options.progress is not None:
            options.progress(arrived, total)
    if phase is None:  # a run without files
        phase = LinkPhase(items, settings, config, options, out)
    for result in phase.finish():
        if result.findings or result.suppressions:
            found.put(waiting[id(result)], finalize(result, settings))
    del waiting
    # By path, as displayed: paths are unique.
    order = sorted(range(total), key=items.display)
    out.pages = facts = LazyPages(pages.rows(order))
    out.findings = found.ordered(order)
    del order, found
    if memo is not None and store is not None:
        outcome = Outcome(out.findings, facts, out.files, settings.ctx.today, rule_meta())
        written = _remember(memo, stats, phase.observed, outcome)
        out.memo = (memo, written) if written is not None else None
    return out


def _remember(memo: Path, stats: Stats, observed: Observed, outcome: Outcome) -> int | None:
    """Write the run memo when every file's outcome came with a stat (was cacheable); its
    write time when written. The memo is named for the run's files (see runmemo.memo_path)
    and keeps their stats in the run's order: nothing is made per file here."""
    import time

    from medlint import runmemo

    keys = stats.complete()
    if keys is None:
        return None
    now = time.time_ns()
    return now if runmemo.store(memo, keys, observed, outcome, now) else None


def rule_meta() -> dict[str, tuple[str, str, str, str]]:
    """(code, summary, fix availability, default severity) of every rule, for reports."""
    from medlint.registry import all_rules

    return {
        name: (cls.code, cls.summary, cls.fix, cls.severity.label)
        for name, cls in all_rules().items()
    }


def make_report(run: RunResult, settings: Settings | None, *, statistics: bool) -> Report:
    """The report of a run; `settings` may be None for a run answered from the memo."""
    from medlint.reporters.base import Report

    if settings is None:
        assert run.today is not None and run.rule_meta is not None
        today, meta = run.today, run.rule_meta
    else:
        today, meta = settings.ctx.today, rule_meta()
    return Report(
        findings=run.findings,
        files=run.files,
        version=__version__,
        today=today,
        statistics=statistics,
        unchecked_links=run.unchecked_links,
        unchecked_reason=run.unchecked_reason,
        pages=run.pages,
        rule_meta=meta,
    )
