"""A run's findings, held compact from the moment a page is finalized until the report.

A run kept every finding as a Finding with its Span, Fix and strings, about 0.2 KB each, until
its report, and then its memo made them all into one tuple of rows at once: with the page
rows packed (runmemo.PackedRows), what a run held per finding was one of the things that still
grew with the corpus. Here a page's findings become one record in a shared buffer as soon as
they are put: eight 32-bit numbers a finding (its kind, its message, its span), the page's path
once, and only what is rare or unbounded (fixes, data, strings past the tables' bound) as
marshalled extras. Kinds (code, rule, severity, help) and messages go in tables of their own: a
corpus repeats them (10,000 pages: 6,821 findings, 779 distinct messages, a dozen kinds).

Findings are decoded a page at a time when a reporter iterates (`PackedFindings`). A run with
at most `KEEP` findings never packs them at all: its findings stay the objects finalize made
(which costs nothing and at most about 2 MB), and a packed sequence of at most `KEEP` findings
(a run answered from the memo) keeps what it decoded the first time, since reports, exit codes
and statistics each iterate. Past `KEEP` each pass decodes again: memory stays a few dozen
bytes a finding.

Order: every finding of a page carries the page's display path, and pages' paths are unique,
so the pages in display order, each page's findings sorted, is the order of `Finding.sort_key`
over the run. `FindingStore.ordered` checks that and sorts for real when it does not hold.
"""

from __future__ import annotations

import bisect
import marshal
import struct
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from operator import attrgetter
from typing import Any, cast, overload

from medlint.findings import Applicability, Edit, Finding, Fix, Severity, Span

# Findings a run holds as objects (about 0.2 KB each) before it packs them, and that a packed
# sequence keeps once decoded: a fixed bound, so memory stays flat however large the corpus.
KEEP = 10_000
# Entries of each table (kinds, strings); past it a value is written out in the finding's
# extras instead, so a corpus of ever-new messages cannot grow the tables without bound.
TABLE_BOUND = 1 << 16

_BATCH = 256  # records decoded at once by a pass over a sequence too large to keep
_FIELDS = 8  # kind, message, start, end, line, column, end line, end column
# A record's head: its findings, then the lengths in bytes of its path, its numbers and its
# extras (0: none), and its numbers' size in bytes (4, or 8 past 32 bits). The head, the path,
# the numbers and the marshalled extras follow each other.
_HEAD = struct.Struct("<IIIIB")

_TYPECODE = {4: "i", 8: "q"}
_path = attrgetter("path")
_SEVERITY = {int(s): s for s in Severity}
_APPLICABILITY = {a.value: a for a in Applicability}

# A kind as stored: (code, rule, severity as int, help or None).
KindRow = tuple[str, str, int, "str | None"]


class _Tables:
    """Kinds and strings by number, for encoding (dicts) and decoding (lists)."""

    __slots__ = ("kind_ids", "kinds", "string_ids", "strings")

    def __init__(self, kinds: Iterable[KindRow] = (), strings: Iterable[str] = ()) -> None:
        self.kinds: list[KindRow] = list(kinds)
        self.strings: list[str] = list(strings)
        self.kind_ids = {k: i for i, k in enumerate(self.kinds)}
        self.string_ids = {s: i for i, s in enumerate(self.strings)}

    def kind(self, row: KindRow) -> int:
        found = self.kind_ids.get(row)
        if found is None:
            if len(self.kinds) >= TABLE_BOUND:
                return -1
            found = self.kind_ids[row] = len(self.kinds)
            self.kinds.append(row)
        return found

    def string(self, text: str) -> int:
        found = self.string_ids.get(text)
        if found is None:
            if len(self.strings) >= TABLE_BOUND:
                return -1
            found = self.string_ids[text] = len(self.strings)
            self.strings.append(text)
        return found


