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

import contextlib
import gc
import marshal
import os
import struct
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
from medlint.findings import Finding, fast_init

PARALLEL_THRESHOLD = 200  # fewer files than this are checked in-process
MAX_CHUNK = 64
T = TypeVar("T")
R = TypeVar("R")

# One payload: (findings, disk links, network links, anchors, url, suppressions, line starts,
# page facts), where findings are `wire` rows and suppressions pickled bytes (None when none),
# links are (kind, target, start, end, exact) tuples of the links the link phase may judge (see
# link_need), the network ones marshalled apart (b"" when none): an offline run's main process,
# which judges none of them, loaded them with every payload (8,878 links in 2,000 pages, a third
# of the payloads' bytes: 11 M instructions), line starts an array("I") as bytes (only with
# links, for their spans), and page facts (title, source, lastReviewed ordinal, due ordinal).
Payload = bytes


# fast_init: the main process rebuilds one for every page a worker sends back (see
# `__reduce__`), and a frozen dataclass's own `__init__` sets each field through
# `object.__setattr__`.
@fast_init
@dataclass(frozen=True, slots=True)
class Checked:
    """One checked file: its cache key parts (None when the outcome must not be cached).

    `where` is the caller's own number for the file (see `check_many`), so the caller can go
    on using the path and display strings it already holds rather than the copies a worker
    sends back (a large run keeps something of every file until its end).
    """

    path: str  # absolute
    display: str
    stat: cache.StatKey | None
    digest: bytes
    trusted: bool
    payload: Payload
    where: int = -1

    def __reduce__(self) -> tuple[type[Checked], tuple[object, ...]]:
        # Sent back from every worker for every page: rebuilt through the constructor, not
        # the generic dataclass __setstate__, which looks the fields up again for each object.
        return (
            Checked,
            (
                self.path,
                self.display,
                self.stat,
                self.digest,
                self.trusted,
                self.payload,
                self.where,
            ),
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
    remote = marshal.dumps(tuple(network)) if network else b""
    record = (findings, tuple(disk), remote, anchors, result.url, sups, starts, page)
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


def check_one(path: str, display: str, settings: Settings, where: int = -1) -> Checked:
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
        return Checked(path, display, None, b"", False, encode(result, (), _NO_PAGE), where)
    key = cache.stat_key(st)
    doc = document_from_bytes(display, raw)
    if isinstance(doc, Finding):  # not UTF-8: a property of the bytes, so cacheable
        result = FileResult(display, findings=[doc])
        payload = encode(result, (), _NO_PAGE)
    else:
        result = lint_document(doc, settings)
        payload = encode(result, doc.lines.starts if result.links else (), _page_facts(doc.meta))
    return Checked(path, display, key, cache.digest(raw), cache.is_trusted(st, now), payload, where)


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
    if _fork_available():
        yield from _forked(func, items, settings, workers, size)
        return
    import multiprocessing  # only for spawn

    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init, initargs=(func, settings)) as pool:
        for done in pool.imap_unordered(_run_chunk, chunks):
            yield from done
        pool.close()
        pool.join()


class WorkerFailed(RuntimeError):
    """A worker process raised, or died, while checking its share of the files."""


_HEADER = struct.Struct("<BQ")  # message kind (b"R" results, b"E" error), length of the body
_TASK = struct.Struct("<I")  # the length of a pickled chunk; the pipe closing means no more


def _fork_available() -> bool:
    """Whether workers are forked: where multiprocessing offers fork, but not on macOS (where
    forking a process that has used system frameworks can crash it). Asked of `os`, not of
    multiprocessing, whose import costs a large run 7 ms before its workers start."""
    return hasattr(os, "fork") and sys.platform != "darwin"


