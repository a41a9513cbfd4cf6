"""Checking many files: each file to a compact outcome, in this process or in worker processes.

A worker reads one file, runs every document-scope rule on it and sends back only what the rest
of the run needs (the findings, the links, anchors and `url` for the link phase, the inline
suppressions, where lines start for spans, and the page facts reports show), encoded as one
`bytes` payload. The Document and the text are dropped at once, so memory does not grow with
the corpus; the same payload is what the result cache stores, so a page answered from the cache
and a page checked now go through the same decoding and give the same output.

Small runs (the pre-commit hook's few files) stay in this process: a pool costs tens of
milliseconds to start. Large runs fork one worker per core (on Linux: the workers inherit the
settings, compiled patterns included, without pickling or re-importing anything); where fork is
not available the settings are pickled to spawned workers. Output never depends on how the work
was spread: the runner sorts everything it gets back.
"""

from __future__ import annotations

import gc
import marshal
import os
import sys
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from medlint import cache, wire
from medlint.checks.relative_link import SCHEME
from medlint.discovery import Discovered
from medlint.engine import FileResult, Settings, document_from_bytes, lint_document, lint_file
from medlint.findings import Finding

PARALLEL_THRESHOLD = 200  # fewer files than this are checked in-process
MAX_CHUNK = 64
T = TypeVar("T")
R = TypeVar("R")

# One payload: (findings, disk links, network links, anchors, url, suppressions, line starts,
# page facts), where findings are `wire` rows and suppressions pickled bytes (None when none),
# links are (kind, target, start, end, exact) tuples of the links the link phase may judge (see
# link_need), line starts an array("I") as bytes (only with links, for their spans), and page
# facts (title, source, lastReviewed ordinal, due ordinal).
Payload = bytes


@dataclass(frozen=True, slots=True)
class Checked:
    """One checked file: its cache key parts (None when the outcome must not be cached)."""

    path: str  # absolute
    display: str
    stat: cache.StatKey | None
    digest: bytes
    trusted: bool
    payload: Payload

    def __reduce__(self) -> tuple[type[Checked], tuple[object, ...]]:
        # Sent back from every worker for every page: rebuilt through the constructor, not
        # the generic dataclass __setstate__, which looks the fields up again for each object.
        return (
            Checked,
            (self.path, self.display, self.stat, self.digest, self.trusted, self.payload),
        )


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


DISK, NETWORK = 1, 2


def link_need(target: str) -> int:
    """What the run-wide link phase needs of a link: 0 nothing, DISK or NETWORK.

    A fragment-only or protocol-relative link is judged by the page's own rules; a link with a
    scheme (`https:`, `mailto:`) needs the network, so an offline run does not carry it; any
    other link is a path that needs the disk. Decided here, in the worker, once per link.
    """
    target = target.strip()
    if not target or target[0] == "#" or target.startswith("//"):
        return 0
    return NETWORK if SCHEME.match(target) is not None else DISK


def encode(result: FileResult, doc_lines: Sequence[int], page: tuple[object, ...]) -> Payload:
    findings = wire.to_rows(result.findings) if result.findings else None
    sups = cache.dumps_objects(tuple(result.suppressions)) if result.suppressions else None
    disk: list[tuple[str, str, int, int, bool]] = []
    network: list[tuple[str, str, int, int, bool]] = []
    for ln in result.links:
        need = link_need(ln.target)
        if need:
            (disk if need == DISK else network).append(
                (ln.kind, ln.target, ln.start, ln.end, ln.exact)
            )
    starts = array("I", doc_lines).tobytes() if disk or network else b""
    anchors = tuple(sorted(result.anchors))
    record = (findings, tuple(disk), tuple(network), anchors, result.url, sups, starts, page)
    return marshal.dumps(cast(Any, record))  # plain tuples, str, int, bytes and None only


def _page_facts(meta: dict[str, object]) -> tuple[object, ...]:
    from medlint.checks.stale_review import review_dates_of

    last, due = review_dates_of(meta)
    title = meta.get("title")
    source = meta.get("source")
    return (
        title if isinstance(title, str) else None,
        source if isinstance(source, str) else None,
        last.toordinal() if last is not None else None,
        due.toordinal() if due is not None else None,
    )


