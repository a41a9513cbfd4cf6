"""The result cache: what each page's document-scope checks found, reused while nothing changed.

Like ruff's cache, an entry is valid for one file's exact bytes under one exact set of settings:
the key of a cache *folder* is a fingerprint of everything that can change a page's findings
(medlint's version and its own source files, the versions of the parsers it relies on, every
selected rule with its options and severity, the rule packs' content, extra schema fields and
the date the run judges review currency against), and inside it each entry is keyed by the
file's path and holds the BLAKE2 digest of the bytes that were checked.

To stay fast on a warm run an entry also keeps the file's (mtime, size, inode): when `stat` gives
the same values the file is not read at all. That shortcut is only trusted for files whose mtime
was at least two seconds old when they were checked; a file written in the same clock tick as the
check (an editor saving while medlint runs, a fixer's quick rewrite) could keep its mtime and
size across a change, so such "racy" entries, as git calls them, are verified by content digest.

Storage is 256 bucket files per fingerprint (`.medlint_cache/results/<fingerprint>/<xx>.bin`, the
bucket chosen by a hash of the path), so a pre-commit run on one page reads and writes one small
file, and concurrent runs rarely touch the same bucket. A bucket is written whole to a temporary
file and renamed over the old one, so a reader sees the old bucket or the new one, never half;
when two runs write one bucket the last rename wins, which costs only cache hits. Each bucket
carries a checksum of its body: a damaged or foreign file is ignored (the pages are checked
again), never fatal. The checksum is a CRC-32: it is there to tell damage, not to stop anyone
(an unkeyed digest could not), and BLAKE2 cost a cold run's main process 14 instructions a
byte of its buckets and memo, 3.4 MB at 2,000 pages (33 M, 5 % of its work after the fork),
where CRC-32 costs 4. Entries are `marshal` data (plain tuples, strings, numbers and bytes, which
load several times faster than pickled objects): findings as `wire` rows; suppressions, which
are rare, ride inside as pickled bytes.
"""

from __future__ import annotations

import binascii
import contextlib
import marshal
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from array import array

try:  # hashlib would also load OpenSSL (about 5 ms at start-up) for an algorithm it does not own
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

FORMAT = 3  # 2: findings as `wire` rows, not pickles; 3: CRC-32 checksums, buckets by CRC-32
_MAGIC = b"MLRC"
# marshal's format belongs to the interpreter: a cache written by another Python is not read.
_HEADER = _MAGIC + bytes([FORMAT, marshal.version, sys.version_info[0], sys.version_info[1]])
_CHECKSUM = 4  # a CRC-32, little-endian
BUCKETS = 256
RACY_NS = 2_000_000_000  # mtimes this close to the check are not trusted
STALE_AFTER = 14 * 86400  # other fingerprints' folders untouched this long are removed

# (mtime_ns, size, inode): what `stat` says about a file, compared before reading it.
StatKey = tuple[int, int, int]
# A stored entry: (display path, mtime_ns, size, inode, digest, trusted, payload).
Row = tuple[str, int, int, int, bytes, bool, bytes]


@dataclass(frozen=True, slots=True)
class Entry:
    """One file's cached outcome. `payload` is opaque here (see runner.encode_outcome)."""

    display: str
    stat: StatKey
    digest: bytes
    trusted: bool  # whether an equal stat alone proves the bytes are unchanged
    payload: bytes

    def as_tuple(self) -> Row:
        return (self.display, *self.stat, self.digest, self.trusted, self.payload)


def digest(data: bytes | memoryview) -> bytes:
    return blake2b(data, digest_size=16).digest()


def hasher() -> blake2b:
    """`digest`'s hash, to be fed in parts (the run memo's signature of the run's files)."""
    return blake2b(digest_size=16)


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def is_trusted(st: os.stat_result, now_ns: int) -> bool:
    return now_ns - st.st_mtime_ns >= RACY_NS