def _encode(path: str, findings: Sequence[Finding], tables: _Tables) -> bytes:
    """One record: findings that all carry `path`."""
    numbers: list[int] = []
    add = numbers.extend
    extras: list[tuple[Any, ...]] = []
    kind_of, string_of = tables.kind, tables.string
    kind_ids, string_ids = tables.kind_ids.get, tables.string_ids.get
    for i, f in enumerate(findings):
        s = f.span
        # Keyed by the severity itself (an IntEnum hashes and compares as its number), stored
        # as the number (marshal takes plain ints only): enum's `.value` is a slow property.
        kind_row: KindRow = (f.code, f.rule, f.severity, f.help)
        kind = kind_ids(kind_row)
        if kind is None:
            kind_row = (f.code, f.rule, int(f.severity), f.help)
            kind = kind_of(kind_row)
        message = string_ids(f.message)
        if message is None:
            message = string_of(f.message)
        fix = f.fix
        add((kind, message, s.start, s.end, s.line, s.column, s.end_line, s.end_column))
        if kind < 0 or message < 0 or fix is not None or f.data:
            fix_row = None
            if fix is not None:
                title = string_of(fix.title)
                fix_row = (
                    fix.title if title < 0 else title,
                    tuple((e.start, e.end, e.replacement) for e in fix.edits),
                    fix.applicability.value,
                )
            extras.append(
                (
                    i,
                    kind_row if kind < 0 else None,
                    f.message if message < 0 else None,
                    fix_row,
                    f.data,
                )
            )
    try:
        packed = array("i", numbers)
    except OverflowError:  # offsets past 2 GiB: no page within max-file-size has them
        packed = array("q", numbers)
    name = path.encode("utf-8", "surrogatepass")
    raw = packed.tobytes()
    more = marshal.dumps(tuple(extras)) if extras else b""
    head = _HEAD.pack(len(findings), len(name), len(raw), len(more), packed.itemsize)
    return b"".join((head, name, raw, more))


def _record_path(blob: bytes | bytearray, start: int) -> str:
    size = _HEAD.unpack_from(blob, start)[1]
    at = start + _HEAD.size
    return str(blob[at : at + size], "utf-8", "surrogatepass")


class _Decoder:
    """Findings back from records, with the tables' rows made into what Finding holds."""

    __slots__ = ("kinds", "strings")

    def __init__(self, kinds: Sequence[KindRow], strings: Sequence[str]) -> None:
        # Number -1 (written out in the extras instead) finds the placeholder at the end: the
        # finding is made again from its extras.
        self.kinds = [(c, r, _SEVERITY[v], h) for c, r, v, h in kinds]
        self.kinds.append(("", "", Severity.INFO, None))
        self.strings = [*strings, ""]

    def decode(self, blob: bytes | bytearray, bounds: Iterable[tuple[int, int]]) -> list[Finding]:
        """The findings of the records `blob[start:end]` for each (start, end), in turn.

        A batch of records at once: their numbers are joined and read as one array, and the
        findings made in one loop (record by record, a page has one or two findings, and the
        work per record was as much as the work per finding)."""
        unpack, head = _HEAD.unpack_from, _HEAD.size
        paths: list[str] = []  # each finding's
        raws: list[bytes | bytearray] = []
        sizes: list[int] = []  # each record's numbers' width
        extras: dict[int, tuple[Any, ...]] = {}
        total = 0
        for start, end in bounds:
            count, size, numbers, extra, width = unpack(blob, start)
            at = start + head
            paths += [blob[at : at + size].decode("utf-8", "surrogatepass")] * count
            at += size
            raws.append(blob[at : at + numbers])
            sizes.append(width)
            at += numbers
            if width not in _TYPECODE or numbers != count * _FIELDS * width or at + extra != end:
                raise ValueError("damaged finding record")
            if extra:
                for x in marshal.loads(blob[at:end]):
                    extras[total + x[0]] = x
            total += count
        widths = set(sizes)
        if widths <= {4}:
            values = array("i")
            values.frombytes(b"".join(raws))
        else:  # some record needed 64 bits
            values = array("q")
            for raw, width in zip(raws, sizes, strict=True):
                part = array(_TYPECODE[width])
                part.frombytes(raw)
                values.extend(part)
        del raws
        if len(values) != _FIELDS * total:
            raise ValueError("damaged finding record")
        kinds, strings = self.kinds, self.strings
        out: list[Finding] = []
        add = out.append
        it = iter(values)
        rows = zip(it, it, it, it, it, it, it, it, strict=False)  # eight numbers a finding
        for path, (kind, message, s, e, line, col, end_line, end_col) in zip(
            paths, rows, strict=True
        ):
            code, rule, severity, hlp = kinds[kind]
            add(
                Finding(
                    path=path,
                    code=code,
                    rule=rule,
                    severity=severity,
                    span=Span(
                        start=s, end=e, line=line, column=col, end_line=end_line, end_column=end_col
                    ),
                    message=strings[message],
                    help=hlp,
                )
            )
        for i, x in extras.items():
            out[i] = self._with_extras(out[i], x)
        return out

    def _with_extras(self, f: Finding, x: tuple[Any, ...]) -> Finding:
        """Finding `f` made again with what its record wrote out in its extras."""
        _, kind_row, text, fix_row, data = x
        code, rule, severity, hlp = f.code, f.rule, f.severity, f.help
        if kind_row is not None:
            code, rule, value, hlp = kind_row
            severity = _SEVERITY[value]
        fix = None
        if fix_row is not None:
            title, edits, applicability = fix_row
            fix = Fix(
                title=self.strings[title] if isinstance(title, int) else title,
                edits=tuple(Edit(start=a, end=b, replacement=r) for a, b, r in edits),
                applicability=_APPLICABILITY[applicability],
            )
        return Finding(
            path=f.path,
            code=code,
            rule=rule,
            severity=severity,
            span=f.span,
            message=f.message if text is None else text,
            fix=fix,
            help=hlp,
            data=data,
        )


