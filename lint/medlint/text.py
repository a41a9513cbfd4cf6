"""Decoding and position arithmetic: bytes to text and offsets to line and column.

Kept apart from the Document so that the fixer and the reporters can use it on any text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, count
from operator import add

from medlint.findings import Span
from medlint.records import record

BOM = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class DecodeFailure(Exception):
    """Bytes that are not UTF-8: carries the 1-based line and column of the first bad byte."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Decoded:
    """A file's text, and whether it began with a byte-order mark."""

    text: str
    bom: bool

    def __init__(self, text: str, bom: bool) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "bom", bom)


def decode(raw: bytes) -> Decoded:
    """UTF-8 with or without a BOM, kept aside so offsets start at the first character."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        if b"\x00" in raw[:8192]:
            why = "file looks binary, not like Markdown text"
            line, column = 1, 1
        else:
            byte = raw[exc.start]
            why = f"file is not valid UTF-8 (byte 0x{byte:02x} at line {line}): save it as UTF-8"
        raise DecodeFailure(why, line, column) from None
    if text.startswith(BOM):
        return Decoded(text[1:], True)
    return Decoded(text, False)


def dominant_newline(text: str) -> str:
    """The line ending new lines should use: the most common one, LF when there is none."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    best = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"))
    return best[1] if best[0] else "\n"


class LineIndex:
    """Maps character offsets to 1-based (line, column); LF, CRLF and lone CR all end a line."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        crs = text.count("\r")
        if crs and crs != text.count("\r\n"):  # a lone CR ends a line too
            self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        else:
            # Every line but the first starts after a LF: the lengths of the lines between
            # them, summed in C (a Python loop over the lines cost more).
            starts = [0]
            starts += map(add, accumulate(map(len, text.split("\n")[:-1])), count(1))
            self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    @property
    def starts(self) -> list[int]:
        """Offset of each line's first character (kept by the runner after the text is gone)."""
        return self._starts

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based `line`."""
        return self._starts[line - 1]

    def line_end(self, line: int, *, with_break: bool = False) -> int:
        """Offset just past the line's last character (or past its line break)."""
        if line < len(self._starts):
            nxt = self._starts[line]
            if with_break:
                return nxt
            if self._text.startswith("\r\n", nxt - 2):
                return nxt - 2
            return nxt - 1
        return len(self._text)

    def position(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(
            start=start, end=end, line=line, column=column, end_line=end_line, end_column=end_column
        )


# 1 for the bytes that continue a UTF-8 character (0x80-0xBF), 0 for every other byte.
_CONTINUATION = bytes(1 if 0x80 <= b <= 0xBF else 0 for b in range(256))


def _same(offset: int) -> int:
    return offset


class ByteToChar:
    """Converts UTF-8 byte offsets (as the Rust Markdown parser reports them) to str offsets.

    A character offset is the byte offset less the continuation bytes before it; a byte offset
    inside a multi-byte character gives the character after it (as a search would). The
    continuation bytes are marked once, in C (`bytes.translate`), and counted from the previous
    offset asked for: the parser asks in nearly increasing order, so a page is counted about
    once whatever its number of links. A per-character Python loop cost more than parsing the
    page, and even one over the non-ASCII characters only was a sixth of it.
    """

    __slots__ = ("_ascii", "_count", "_last", "_marks")

    def __init__(self, text: str, utf8: bytes | None = None) -> None:
        self._ascii = text.isascii()
        if not self._ascii:
            if utf8 is None:
                utf8 = text.encode("utf-8", "surrogatepass")
            self._marks = utf8.translate(_CONTINUATION)
            self._last = 0  # the byte offset last asked for,
            self._count = 0  # and the continuation bytes before it

    def function(self) -> Callable[[int], int]:
        """The same conversion as a plain function (a closure: cheaper to call than this
        object, which a page's parse does a few dozen times)."""
        if self._ascii:
            return _same
        marks = self._marks
        last = count = 0

        def to_char(byte_offset: int) -> int:
            nonlocal last, count
            if byte_offset >= last:
                count += marks.count(1, last, byte_offset)
            else:
                count -= marks.count(1, byte_offset, last)
            last = byte_offset
            return byte_offset - count

        return to_char

    def __call__(self, byte_offset: int) -> int:
        if self._ascii:
            return byte_offset
        last = self._last
        if byte_offset >= last:
            count = self._count + self._marks.count(1, last, byte_offset)
        else:
            count = self._count - self._marks.count(1, byte_offset, last)
        self._last, self._count = byte_offset, count
        return byte_offset - count