def bucket_of(path: str) -> int:
    """The bucket of `path`: the low byte of its CRC-32 (a third of what a one-byte BLAKE2
    digest cost, and as even over a corpus's paths; a run asks once a page, counting its
    buckets)."""
    return binascii.crc32(path.encode("utf-8", "surrogatepass")) & 0xFF


def _checksum(data: bytes | memoryview) -> bytes:
    """What a bucket or memo file carries to tell damage (see the module's docstring)."""
    return binascii.crc32(data).to_bytes(_CHECKSUM, "little")


@dataclass(slots=True)
class ResultCache:
    """The entries of one fingerprint, loaded bucket by bucket as paths ask for them."""

    folder: Path
    _buckets: dict[int, dict[str, Row]] = field(default_factory=dict)
    _dirty: set[int] = field(default_factory=set)
    _disabled: bool = False

    @classmethod
    def open(cls, cache_dir: Path, fingerprint: str) -> ResultCache:
        return cls(cache_dir / "results" / fingerprint[:32])

    def _bucket(self, index: int) -> dict[str, Row]:
        bucket = self._buckets.get(index)
        if bucket is None:
            bucket = _read_bucket(self.folder / f"{index:02x}.bin")
            self._buckets[index] = bucket
        return bucket

    def holds_nothing(self, index: int) -> bool:
        """Whether bucket `index` is empty (as every bucket is on a cold run): its files need
        no lookup each."""
        return not self._bucket(index)

    def lookup(
        self, path: str, display: str, index: int | None = None
    ) -> tuple[bytes, StatKey] | None:
        """The payload for `path` if the file is unchanged, by stat or by content digest, and
        the file's stat (taken before any read: the run memo's proof).

        `index` is the path's bucket when the caller already knows it. A warm run calls this
        once per page, so the common case (trusted stat, equal) builds little.
        """
        bucket = self._bucket(bucket_of(path) if index is None else index)
        row = bucket.get(path)
        if not isinstance(row, tuple) or len(row) != 7 or row[0] != display:
            return None  # absent, or not a row this code wrote: check the page again
        try:
            st = os.stat(path)
        except OSError:
            return None
        if row[5] and st.st_mtime_ns == row[1] and st.st_size == row[2] and st.st_ino == row[3]:
            return row[6], (row[1], row[2], row[3])
        if st.st_size != row[2]:
            return None
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        if digest(data) != row[4]:
            return None
        # Same bytes: remember the new stat so the next run need not read the file again.
        trusted = is_trusted(st, time.time_ns())
        key = stat_key(st)
        self.store(path, Entry(display, key, row[4], trusted, row[6]))
        return row[6], key

    def store(self, path: str, entry: Entry, index: int | None = None) -> None:
        """Keep `entry` for `path`; `index` is the path's bucket when the caller knows it."""
        self.put_row(path, entry.as_tuple(), bucket_of(path) if index is None else index)

    def put_row(self, path: str, row: Row, index: int) -> None:
        """`store` of an entry as its row (`Entry.as_tuple`), its bucket known: a cold run
        stores every page it checked."""
        self._bucket(index)[path] = row
        self._dirty.add(index)

    def forget(self, paths: Iterable[str]) -> None:
        for path in paths:
            index = bucket_of(path)
            if self._bucket(index).pop(path, None) is not None:
                self._dirty.add(index)

    def release(self, index: int) -> None:
        """Done with a bucket: write it if it changed, and let its entries go from memory."""
        if index in self._dirty:
            self._write([index])
        self._buckets.pop(index, None)

    def flush(self) -> None:
        """Write every changed bucket (atomically); errors only turn the cache off."""
        self._write(sorted(self._dirty))

    def create(self) -> None:
        """Make the cache's folders now rather than at the first write.

        The run memo records the listing of the folder root-relative links resolve against,
        which is usually the one holding `.medlint_cache`: made halfway through the run it
        would make that listing differ from the next run's, and the memo useless."""
        if self._disabled or self.folder.is_dir():
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _mark_cache_dir(self.folder.parent.parent)
            _prune_stale(self.folder.parent, keep=self.folder.name)
        except OSError:
            self._disabled = True

    def _write(self, indexes: list[int]) -> None:
        if self._disabled:
            self._dirty.clear()
            return
        try:
            if indexes:
                self.create()
            for index in indexes:
                _write_bucket(self.folder / f"{index:02x}.bin", self._buckets[index])
                self._dirty.discard(index)
        except OSError:
            self._disabled = True
            self._dirty.clear()


