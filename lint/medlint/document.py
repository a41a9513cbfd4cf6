"""A Markdown page as the checks see it: text, frontmatter with positions, parsed body.

Built from bytes already read (a Document never touches the file system), so checks are pure
functions and the same Document can be rebuilt from fixed text inside the fixer's loop. The body
is parsed lazily: rules that only look at frontmatter or raw text never pay for the parse.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from medlint import frontmatter as fm_mod
from medlint.findings import Span
from medlint.frontmatter import Frontmatter, KeyPath, Located
from medlint.markdown import ParsedBody, parse_body
from medlint.text import LineIndex, dominant_newline

T = TypeVar("T")


class _once(Generic[T]):  # lower case: used as a decorator, like cached_property
    """`functools.cached_property` without its lock: computed on first access and stored in
    the instance's dict, which later accesses read without calling anything (this is not a
    data descriptor). In Python 3.11 cached_property takes an RLock on every first access and
    looks the cache up twice; a page reads four or five of these once each. A Document is
    used by one thread.
    """

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> _once[T]: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> T: ...

    def __get__(self, obj: object | None, owner: type[Any]) -> T | _once[T]:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value
        return value


class Document:
    """One page. `text` excludes the BOM; every offset in medlint is into `text`."""

    def __init__(
        self, path: str, text: str, *, bom: bool = False, utf8: bytes | None = None
    ) -> None:
        self.path = path
        self.text = text
        self.bom = bom
        if utf8 is not None:  # the file's bytes the text was decoded from (see `utf8` below)
            self.__dict__["utf8"] = utf8
        self.frontmatter: Frontmatter | None = fm_mod.locate(text)
        if self.frontmatter is not None:
            fm_mod.parse(text, self.frontmatter)
        self.body_start = self.frontmatter.end if self.frontmatter is not None else 0

    @_once
    def memo(self) -> dict[object, object]:
        """What checks computed about this page and may share (see checks/_screen.py)."""
        return {}

    @_once
    def utf8(self) -> bytes:
        """`text` in UTF-8, for the RE2 screens (checks/_screen.py): given a str, RE2's wrapper
        encodes it at every call, 44,000 instructions of a worker's 2 million a page. A page
        read from a file is given the bytes it was decoded from (the same bytes: strict UTF-8
        decodes and encodes one to one); any other text is encoded here, strictly, as RE2 did.
        """
        return self.text.encode("utf-8")

    @_once
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @_once
    def newline(self) -> str:
        return dominant_newline(self.text)

    @_once
    def body(self) -> ParsedBody:
        return parse_body(self.text[self.body_start :], self.body_start)

    @property
    def meta(self) -> dict[str, object]:
        """The frontmatter's values; empty when there is none or it did not parse."""
        if self.frontmatter is None or self.frontmatter.data is None:
            return {}
        return self.frontmatter.data

    def span(self, start: int, end: int) -> Span:
        return self.lines.span(start, end)

    def located(self, *path: str | int) -> Located | None:
        if self.frontmatter is None:
            return None
        key: KeyPath = tuple(path)
        return self.frontmatter.positions.get(key)

    def key_span(self, *path: str | int) -> Span:
        """Span of a frontmatter key (or the block's opening line when the key is absent)."""
        loc = self.located(*path)
        if loc is None:
            return self.span(0, 3 if self.frontmatter is not None else 0)
        return self.span(loc.key_start, loc.key_end)

    def value_span(self, *path: str | int) -> Span:
        loc = self.located(*path)
        if loc is None:
            return self.key_span(*path)
        return self.span(loc.value_start, loc.value_end)

    @_once
    def _code_starts(self) -> list[int]:
        return [s for s, _ in self.body.code]

    def in_code(self, offset: int) -> bool:
        """Whether `offset` falls inside a code span or code block (where text is not prose)."""
        i = bisect.bisect_right(self._code_starts, offset) - 1
        return i >= 0 and offset < self.body.code[i][1]