def _forked(
    func: Callable[[T, Settings], R],
    items: Sequence[T],
    settings: Settings,
    workers: int,
    size: int,
) -> Iterator[R]:
    """`map_unordered` over forked workers that talk to this process through plain pipes.

    multiprocessing.Pool cost the main process about a tenth of its CPU in a 10,000-page run:
    its worker-handler thread wakes on every result that arrives (the result queue is among the
    things it waits on) and rebuilds a selector each time, and a second thread unpickles results
    while a third pickles tasks, all contending for the interpreter lock with the link phase.
    Here the workers inherit the settings through fork and are sent each chunk's items,
    pickled, through a pipe of their own; each sends back one pickled list per chunk, read in
    this thread as it arrives. Not chunk numbers into an inherited `items`: a worker that reads
    an inherited object writes its reference count, and so copies the memory page it lies on;
    over a run the workers copied every page of the run's paths (private memory at 100,000
    pages: 46 MB a worker then, 19 MB now). Each worker holds two chunks at a time, so it never
    waits for the next one.
    A worker that raises sends the error back, one that dies is noticed at its pipe's end;
    either stops the run with WorkerFailed instead of leaving it waiting.
    """
    import pickle
    import selectors
    import signal

    bounds = _shrinking_chunks(len(items), size, workers)
    next_chunk = 0
    # Objects the parent already has are frozen out of the collector, so the workers'
    # collections do not write to (and so copy) the memory they share with the parent.
    gc.freeze()
    sys.stdout.flush()
    sys.stderr.flush()
    children: dict[int, tuple[int, int]] = {}  # result fd -> (pid, task fd)
    try:
        for _ in range(workers):
            task_r, task_w = os.pipe()
            result_r, result_w = os.pipe()
            _widen(result_w)
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the caller's code
                status = 1
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
                    os.close(task_w)
                    os.close(result_r)
                    for fd, (_, other_task) in children.items():
                        os.close(fd)
                        os.close(other_task)
                    _serve(func, settings, task_r, result_w)
                    status = 0
                finally:
                    os._exit(status)
            os.close(task_r)
            os.close(result_w)
            children[result_r] = (pid, task_w)
    finally:
        gc.unfreeze()
    pending: dict[int, int] = dict.fromkeys(children, 0)  # chunks sent and not answered
    buffers: dict[int, bytearray] = {fd: bytearray() for fd in children}
    # Chunks not yet taken by a worker's task pipe, by its result fd. Task pipes do not block:
    # this process blocked in a write to a worker that is itself blocked writing answers this
    # process is not reading would wait forever (a chunk of long paths can outgrow a pipe).
    outgoing: dict[int, bytearray] = {fd: bytearray() for fd in children}
    writers: dict[int, int] = {}  # task fd waiting to be writable -> its result fd
    reading = len(children)  # result pipes still open
    selector = selectors.DefaultSelector()
    answered = 0

    def flush(fd: int) -> None:
        pid, task = children[fd]
        data = outgoing[fd]
        if task < 0:
            return
        if data:
            try:
                del data[: os.write(task, data)]
            except BlockingIOError:
                pass
            except BrokenPipeError:  # the worker has ended: its result pipe tells why
                data.clear()
        if data and task not in writers:
            writers[task] = fd
            selector.register(task, selectors.EVENT_WRITE)
        elif not data and task in writers:
            del writers[task]
            selector.unregister(task)
        if not data and next_chunk >= len(bounds):
            os.close(task)  # no more chunks: the worker ends when it has answered its own
            children[fd] = (pid, -1)

    def feed(fd: int) -> None:
        nonlocal next_chunk
        while pending[fd] < 2 and next_chunk < len(bounds):
            start, end = bounds[next_chunk]
            chunk = pickle.dumps(list(items[start:end]), pickle.HIGHEST_PROTOCOL)
            outgoing[fd] += _TASK.pack(len(chunk))
            outgoing[fd] += chunk
            next_chunk += 1
            pending[fd] += 1
        flush(fd)

    try:
        for fd, (_, task) in children.items():
            os.set_blocking(task, False)
            selector.register(fd, selectors.EVENT_READ)
            feed(fd)
        while answered < len(bounds):
            for key, _ in selector.select():
                fd = key.fd
                if fd in writers:
                    flush(writers[fd])
                    continue
                data = os.read(fd, 1 << 20)
                buffer = buffers[fd]
                if not data:
                    selector.unregister(fd)
                    reading -= 1
                    if pending[fd]:
                        pid = children[fd][0]
                        raise WorkerFailed(f"a worker process (pid {pid}) ended unexpectedly")
                    if not reading and answered < len(bounds):
                        raise WorkerFailed("the worker processes ended with files unchecked")
                    continue
                buffer += data
                while len(buffer) >= _HEADER.size:
                    kind, length = _HEADER.unpack_from(buffer)
                    end = _HEADER.size + length
                    if len(buffer) < end:
                        break
                    body = bytes(buffer[_HEADER.size : end])
                    del buffer[:end]
                    if kind == ord("E"):
                        raise WorkerFailed(body.decode("utf-8", "replace"))
                    pending[fd] -= 1
                    answered += 1
                    feed(fd)
                    yield from pickle.loads(body)
    finally:
        selector.close()
        for fd, (_, task) in children.items():
            os.close(fd)
            if task >= 0:
                os.close(task)
        for pid, _ in children.values():
            if answered < len(bounds):  # stopped early (an error, or the caller let go)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)