class PackedFindings(Sequence[Finding]):
    """A run's findings in order, as records in one buffer; decoded a record at a time.

    Compares equal to any sequence of the same findings (a list, a tuple), as the list a run
    held before did to another list.
    """

    __slots__ = ("_blob", "_decoder", "_ends", "_firsts", "_kept", "_last", "_starts", "_tables")

    def __init__(
        self,
        blob: bytes | bytearray,
        starts: array[int],
        ends: array[int],
        tables: _Tables,
    ) -> None:
        """Record i is `blob[starts[i]:ends[i]]`; records are in display order."""
        if len(starts) != len(ends):
            raise ValueError("damaged finding records")
        self._blob = blob  # sliced as it is: bytes slice faster than a memoryview
        self._starts, self._ends, self._tables = starts, ends, tables
        self._decoder: _Decoder | None = None
        # Findings before each record, and in all at the end: len and indexing without decoding.
        firsts = array("q", [0])
        total = 0
        for start in starts:
            total += _HEAD.unpack_from(self._blob, start)[0]
            firsts.append(total)
        self._firsts = firsts
        self._kept: list[Finding] | None = None
        self._last: tuple[int, list[Finding]] | None = None  # the record indexing decoded last

    def _record(self, k: int) -> list[Finding]:
        if self._decoder is None:
            self._decoder = _Decoder(self._tables.kinds, self._tables.strings)
        return self._decoder.decode(self._blob, [(self._starts[k], self._ends[k])])

    def _batch(self, lo: int, hi: int) -> list[Finding]:
        """The findings of records lo to hi - 1."""
        if self._decoder is None:
            self._decoder = _Decoder(self._tables.kinds, self._tables.strings)
        bounds = zip(self._starts[lo:hi], self._ends[lo:hi], strict=True)
        return self._decoder.decode(self._blob, bounds)

    def __len__(self) -> int:
        return self._firsts[-1]

    def __iter__(self) -> Iterator[Finding]:
        if self._kept is not None:
            return iter(self._kept)
        if len(self) <= KEEP:
            self._kept = self._batch(0, len(self._starts))
            return iter(self._kept)
        return self._each()

    def _each(self) -> Iterator[Finding]:
        """Decoded a batch of records at a time: a few hundred findings held at once."""
        for lo in range(0, len(self._starts), _BATCH):
            yield from self._batch(lo, lo + _BATCH)

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | Sequence[Finding]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self._kept is not None:
            return self._kept[index]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("finding index out of range")
        k = bisect.bisect_right(self._firsts, index) - 1
        if self._last is None or self._last[0] != k:
            self._last = (k, self._record(k))
        return self._last[1][index - self._firsts[k]]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # a sequence, compared by its findings

    def __repr__(self) -> str:
        return f"PackedFindings({len(self)} findings)"

    def packed(
        self,
    ) -> tuple[tuple[KindRow, ...], tuple[str, ...], bytes | bytearray, array[int], array[int]]:
        """What the run memo stores (see `unpacked`): the tables, the records and their bounds,
        as they are (marshal writes an array as its bytes)."""
        return (
            tuple(self._tables.kinds),
            tuple(self._tables.strings),
            self._blob,
            self._starts,
            self._ends,
        )

    @classmethod
    def unpacked(cls, parts: object) -> PackedFindings:
        kinds, strings, blob, starts, ends = cast(
            tuple[tuple[KindRow, ...], tuple[str, ...], bytes, bytes, bytes], parts
        )
        first, last = array("q"), array("q")
        first.frombytes(starts)
        last.frombytes(ends)
        if max(last, default=0) > len(blob) or min(first, default=0) < 0:
            raise ValueError("damaged finding records")
        return cls(blob, first, last, _Tables(kinds, strings))