_NO_PAGE: tuple[object, ...] = (None, None, None, None)


def check_one(path: str, display: str, settings: Settings) -> Checked:
    """Check one file. Anything unusual (not a regular file, too large, unreadable) goes
    through `lint_file`, which words the finding; such outcomes are not cached."""
    try:
        st = os.stat(path)
        if not _is_regular(st) or st.st_size > settings.max_file_size:
            raise OSError
        now = time.time_ns()
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        result = lint_file(Discovered(Path(path), display), settings)
        return Checked(path, display, None, b"", False, encode(result, (), _NO_PAGE))
    key = cache.stat_key(st)
    doc = document_from_bytes(display, raw)
    if isinstance(doc, Finding):  # not UTF-8: a property of the bytes, so cacheable
        result = FileResult(display, findings=[doc])
        payload = encode(result, (), _NO_PAGE)
    else:
        result = lint_document(doc, settings)
        payload = encode(result, doc.lines.starts if result.links else (), _page_facts(doc.meta))
    return Checked(path, display, key, cache.digest(raw), cache.is_trusted(st, now), payload)


def _is_regular(st: os.stat_result) -> bool:
    import stat as stat_mod

    return stat_mod.S_ISREG(st.st_mode)


# What a worker runs: inherited through fork, or set by `_init` in a spawned worker.
_SETTINGS: Settings | None = None
_FUNC: Callable[[Any, Settings], Any] | None = None


def _init(func: Callable[[Any, Settings], Any], settings: Settings) -> None:
    global _FUNC, _SETTINGS
    _FUNC, _SETTINGS = func, settings


def _run_chunk(chunk: list[Any]) -> list[Any]:
    func, settings = _FUNC, _SETTINGS
    assert func is not None and settings is not None
    return [func(item, settings) for item in chunk]


def map_unordered(
    func: Callable[[T, Settings], R], items: Sequence[T], settings: Settings, jobs: int
) -> Iterator[R]:
    """`func(item, settings)` for every item, as they finish (in no particular order).

    In this process for fewer than PARALLEL_THRESHOLD items or `jobs` 1; otherwise in worker
    processes, fed chunks of items. `func` must be a module-level function (a spawned worker
    imports it by name) and its results picklable. The fixer can drive its files through this
    too.
    """
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        for item in items:
            yield func(item, settings)
        return
    from medlint.engine import prepare

    prepare(settings)  # costly set-up once, inherited by forked workers
    workers = min(jobs, max(1, len(items) // (PARALLEL_THRESHOLD // 4)))
    size = max(1, min(MAX_CHUNK, len(items) // (workers * 8)))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    import multiprocessing  # only here: the in-process path (pre-commit) never pays for it

    global _FUNC, _SETTINGS
    context: multiprocessing.context.BaseContext
    if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin":
        context = multiprocessing.get_context("fork")
        _FUNC, _SETTINGS = func, settings
        # Objects the parent already has are frozen out of the collector, so the workers'
        # collections do not write to (and so copy) the memory they share with the parent.
        gc.freeze()
        try:
            pool = context.Pool(workers)
        finally:
            gc.unfreeze()
            _FUNC, _SETTINGS = None, None
    else:
        context = multiprocessing.get_context("spawn")
        pool = context.Pool(workers, initializer=_init, initargs=(func, settings))
    with pool:
        for done in pool.imap_unordered(_run_chunk, chunks):
            yield from done
        pool.close()
        pool.join()


def _check_pair(pair: tuple[str, str], settings: Settings) -> Checked:
    return check_one(pair[0], pair[1], settings)


def check_many(
    items: Sequence[tuple[str, str]], settings: Settings, jobs: int
) -> Iterator[Checked]:
    """Check (absolute path, display) pairs; yields as files finish, in no particular order."""
    return map_unordered(_check_pair, items, settings, jobs)