def _widen(fd: int) -> None:
    """Let a result pipe hold a few chunks' answers (1 MB rather than Linux's 64 KB).

    A chunk of 64 pages answers with about 100 KB. With the default size a worker blocked in
    its write until this process had read the whole answer, and this process reads only between
    the pages it is taking in: each worker sat idle for a few milliseconds a chunk. Where the
    size cannot be set (not Linux, or a lower limit) the pipe stays as it is.
    """
    import fcntl

    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setting is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setting, 1 << 20)


def _shrinking_chunks(count: int, size: int, workers: int) -> list[tuple[int, int]]:
    """[start, end) of each chunk: `size` items, then smaller towards the end.

    Each worker holds two chunks; with equal chunks of 64 pages, one worker could still have
    two to go when the other ran out, leaving a core idle for a tenth of a second at the end
    of a run. Chunks shrink to about a sixth of what each worker has left, down to 2 items,
    so the workers finish together.
    """
    bounds = []
    start = 0
    while start < count:
        step = max(2, min(size, (count - start) // (workers * 6)))
        bounds.append((start, min(start + step, count)))
        start += step
    return bounds


def _serve(
    func: Callable[[Any, Settings], Any], settings: Settings, tasks: int, results: int
) -> None:
    """A forked worker's loop: answer each chunk read from `tasks` until it closes."""
    import pickle  # already loaded by the parent that forked this worker

    with os.fdopen(tasks, "rb") as incoming:
        while (raw := incoming.read(_TASK.size)) and len(raw) == _TASK.size:
            (length,) = _TASK.unpack(raw)
            chunk = incoming.read(length)
            if len(chunk) != length:
                return  # the parent has gone
            try:
                body = pickle.dumps([func(item, settings) for item in pickle.loads(chunk)])
                kind = b"R"
            except BaseException:  # anything: the parent must hear of it, not wait forever
                import traceback

                body = traceback.format_exc().encode("utf-8", "replace")
                kind = b"E"
            _write_all(results, _HEADER.pack(kind[0], len(body)) + body)
            if kind == b"E":
                return


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _check_pair(pair: tuple[Any, ...], settings: Settings) -> Checked:
    """(path, display) or (path, display, number): see `check_many`."""
    return check_one(pair[0], pair[1], settings, pair[2] if len(pair) == 3 else -1)


def check_many(
    items: Sequence[tuple[str, str]] | Sequence[tuple[str, str, int]],
    settings: Settings,
    jobs: int,
) -> Iterator[Checked]:
    """Check (absolute path, display) pairs, or (path, display, number) triples whose number
    comes back as `Checked.where`; yields as files finish, in no particular order."""
    return map_unordered(_check_pair, items, settings, jobs)
