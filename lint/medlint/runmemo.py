"""The run memo: an offline run's whole outcome, reused while nothing it looked at has changed.

The result cache (cache.py) answers page by page, so a warm run over 10,000 pages still had to
look up and decode every page and then redo the run-wide link phase, which resolves each
relative link against the disk: seconds, where the issue asks for a tenth of that. The memo
keeps the final outcome of a run (its findings after suppressions, its page facts) beside
everything that outcome was worked out from and that can change while the settings do not:

- every checked file, by (mtime, size, inode): the same proof of "same bytes" the result cache
  uses;
- every folder whose listing the link phase read, by a digest of its entries' names and kinds
  (file or folder): "this link's file exists (or not)" stands while they do. Not by mtime: the
  first run creates `.medlint_cache` in the very folder root-relative links resolve against,
  and a folder's mtime says nothing about an entry replaced by a folder of the same name;
- every existence probe the link phase made outside those listings (a `.git` looked for above a
  page), with its answer, probed again;
- every page read outside the run for its anchors, by stat.

It lives in `.medlint_cache/runs/`, named by a digest of what the run's settings are made from
(`run_key`: config, command line, date, rule packs, medlint itself) and of the run's files, so
a run answered from it never builds its settings, and each set of paths (the whole corpus, one
section, a pre-commit set) has its own. It is written only when every file's stat in it is
older than the racy window (`cache.RACY_NS`) and only for runs that need nothing else (offline,
every folder of the run readable, every page cacheable), so an equal stat proves what it proves
for the result cache.
Like the buckets, a memo file carries a checksum and is replaced atomically; anything unexpected
in it makes it a miss, never an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast, overload

from medlint import cache
from medlint.spill import Spill, numbered

if TYPE_CHECKING:  # not imported by a run that prints the output it kept (see `shown`)
    from medlint.findings import Finding
    from medlint.reporters.base import PageInfo

KEEP = 8  # memo files kept per fingerprint: the corpus, a few sections, the last pre-commit sets
# The record's layout (see `store`); 4: findings packed (findstore); 5: files named by the
# memo's file name and kept in discovery order, not as lists of paths; 6: the stats and the
# packed records written raw, parts of their own (see `store`).
MEMO_FORMAT = 6


@dataclass(slots=True)
class Observed:
    """What the link phase read from the disk besides the run's own files."""

    # folder -> (its mtime before it was listed, digest of the listing); None: unlistable
    folders: dict[str, tuple[int, bytes] | None] = field(default_factory=dict)
    probes: dict[str, bool] = field(default_factory=dict)  # path -> whether it existed
    pages: dict[str, cache.StatKey | None] = field(default_factory=dict)  # page read for anchors


@dataclass(slots=True)
class Outcome:
    findings: Sequence[Finding]  # in order; a findstore.PackedFindings for a large run
    pages: LazyPages
    files: int
    today: dt.date  # the date the run judged review currency against
    rule_meta: dict[str, tuple[str, str, str, str]]  # what reports say of each rule


# A page's facts as a run keeps them: (path, title, source, last reviewed, review due), the
# dates as ordinals.
PageRow = tuple[str, str | None, str | None, int | None, int | None]