def _checked_body(path: Path) -> memoryview | None:
    """The body of a file written with this format's header and checksum, as a view into the
    bytes read (no copy); None when absent, damaged or foreign."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    head = len(_HEADER)
    if data[:head] != _HEADER or len(data) < head + _CHECKSUM:
        return None
    body = memoryview(data)[head + _CHECKSUM :]
    if _checksum(body) != data[head : head + _CHECKSUM]:
        return None
    return body


def read_checked(path: Path) -> bytes | None:
    """The body of a file `write_checked` wrote, or None when absent, damaged or foreign."""
    body = _checked_body(path)
    return None if body is None else body.tobytes()


_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A file to write `path`'s new content into: a temporary file beside it, renamed over it
    once the block ends, removed if the block fails. Readers see the old file or the new one."""
    # This process's own name beside the file, made exclusively: a cold run writes 256
    # buckets, and tempfile's random names and path checks cost more than the writes.
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o600)
    except FileExistsError:  # left by a process that had this number and was killed
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_checked(path: Path, body: bytes) -> None:
    """Write `body` with this format's header and its checksum, atomically (tmp + rename)."""
    with _replacing(path) as handle:
        # Three writes, not one concatenation: a memo of 100,000 pages is tens of MB.
        handle.write(_HEADER)
        handle.write(_checksum(body))
        handle.write(body)


class Raw:
    """A part `write_parts` writes as the bytes it is, not marshalled: the run memo's packed
    records, which marshal would have copied whole (10 MB of a 100,000-page run's page rows, at
    the end of the run, where the main process alone reaches its largest). `read_parts` gives
    it back as a view of those bytes; the reader knows which parts are raw."""

    __slots__ = ("view",)

    def __init__(self, data: bytes | bytearray | memoryview | array[int]) -> None:
        self.view = memoryview(data).cast("B")  # an array's bytes, counted as bytes


def write_parts(path: Path, parts: Iterable[object]) -> None:
    """`write_checked` for a body of several marshal objects, each dumped, hashed and written in
    turn, so the whole body (tens of MB for a run memo of 100,000 pages) is never in memory at
    once; a `Raw` part is written as it is. Each part is preceded by its length. Read back with
    `read_parts`."""
    crc = 0
    with _replacing(path) as handle:
        handle.write(_HEADER)
        handle.write(bytes(_CHECKSUM))  # the checksum, once it is known
        for part in parts:
            if isinstance(part, Raw):
                blob: bytes | memoryview = part.view
            else:
                blob = marshal.dumps(part)  # type: ignore[arg-type]  # callers: plain values
            size = len(blob).to_bytes(8, "little")
            crc = binascii.crc32(blob, binascii.crc32(size, crc))
            handle.write(size)
            handle.write(blob)
            del blob
        handle.seek(len(_HEADER))
        handle.write(crc.to_bytes(_CHECKSUM, "little"))


def read_parts(path: Path) -> list[memoryview] | None:
    """The parts `write_parts` wrote, each still marshalled or, for a `Raw` part, as written (a
    view into the file's bytes, so a caller loads only the parts it needs); None when absent,
    damaged or foreign."""
    body = _checked_body(path)
    if body is None:
        return None
    parts: list[memoryview] = []
    offset = 0
    while offset < len(body):
        size = int.from_bytes(body[offset : offset + 8], "little")
        offset += 8
        if size > len(body) - offset:
            return None
        parts.append(body[offset : offset + size])
        offset += size
    return parts


def _read_bucket(path: Path) -> dict[str, Row]:
    body = read_checked(path)
    if body is None:
        return {}
    try:
        rows = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(rows, dict):
        return {}
    return rows


