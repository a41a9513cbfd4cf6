"""Decoding and position arithmetic: bytes to text and offsets to line and column.

Kept apart from the Document so that the fixer and the reporters can use it on any text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from medlint.findings import Span
from medlint.records import record

BOM = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LF = re.compile("\n")
_END = re.Match.end


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


class _NewSpan(Span):
    """Builds a Span as `Span(...)` does at half the cost (see markdown.py's `_NewLink`): a
    subclass adding no slots, with object's own `__setattr__` and `__delattr__`, whose object
    becomes a `Span` once its fields are set."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__

    def __init__(
        self, start: int, end: int, line: int, column: int, end_line: int, end_column: int
    ) -> None:
        self.start = start
        self.end = end
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.__class__ = Span  # type: ignore[assignment]


class LineIndex:
    """Maps character offsets to 1-based (line, column); LF, CRLF and lone CR all end a line."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        starts = [0]
        # `in` finds a character with memchr; `count` visits every character (a fifth of the
        # index's cost on a page without CR, which is nearly every page).
        if "\r" in text and text.count("\r") != text.count("\r\n"):  # a lone CR ends a line
            starts += map(_END, _LINE_BREAK.finditer(text))
        else:
            # Every line but the first starts after a LF. The matches' ends, taken in C, cost
            # less than splitting the text and summing the lines' lengths (which makes a string
            # for each line), and a Python loop over the lines cost more than either.
            starts += map(_END, _LF.finditer(text))
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
        return _NewSpan(start, end, line, column, end_line, end_column)


# 1 for the bytes that continue a UTF-8 character (0x80-0xBF), 0 for every other byte.
_CONTINUATION = bytes(1 if 0x80 <= b <= 0xBF else 0 for b in range(256))


def _same(offset: int) -> int:
    return offset


class ByteToChar:
    """Converts UTF-8 byte offsets (as the Rust Markdown parser reports them) to str offsets.

    A character offset is the number of characters that start before the byte offset: the byte
    offset less the continuation bytes before it, so a byte offset inside a multi-byte
    character gives the character after it (as a search would), and past the end each byte
    counts as a character. The parser asks in nearly increasing order, so the conversion goes
    on from the previous offset asked for and a page is looked at about once whatever its
    number of links. A per-character Python loop cost more than parsing the page.
    """

    __slots__ = ("_ascii", "_count", "_last", "_marks_made", "_utf8")

    def __init__(self, text: str, utf8: bytes | None = None) -> None:
        self._ascii = text.isascii()
        if not self._ascii:
            self._utf8 = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
            self._marks_made: bytes | None = None
            self._last = 0  # the byte offset last asked for,
            self._count = 0  # and the continuation bytes before it

    def _marks(self) -> bytes:
        """1 for each continuation byte (0x80-0xBF), 0 for every other, marked in C
        (`bytes.translate`) on first use."""
        if self._marks_made is None:
            self._marks_made = self._utf8.translate(_CONTINUATION)
        return self._marks_made

    def function(self) -> Callable[[int], int]:
        """The same conversion as a plain function (a closure: cheaper to call than this
        object, which a page's parse does a few dozen times).

        Between two offsets on character boundaries, the characters are those the bytes
        between them decode to: decoding the piece (in C, eight ASCII bytes at a time) cost
        about half of marking every continuation byte of the page and counting the marks.
        Pulldown-cmark's offsets are always on boundaries. An offset that is not (the piece
        does not decode) or lies past the end is converted by counting marks instead, from the
        start of the text, which gives the same answer by the definition above.
        """
        if self._ascii:
            return _same
        utf8 = self._utf8
        size = len(utf8)
        marks = self._marks
        last = chars = 0  # the byte offset last asked for, and its character offset

        def to_char(byte_offset: int) -> int:
            nonlocal last, chars
            if byte_offset <= size and last <= size:
                try:
                    if byte_offset >= last:
                        chars += len(utf8[last:byte_offset].decode("utf-8", "surrogatepass"))
                    else:
                        chars -= len(utf8[byte_offset:last].decode("utf-8", "surrogatepass"))
                    last = byte_offset
                    return chars
                except UnicodeDecodeError:
                    pass  # an offset inside a character
            last = byte_offset
            chars = byte_offset - marks().count(1, 0, byte_offset)
            return chars

        return to_char

    def __call__(self, byte_offset: int) -> int:
        if self._ascii:
            return byte_offset
        marks = self._marks()
        last = self._last
        if byte_offset >= last:
            count = self._count + marks.count(1, last, byte_offset)
        else:
            count = self._count - marks.count(1, byte_offset, last)
        self._last, self._count = byte_offset, count
        return byte_offset - count