class PackedRows(Sequence[PageRow]):
    """Page rows marshalled end to end in one buffer, in path order.

    A run holds a row for every page until its report: as a tuple with its strings and
    numbers that was about 0.33 KB a page, the most a run of 100,000 pages held per page;
    marshalled, about 0.15 KB. A row is decoded when a report or the memo reads it.
    """

    __slots__ = ("_blob", "_ends", "_starts")

    def __init__(self, blob: bytes | bytearray, starts: array[int], ends: array[int]) -> None:
        """Row i is `blob[starts[i]:ends[i]]`, marshalled."""
        self._blob, self._starts, self._ends = memoryview(blob), starts, ends

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> PageRow: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[PageRow]: ...

    def __getitem__(self, index: int | slice) -> PageRow | Sequence[PageRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return cast(PageRow, marshal.loads(self._blob[self._starts[index] : self._ends[index]]))

    def __iter__(self) -> Iterator[PageRow]:
        blob, loads = self._blob, marshal.loads
        for start, end in zip(self._starts, self._ends, strict=True):
            yield loads(blob[start:end])

    def packed(self) -> tuple[memoryview, array[int], array[int]]:
        """What the memo stores (see `unpacked`): the records and their bounds, as they are
        (marshal writes an array as its bytes)."""
        return self._blob, self._starts, self._ends

    @classmethod
    def unpacked(cls, parts: object) -> PackedRows:
        blob, starts, ends = cast(tuple[bytes, bytes, bytes], parts)
        first, last = array("q"), array("q")
        first.frombytes(starts)
        last.frombytes(ends)
        if len(first) != len(last):
            raise ValueError("damaged page rows")
        return cls(blob, first, last)


class RowPacker:
    """Collects a run's page rows as they arrive, in any order, into `PackedRows`.

    Each row goes marshalled, after its page number and length, to a spill (see spill.py): a
    run of 100,000 pages held 10 MB of rows and their offsets in its main process while the
    workers ran, its peak. No per-page array is made until `rows`, after the workers are done,
    which finds each row's place in one pass over what was kept.
    """

    __slots__ = ("_count", "_spill")

    def __init__(self, count: int) -> None:
        self._count = count
        self._spill = Spill("medlint-rows-")

    def put(self, where: int, row: PageRow) -> None:
        """The row of the run's file number `where`."""
        self._spill.append_numbered(where, marshal.dumps(row))

    def rows(self, order: Sequence[int]) -> PackedRows:
        """The rows, file numbers taken in `order`; what was kept is let go (call it once)."""
        blob = self._spill.whole()
        self._spill.close()
        starts = array("q", bytes(8 * self._count))
        ends = array("q", bytes(8 * self._count))
        for where, start, end in numbered(blob):
            starts[where], ends[where] = start, end
        return PackedRows(
            blob, array("q", [starts[w] for w in order]), array("q", [ends[w] for w in order])
        )


class LazyPages(Sequence["PageInfo"]):
    """Page facts as rows, made into PageInfo objects only if a report reads them (the HTML
    and Markdown reports do; the text report, the pre-commit and CI default, does not). A run
    keeps its pages this way, and its memo stores the rows as they are.

    Going through them makes each PageInfo as it is reached and keeps none (the Markdown
    summary's one pass over 100,000 pages held them all: 20 MB); asking for one by its place
    makes them all, once, for the report that reads them out of order."""

    def __init__(self, rows: PackedRows) -> None:
        self._rows = rows
        self._pages: list[PageInfo] | None = None

    def _made(self) -> Iterator[PageInfo]:
        from medlint.reporters.base import PageInfo

        for path, title, source, last, due in self._rows:
            yield PageInfo(
                path,
                title=title,
                source=source,
                last_reviewed=dt.date.fromordinal(last) if last is not None else None,
                review_due=dt.date.fromordinal(due) if due is not None else None,
            )

    def _built(self) -> list[PageInfo]:
        if self._pages is None:
            self._pages = list(self._made())
        return self._pages

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> PackedRows:
        return self._rows

    @overload
    def __getitem__(self, index: int) -> PageInfo: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[PageInfo]: ...

    def __getitem__(self, index: int | slice) -> PageInfo | Sequence[PageInfo]:
        return self._built()[index]

    def __iter__(self) -> Iterator[PageInfo]:
        return iter(self._pages) if self._pages is not None else self._made()


def run_key(inputs: object) -> str:
    """A digest of everything a run's settings are made from, without making them.

    The result cache keys on the settings themselves (rules, their options, the packs'
    content, the date), which means importing every rule and reading every pack: a tenth of
    a second, most of what a run answered from the memo would cost. Settings are a function of
    their inputs (the config as read, the command-line selection, the date's sources, the rule
    pack files, medlint's own files), so a digest of those inputs names them as surely.
    `cache.fingerprint` adds medlint's version and source files and the parsers' versions;
    here the shipped rule packs' files are added too.
    """
    from importlib.util import find_spec

    from medlint import __version__

    packs: list[object] = []
    spec = find_spec("medlint.rules")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name.endswith(".yaml"):
                st = os.stat(os.path.join(folder, name))
                packs.append((name, st.st_size, st.st_mtime_ns))
    return cache.fingerprint(("run-memo", inputs, packs), version=__version__)


def memo_path(cache_dir: Path, key: str, files: bytes) -> Path:
    """One memo file per (settings, list of files): the corpus, a section, a pre-commit set.

    `files`: a digest of the run's (absolute path, display) pairs in discovery order
    (RunItems.signature). The memo's name is thus its proof that the files are the same ones,
    and the memo keeps no list of paths: writing one at the end of a 100,000-page run was the
    main process's last peak of memory, and reading and sorting it a tenth of a warm run.
    """
    text = key + "\x00" + files.hex()
    return cache_dir / "runs" / f"{cache.digest(text.encode('utf-8', 'surrogatepass')).hex()}.bin"


def _stat(path: str) -> cache.StatKey | None:
    try:
        return cache.stat_key(os.stat(path))
    except OSError:
        return None


def listing(folder: str) -> tuple[frozenset[str], frozenset[str], int, bytes] | None:
    """A folder's entry names, the names of its folders, its mtime (taken before listing it)
    and a digest of (name, is a folder) for each entry; None when it cannot be listed.

    `is_dir` follows symbolic links, as `os.path.isdir` does, and on Linux comes from the
    listing itself: the link phase learns which entries are folders without a stat each."""
    pairs: list[tuple[str, bool]] = []
    try:
        mtime = os.stat(folder).st_mtime_ns
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:  # as isdir: what cannot be looked at is not a folder
                    is_dir = False
                pairs.append((entry.name, is_dir))
    except OSError:
        return None
    pairs.sort()
    flat = "\x00".join(f"{name}/" if is_dir else name for name, is_dir in pairs)
    digest = cache.digest(flat.encode("utf-8", "surrogatepass"))
    names = frozenset(name for name, _ in pairs)
    return names, frozenset(name for name, is_dir in pairs if is_dir), mtime, digest


def _same_listing(folder: str, seen: tuple[int, bytes] | None, trusted_before: int) -> bool:
    """Whether `folder` lists as it did. An unchanged mtime proves it, as for files, when it
    was old enough when stored (adding, removing or renaming an entry sets a folder's mtime);
    otherwise the listing is read again and compared."""
    if seen is None:
        return listing(folder) is None
    mtime, digest = seen
    if mtime < trusted_before:
        try:
            if os.stat(folder).st_mtime_ns == mtime:
                return True
        except OSError:
            return False
    found = listing(folder)
    return found is not None and found[3] == digest


class Recalled:
    """A memo that still holds: the run's outcome, decoded only as far as the caller reads it.

    The findings and page facts are stored as blobs of their own inside the memo, so checking
    that a memo holds reads neither; a run whose rendered output is remembered too (`shown`)
    decodes no finding at all.
    """

    __slots__ = ("_findings", "_pages", "files", "rule_meta", "target", "today", "written")

    def __init__(
        self,
        target: Path,
        written: int,
        files: int,
        today: dt.date,
        rule_meta: dict[str, tuple[str, str, str, str]],
        findings: list[memoryview],
        pages: list[memoryview],
    ) -> None:
        """`findings`: the memo's parts of them (tables, records, starts, ends); `pages`: of the
        page rows (records, starts, ends). All but the tables are raw (see `store`)."""
        self.target, self.written, self.files = target, written, files
        self.today, self.rule_meta = today, rule_meta
        self._findings, self._pages = findings, pages

    def outcome(self) -> Outcome:
        from medlint.findstore import PackedFindings

        tables, *records = self._findings
        kinds, strings = marshal.loads(tables)
        return Outcome(
            findings=PackedFindings.unpacked((kinds, strings, *(bytes(r) for r in records))),
            pages=LazyPages(PackedRows.unpacked(tuple(bytes(r) for r in self._pages))),
            files=self.files,
            today=self.today,
            rule_meta=self.rule_meta,
        )


def _stats(paths: Iterable[str]) -> bytes:
    """(mtime, size, inode) of every path, packed: compared as one value, not 10,000 tuples.
    Gathered straight into an array: a list of them was 300,000 int objects (11 MB) for a
    100,000-page run."""
    stat = os.stat
    numbers = array("q")
    add = numbers.extend
    for path in paths:
        st = stat(path)
        add((st.st_mtime_ns, st.st_size, st.st_ino))
    return numbers.tobytes()


def load(target: Path, count: int, paths: Iterable[str]) -> Recalled | None:
    """The memo when every file and observation still holds; None otherwise.

    `paths` are the run's `count` absolute paths in discovery order, the list `target` is
    named for (see `memo_path`), read only once the memo is found: as a list they were 10 MB
    of a 100,000-page run, made before its workers fork even when there was no memo, and
    memory freed just before a fork costs twice (the workers inherit it; see
    discovery._walk). Parts are loaded in the order a change is most likely found in; the
    findings and page facts not at all.
    """
    parts = cache.read_parts(target)
    if parts is None or len(parts) != _PARTS:
        return None
    try:
        form, stored, written, (today, meta) = marshal.loads(parts[0])
        if form != MEMO_FORMAT:
            return None
        trusted_before = written - cache.RACY_NS
        if stored != count or _stats(paths) != parts[1]:
            return None
        for folder, seen in marshal.loads(parts[2]):
            if not _same_listing(folder, seen, trusted_before):
                return None
        for path, existed in marshal.loads(parts[3]):
            if os.path.exists(path) != existed:
                return None
        for path, key in marshal.loads(parts[4]):
            if _stat(path) != (tuple(key) if key is not None else None):
                return None
        return Recalled(
            target, written, stored, dt.date.fromordinal(today), dict(meta), parts[5:9], parts[9:]
        )
    except (EOFError, ValueError, TypeError, KeyError, OSError):
        return None  # a damaged part, a memo of another shape, a file gone


_PARTS = 12  # the header, stats, three kinds of observations, findings (4), page rows (3)


def store(
    target: Path,
    stats: array[int],
    observed: Observed,
    outcome: Outcome,
    now_ns: int,
) -> bool:
    """Write the memo when every stat in it is old enough to be trusted; else leave none.

    `target` is named for the run's files (see `memo_path`); `stats` is each one's stat
    before it was read, in discovery order, three numbers a file (see `cache.StatKey`).
    Returns whether it was written; `now_ns` then names this memo (see `remember_shown`).
    The parts are made and written one at a time: a run of 100,000 pages never holds the
    whole memo in memory.
    """
    window = now_ns - cache.RACY_NS
    if any(stats[k] > window for k in range(0, len(stats), 3)):
        return False
    if any(key is not None and key[0] > window for key in observed.pages.values()):
        return False

    def parts() -> Iterator[object]:
        from medlint import findstore

        meta = (outcome.today.toordinal(), tuple(sorted(outcome.rule_meta.items())))
        yield (MEMO_FORMAT, outcome.files, now_ns, meta)
        yield cache.Raw(stats)  # compared as they are with `_stats` of the files then
        yield tuple(sorted(observed.folders.items()))
        yield tuple(sorted(observed.probes.items()))
        yield tuple(sorted(observed.pages.items()))
        # The store's records as they are (a run that held its findings as objects, at most
        # findstore.KEEP of them, has them packed now): never a row per finding at once. The
        # records and their offsets are written raw: marshalled, each was copied whole.
        kinds, strings, blob, starts, ends = findstore.pack(outcome.findings).packed()
        yield (kinds, strings)
        yield from (cache.Raw(blob), cache.Raw(starts), cache.Raw(ends))
        del blob, starts, ends
        yield from (cache.Raw(data) for data in outcome.pages.rows.packed())

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        cache.write_parts(target, parts())
    except (OSError, ValueError):
        return False
    _prune(target.parent, keep=target.name)
    return True


def _shown_path(target: Path, how: object) -> Path:
    """Where a memo's rendered output for one way of showing it is kept (beside the memo)."""
    key = cache.digest(repr(how).encode("utf-8", "surrogatepass")).hex()[:16]
    return target.with_name(f"{target.stem}.{key}.out")


def shown(memo: Recalled, how: object) -> tuple[int, str] | None:
    """(exit status, output) a run with this memo printed when shown `how`, if remembered.

    `how` is everything the output depends on besides the run's outcome (format, flags,
    colour, fail-on, the paths as named). The output is tied to the memo by its write time, so
    a memo rewritten since (a changed page, then changed back) never pairs with an old one.
    """
    parts = cache.read_parts(_shown_path(memo.target, how))
    if not parts:
        return None
    try:
        written, code = marshal.loads(parts[0])
        pieces = [marshal.loads(part) for part in parts[1:]]
    except (EOFError, ValueError, TypeError):
        return None
    if written != memo.written or not isinstance(code, int):
        return None
    if not all(isinstance(piece, str) for piece in pieces):
        return None
    return code, "".join(pieces)


def remember_shown(
    target: Path, written: int, how: object, code: int, pieces: Iterable[str]
) -> None:
    """Keep the output a run prints, for the next run with the same memo and `how`.

    `pieces` is the output as it is printed (each piece is printed as it is taken): kept piece
    by piece, never whole. Every piece is taken, whether or not it can be kept; an error
    raised while taking one (printing it) goes to the caller, and nothing is kept then."""
    taken = iter(pieces)

    def parts() -> Iterator[object]:
        yield (written, code)
        while True:
            try:
                piece = next(taken)
            except StopIteration:
                return
            except BaseException as exc:  # printing failed: through the writer, which drops all
                raise _Taking(exc) from exc
            yield piece

    try:
        cache.write_parts(_shown_path(target, how), parts())
    except _Taking as failed:
        raise failed.args[0] from None
    except (OSError, ValueError):  # the cache's folder, not the output: printed all the same
        for _ in taken:
            pass


class _Taking(Exception):
    """An error raised while a piece of output was taken (printed), carried through the
    memo's writer so that it is told apart from the writer's own errors."""


def _prune(folder: Path, keep: str) -> None:
    """Keep the newest few memos: each set of files a pre-commit run names makes one."""
    try:
        found = list(os.scandir(folder))
        entries = [e for e in found if e.name.endswith(".bin") and e.name != keep]
        entries.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for entry in entries[KEEP - 1 :]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
    # Outputs kept beside a memo go with it (see `shown`).
    kept = {e.name[:-4] for e in entries[: KEEP - 1]} | {keep[:-4]}
    for entry in found:
        if entry.name.endswith(".out") and entry.name.partition(".")[0] not in kept:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