def _write_bucket(path: Path, rows: dict[str, Row]) -> None:
    write_checked(path, marshal.dumps(rows))


def _mark_cache_dir(cache_dir: Path) -> None:
    """Keep the cache out of git and backups, as ruff and pytest do for theirs."""
    for name, text in (
        (".gitignore", "# Created by medlint automatically.\n*\n"),
        (
            "CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This file is a cache directory tag created by medlint.\n",
        ),
    ):
        target = cache_dir / name
        if not target.exists():
            with contextlib.suppress(OSError):
                target.write_text(text, encoding="utf-8")


def _prune_stale(results_dir: Path, keep: str) -> None:
    """Drop the folders of fingerprints nobody has written to for a while (old settings)."""
    import shutil

    cutoff = time.time() - STALE_AFTER
    try:
        entries = list(os.scandir(results_dir))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.name != keep and entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            continue


def dumps_objects(value: object) -> bytes:
    """Pickled bytes for the rare rich values (findings, suppressions) inside an entry."""
    import pickle

    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads_objects(data: bytes) -> object:
    import pickle

    return pickle.loads(data)


def fingerprint(settings: object, *, version: str) -> str:
    """A digest of everything besides a page's bytes that can change its document findings.

    Built from the settings' values in a canonical order (sets sorted, fields named), never from
    their pickle: set order varies between processes and would make every run a cold one.
    """
    parts: list[str] = [version, sys.version]
    _canonical(settings, parts, 0)
    parts.extend(_code_stamp())
    return blake2b("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: object, out: list[str], depth: int) -> None:
    if depth > 12:
        out.append("…")
        return
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        out.append(repr(value))
        return
    dump = getattr(value, "model_dump_json", None)  # a pydantic model: its validated values
    if callable(dump):
        out.append(f"{type(value).__qualname__}:{dump()}")
        return
    if isinstance(value, (list, tuple)):
        out.append(f"[{len(value)}")
        for item in value:
            _canonical(item, out, depth + 1)
        out.append("]")
        return
    if isinstance(value, (set, frozenset)):
        items: list[str] = []
        for item in value:
            sub: list[str] = []
            _canonical(item, sub, depth + 1)
            items.append("\x01".join(sub))
        out.append("{" + "\x02".join(sorted(items)) + "}")
        return
    if isinstance(value, dict):
        keyed: list[tuple[str, object]] = [(repr(k), v) for k, v in value.items()]
        out.append(f"<{len(keyed)}")
        for key, item in sorted(keyed, key=lambda kv: kv[0]):
            out.append(key)
            _canonical(item, out, depth + 1)
        out.append(">")
        return
    kind = type(value)
    out.append(f"{kind.__module__}.{kind.__qualname__}")
    fields = getattr(kind, "__dataclass_fields__", None)
    if isinstance(fields, dict):
        for name, spec in fields.items():
            if getattr(spec, "compare", True):  # compiled matchers are compare=False
                out.append(name)
                _canonical(getattr(value, name), out, depth + 1)
        return
    if hasattr(value, "__dict__"):
        for name, item in sorted(vars(value).items()):
            out.append(name)
            _canonical(item, out, depth + 1)
        return
    shown = str(value)
    # An object's default repr holds its address, which differs in every process.
    out.append(kind.__qualname__ if " at 0x" in shown else shown)


def _code_stamp() -> list[str]:
    """medlint's own source files and the parsers' installed files, by size and mtime.

    The version alone is not enough while medlint is developed from a checkout (or installed
    editable): a changed rule must not be answered from a cache its old code wrote.
    """
    import importlib.util

    out: list[str] = []
    package = Path(__file__).resolve().parent
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                where = os.path.relpath(os.path.join(folder, name), package)
                out.append(f"{where}:{st.st_size}:{st.st_mtime_ns}")
    for module in ("pyromark", "yaml", "_yaml", "ftfy", "re2", "pydantic_core"):
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        if origin:
            try:
                st = os.stat(origin)
            except OSError:
                continue
            out.append(f"{module}:{origin}:{st.st_size}:{st.st_mtime_ns}")
    return out
