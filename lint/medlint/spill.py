"""Byte strings appended once during a run and read back later, on disk past a quarter megabyte.

A large run keeps something of every page until its end: the anchors the link phase may be
asked for, the page rows and the findings its reports need, the stats its memo stores. Held in
memory those grew the main process by a quarter of a kilobyte a page while its workers were
alive, the run's peak. Appended here, the main process holds at most `CHUNK` bytes of each; the
rest is in a temporary file, unlinked at once, so it goes when closed or when the process ends.
A run with less than `CHUNK` bytes to keep (a pre-commit run, most sections) never creates the
file. A quarter of a megabyte: a 100,000-page run writes its rows out in about 40 writes; its
four spills (the link phase's anchors keep 1 MB, as they did) held 2.5 MB at 1 MB each.

A write that fails (a full disk, no temporary folder) costs nothing but the memory: what could
not be written stays in memory, as everything did before, and the run goes on.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from io import BufferedRandom

CHUNK = 1 << 18

# A numbered record's head: the page number it is kept for, and the length of what follows.
_NUMBERED = struct.Struct("<II")


def numbered(blob: bytes | bytearray) -> Iterator[tuple[int, int, int]]:
    """(page number, start, end) of each record `Spill.append_numbered` kept, in `blob` (what
    `Spill.whole` gave), in the order they were kept."""
    unpack, head, at = _NUMBERED.unpack_from, _NUMBERED.size, 0
    while at < len(blob):
        where, size = unpack(blob, at)
        at += head
        yield where, at, at + size
        at += size


class Spill:
    """Appended byte strings, read back by offset (`read`) or all at once (`whole`)."""

    __slots__ = ("_chunk", "_file", "_flushed", "_full", "_pending", "_prefix")

    def __init__(self, prefix: str = "medlint-", chunk: int | None = None) -> None:
        """`chunk`: bytes held before they are written out (None: `CHUNK`, as it is now)."""
        self._prefix, self._chunk = prefix, CHUNK if chunk is None else chunk
        self._file: BufferedRandom | None = None
        self._pending = bytearray()
        self._flushed = 0  # bytes in the file; everything after them is in `_pending`
        self._full = False  # a write failed: everything from then on stays in memory

    def __len__(self) -> int:
        return self._flushed + len(self._pending)

    def append(self, data: bytes) -> int:
        """Keep `data`; where it starts."""
        at = self._flushed + len(self._pending)
        self._pending += data
        if len(self._pending) >= self._chunk and not self._full:
            self._flush()
        return at

    def append_numbered(self, where: int, data: bytes) -> None:
        """Keep `data` as page `where`'s (pages come in any order; see `numbered`)."""
        self.append(_NUMBERED.pack(where, len(data)) + data)

    def _flush(self) -> None:
        try:
            if self._file is None:
                import tempfile  # only for a run with a quarter megabyte to keep

                # Held open across calls and closed by `close` (or with the process).
                self._file = tempfile.TemporaryFile(prefix=self._prefix)  # noqa: SIM115
            self._file.seek(self._flushed)  # reads move the position
            self._file.write(self._pending)
            self._file.flush()  # a full disk is found now, not at a later read
        except OSError:
            # What reached the file before stays readable there. This write's bytes, whole or
            # in part, are not counted as in it: they stay in memory, and so does what follows.
            self._full = True
            return
        self._flushed += len(self._pending)
        self._pending = bytearray()

    def read(self, at: int, size: int) -> bytes:
        if at >= self._flushed:
            start = at - self._flushed
            return bytes(self._pending[start : start + size])
        assert self._file is not None
        self._file.seek(at)
        return self._file.read(size)

    def whole(self) -> bytearray:
        """Everything appended, in order, in one buffer (the file read in one go)."""
        out = bytearray(self._flushed)
        if self._flushed:
            assert self._file is not None
            self._file.seek(0)
            with memoryview(out) as view:
                got = 0
                while got < self._flushed:
                    n = self._file.readinto(view[got:])
                    if not n:
                        raise OSError("a run's temporary file ended early")
                    got += n
        out += self._pending
        return out

    def pieces(self, size: int) -> Iterator[bytes]:
        """Everything appended, in order, `size` bytes at a time, never all of it at once (as
        `whole` holds it). What went to the file and what is still in memory are cut apart,
        each from its start: for records of one length that divides `size` (see
        runner.Stats), every piece holds whole records."""
        if self._flushed:
            assert self._file is not None
            self._file.seek(0)
            left = self._flushed
            while left:
                piece = bytearray()
                while len(piece) < min(size, left):
                    got = self._file.read(min(size, left) - len(piece))
                    if not got:
                        raise OSError("a run's temporary file ended early")
                    piece += got
                left -= len(piece)
                yield bytes(piece)
        for at in range(0, len(self._pending), size):
            yield bytes(self._pending[at : at + size])

    def close(self) -> None:
        """Let go of everything kept (the file is removed as it closes)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._pending = bytearray()
        self._flushed = 0
        self._full = False