class FindingStore:
    """A run's findings, put page by page in any order, read back in `Finding.sort_key` order.

    Held as the objects finalize made while the run has at most `keep` of them; past that,
    packed into records (see the module's docstring) and the objects let go. Each record goes,
    after its page's number, to a spill (see spill.py): the main process holds at most a
    quarter megabyte of them while the workers run, and no per-page array until `ordered`.
    """

    __slots__ = ("_count", "_held", "_keep", "_spill", "_tables")

    def __init__(self, count: int, keep: int | None = None) -> None:
        """`count`: the run's pages, numbered 0 to count - 1; `keep`: None for `KEEP`."""
        from medlint.spill import Spill

        self._count, self._keep = count, KEEP if keep is None else keep
        # Page -> its findings (every put, in put order), while the run has at most `keep`.
        self._held: dict[int, list[Finding]] | None = {}
        self._spill = Spill("medlint-findings-")
        self._tables = _Tables()

    def put(self, where: int, findings: Sequence[Finding]) -> None:
        """Page `where`'s findings, sorted as finalize returns them; a page may come again."""
        if not findings:
            return
        held = self._held
        if held is not None:
            if where in held:
                held[where].extend(findings)
            else:
                held[where] = list(findings)
            self._keep -= len(findings)
            if self._keep < 0:
                self._pack_held()
            return
        self._append(where, findings)

    def _pack_held(self) -> None:
        held, self._held = self._held, None
        assert held is not None
        for where, findings in held.items():
            self._append(where, findings)

    def _append(self, where: int, findings: Sequence[Finding]) -> None:
        """Records for one put: one per run of findings with the same path."""
        for path, group in groupby(findings, key=_path):
            self._spill.append_numbered(where, _encode(path, list(group), self._tables))

    def ordered(self, order: Sequence[int]) -> Sequence[Finding]:
        """Every finding put, in `Finding.sort_key` order. `order`: the page numbers sorted by
        display path (pages without findings may be left out). Call it once: packed records
        are let go."""
        held = self._held
        if held is not None:
            out: list[Finding] = []
            last: str | None = None
            in_order = True
            for where in order:
                page = held.get(where)
                if not page:
                    continue
                page.sort(key=Finding.sort_key)  # already sorted unless put more than once
                path = page[0].path
                if (last is not None and path <= last) or any(f.path != path for f in page):
                    in_order = False
                last = path
                out.extend(page)
            if not in_order:
                out.sort(key=Finding.sort_key)
            return out
        return self._ordered_records(order)

    def _placed(self) -> tuple[bytearray, array[int], array[int], dict[int, list[tuple[int, int]]]]:
        """The kept records in one buffer; each page's first record (end 0: none), and any
        further ones (a page put twice, or whose findings carry several paths)."""
        from medlint.spill import numbered

        blob = self._spill.whole()
        self._spill.close()
        starts = array("q", bytes(8 * self._count))
        ends = array("q", bytes(8 * self._count))
        more: dict[int, list[tuple[int, int]]] = {}
        for where, start, end in numbered(blob):
            if ends[where] == 0:
                starts[where], ends[where] = start, end
            else:
                more.setdefault(where, []).append((start, end))
        return blob, starts, ends, more

    def _ordered_records(self, order: Sequence[int]) -> Sequence[Finding]:
        blob, starts_of, ends_of, more_of = self._placed()
        tables = self._tables
        starts, ends = array("q"), array("q")
        last: str | None = None
        in_order = True
        decoder: _Decoder | None = None
        for where in order:
            if ends_of[where] == 0:
                continue
            start, end = starts_of[where], ends_of[where]
            more = more_of.get(where)
            if more is not None:  # a page put more than once: its records merged into one
                if decoder is None:
                    decoder = _Decoder(tables.kinds, tables.strings)
                page = decoder.decode(blob, [(start, end), *more])
                page.sort(key=Finding.sort_key)
                if any(f.path != page[0].path for f in page):
                    in_order = False
                    continue
                start = len(blob)
                blob += _encode(page[0].path, page, tables)
                end = len(blob)
            path = _record_path(blob, start)
            if last is not None and path <= last:
                in_order = False
            last = path
            starts.append(start)
            ends.append(end)
        if in_order:
            return PackedFindings(blob, starts, ends, tables)
        # Findings whose path is not their page's: decoded, sorted and packed again.
        everything: list[Finding] = []
        decoder = _Decoder(tables.kinds, tables.strings)
        for where in range(self._count):
            if ends_of[where]:
                everything.extend(decoder.decode(blob, [(starts_of[where], ends_of[where])]))
            everything.extend(decoder.decode(blob, more_of.get(where, ())))
        everything.sort(key=Finding.sort_key)
        return pack(everything)


def pack(findings: Sequence[Finding]) -> PackedFindings:
    """Findings already in `Finding.sort_key` order, packed (one record per path): what the
    run memo stores of a run that held its findings as objects."""
    if isinstance(findings, PackedFindings):
        return findings
    blob = bytearray()
    tables = _Tables()
    starts, ends = array("q"), array("q")
    for path, group in groupby(findings, key=_path):
        starts.append(len(blob))
        blob += _encode(path, list(group), tables)
        ends.append(len(blob))
    return PackedFindings(blob, starts, ends, tables)
