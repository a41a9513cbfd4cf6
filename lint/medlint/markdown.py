"""The one module that knows which Markdown parser we use.

pyromark (pulldown-cmark, CommonMark + GFM tables, footnotes, strikethrough, task lists) was
chosen by measurement: on the NCI seed it parses in 0.14 ms against markdown-it-py's 3.5 ms, and
its events carry exact source ranges (UTF-8 byte offsets, converted here to character offsets).
markdown-it-py stays in the test suite as the reference parser that link extraction is checked
against. Everything else in medlint sees only the plain types below.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

import pyromark

from medlint.findings import fast_init
from medlint.records import record
from medlint.text import ByteToChar

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
)

LinkKind = Literal["inline", "image", "definition", "autolink", "bare", "html"]

# GFM "autolink literal": a bare URL in text. Trailing punctuation is not part of it.
_BARE_URL = re.compile(r"(?<![\w/])(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"*_~]")
# Inside a tag: any character but `<`, `>` and quotes, or a whole quoted value. `[^>]*?` ran on
# from every `<` across other tags to the next `>`, so `<a <a <a …` inside one HTML block took
# quadratic time (minutes for 64 KB); this stops at the next `<` and cannot look into quotes.
_IN_TAG = r"""(?:[^<>"']|"[^"]*"|'[^']*')*?"""
_HTML_ATTR = (
    r"<(a|img|area|link)\b"
    + _IN_TAG
    + r"""\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"""
)
_HTML_ID = r"<[a-z]" + _IN_TAG + r"""\s(?:id|name)\s*=\s*["']([^"']+)["']"""


@lru_cache(maxsize=1)
def _html_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`_HTML_ATTR` and `_HTML_ID` compiled, on first use (2 ms at every start otherwise):
    only a page with HTML in it needs them."""
    return re.compile(_HTML_ATTR, re.IGNORECASE), re.compile(_HTML_ID, re.IGNORECASE)


_NOT_SLUG = re.compile(r"[^a-z0-9_ -]")
_LEVELS = {f"H{n}": n for n in range(1, 7)}
_START = attrgetter("start")


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Link:
    """A link as written: `target` exactly as in the source, at [start, end) of the document."""

    kind: LinkKind
    target: str
    start: int  # offsets of the target text itself (what a fix replaces)
    end: int
    exact: bool  # False when the source spelling differs from `target` (escapes, entities)

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(
            self, kind: LinkKind, target: str, start: int, end: int, exact: bool
        ) -> None: ...


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Heading:
    """A heading: its level, text, anchor slug and where it stands."""

    level: int
    text: str
    slug: str
    start: int
    end: int

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(self, level: int, text: str, slug: str, start: int, end: int) -> None: ...


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Comment:
    """An HTML comment outside code: where suppressions live."""

    body: str
    start: int
    end: int

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(self, body: str, start: int, end: int) -> None: ...


# Builders of the records above for the parser's own use, at half the cost of calling the class.
# A frozen record's `__init__` cannot assign its fields (its `__setattr__` refuses), so it sets
# each through its slot's descriptor, a method call per field. A builder is a subclass with the
# same slots (it adds none) and object's own `__setattr__` and `__delattr__`, so its `__init__`
# assigns as a plain class does; then it makes the object what it was built for: its class
# becomes the record's (allowed: the layout is the same). What comes out is exactly what
# `Link(...)` makes: its type is `Link`, frozen, equal, hashed, shown and pickled the same.


class _NewLink(Link):
    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__

    def __init__(self, kind: LinkKind, target: str, start: int, end: int, exact: bool) -> None:
        self.kind = kind
        self.target = target
        self.start = start
        self.end = end
        self.exact = exact
        self.__class__ = Link  # type: ignore[assignment]


def build_link(kind: LinkKind, target: str, start: int, end: int, exact: bool) -> Link:
    """A Link, built as the parser builds them: for the main process, which rebuilds every
    link of every page's payload (see outcome.decode)."""
    return _NewLink(kind, target, start, end, exact)


class _NewHeading(Heading):
    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__

    def __init__(self, level: int, text: str, slug: str, start: int, end: int) -> None:
        self.level = level
        self.text = text
        self.slug = slug
        self.start = start
        self.end = end
        self.__class__ = Heading  # type: ignore[assignment]


class _NewComment(Comment):
    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__

    def __init__(self, body: str, start: int, end: int) -> None:
        self.body = body
        self.start = start
        self.end = end
        self.__class__ = Comment  # type: ignore[assignment]


@record(frozen=False)
@dataclass(init=False, repr=False, eq=False, slots=True)
class ParsedBody:
    """What the checks read from a page's Markdown body, gathered in one pass."""

    links: list[Link] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)  # heading slugs plus HTML ids
    code: list[tuple[int, int]] = field(default_factory=list)  # code spans and blocks
    comments: list[Comment] = field(default_factory=list)

    def __init__(
        self,
        links: list[Link] | None = None,
        headings: list[Heading] | None = None,
        anchors: set[str] | None = None,
        code: list[tuple[int, int]] | None = None,
        comments: list[Comment] | None = None,
    ) -> None:
        self.links = [] if links is None else links
        self.headings = [] if headings is None else headings
        self.anchors = set() if anchors is None else anchors
        self.code = [] if code is None else code
        self.comments = [] if comments is None else comments

    __hash__ = None  # type: ignore[assignment]  # mutable, as @dataclass leaves it


@lru_cache(maxsize=4096)
def github_slug(text: str) -> str:
    """GitHub's heading anchor: lower-case, punctuation dropped, spaces to hyphens.

    Cached: the pages of a site repeat the same few headings ("Side effects") over and over.
    """
    if text.isascii():  # The same rule for ASCII, in C: only a-z, 0-9, `_`, space and `-` stay.
        return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")
    out = []
    for ch in text.strip().lower():
        if ch in {" ", "-"}:
            out.append("-")
        elif ch == "_" or ch.isalnum() or unicodedata.category(ch).startswith("M"):
            out.append(ch)
    return "".join(out)


def parse_body(text: str, base: int) -> ParsedBody:
    """Parse `text` (the document after its frontmatter), which starts at offset `base`."""
    utf8 = text.encode("utf-8", "surrogatepass")
    to_char = ByteToChar(text, utf8).function()
    out = ParsedBody()
    heading_level = 0
    heading_start = 0
    heading_text: list[str] = []
    slug_counts: dict[str, int] = {}
    link_depth = 0
    in_code_block = False
    # Where `://` and `www.` stand in the page, for the bare-URL test of text events: the two
    # cannot overlap (no character in common), nor can either overlap itself.
    mark_starts: list[int] = []
    mark_ends: list[int] = []
    for mark in (b"://", b"www."):
        at = utf8.find(mark)
        while at >= 0:
            mark_starts.append(at)
            at = utf8.find(mark, at + len(mark))
    if mark_starts:
        mark_starts.sort()
        mark_ends = [s + (3 if utf8[s] == 58 else 4) for s in mark_starts]  # 58: `:`
    # Text is looked at for bare URLs only outside links and code blocks, on a page with marks.
    any_marks = scan = bool(mark_starts)
    # The first mark starting at or after the last text event's start (`mark_at`, ending at
    # `mark_end`) and the start of the mark before it (`mark_before`): text events come in
    # source order, so a text starting in (mark_before, mark_at] has the same first mark and
    # the bisection is redone only past a mark. Past the last mark, one that never ends.
    mark_before, mark_at, mark_end = -1, -1, -1
    links = out.links
    code = out.code
    anchors = out.anchors
    headings = out.headings

    # pyromark's event union is a deep nest of TypedDicts; inside this loop we read it as the
    # plain JSON-like data it is. Nothing of it leaves this module untyped.
    events: Any = pyromark.events_with_range(text, options=_OPTIONS)
    # pyromark gives an HTML block one event per line. Consecutive lines (with only the CR of a
    # CRLF between them) are joined and scanned as the source text they span, so a comment
    # written over several lines (a suppression with its reason below it) is one comment. The
    # lines gathered so far are scanned when one that does not follow them comes, or the
    # block ends (the event after its last line), not looked for before every event.
    block: list[int] = []  # [first byte, end byte] of the HTML block lines gathered so far

    # A page has about 120 events, a third each text, starts and ends, most of them needing
    # nothing: each event is told apart by its one key, the common ones first.
    for event, rng in events:
        if type(event) is not dict:
            continue  # SoftBreak, HardBreak, Rule
        if "Text" in event:
            if heading_level:
                heading_text.append(event["Text"])
            # Only text holding `://` or `www.` can hold a bare URL. UTF-8 keeps ASCII bytes
            # as they are, so the byte range tells without converting offsets: the first mark
            # starting in the range lies in it if it ends there (any later one ends later).
            if scan:
                b0 = rng["start"]
                if not mark_before < b0 <= mark_at:
                    k = bisect.bisect_left(mark_starts, b0)
                    mark_before = mark_starts[k - 1] if k else -1
                    if k < len(mark_starts):
                        mark_at, mark_end = mark_starts[k], mark_ends[k]
                    else:
                        mark_at = mark_end = len(utf8) + 8  # no mark left: none ends in range
                if mark_end <= rng["end"]:
                    _bare_urls(text, to_char(b0), to_char(rng["end"]), base, out)
        elif "Start" in event:
            start = event["Start"]
            if type(start) is not dict:
                continue  # Paragraph, Item, Emphasis, ...
            info: Any = start.get("Link")
            if info is not None or "Image" in start:
                link_depth += 1
                scan = False
                image = info is None
                if image:
                    info = start["Image"]
                dest = info["dest_url"]
                b0, b1 = rng["start"], rng["end"]
                if info["link_type"] == "Inline":
                    # The usual `[text](dest)`: one opener, the destination right after it
                    # (no space, no `<`): the one place `_dest_ends` would try. Else `_link`.
                    # Looked for in the bytes, so that only the destination's start is
                    # converted to a character offset: `](` is ASCII, and a first byte that
                    # is printable ASCII and not `<` is what the character test allowed
                    # (any other goes the long way, which finds the same). An ASCII `dest`
                    # found there spans as many bytes as characters.
                    opener = utf8.find(b"](", b0, b1)
                    d0 = opener + 2
                    if (
                        opener >= 0
                        and (d0 >= b1 or (32 < utf8[d0] < 127 and utf8[d0] != 60))  # 60: `<`
                        and utf8.find(b"](", d0, b1) < 0
                        and dest.isascii()
                        and d0 + len(dest) <= b1
                    ):
                        c0 = to_char(d0)
                        if text.startswith(dest, c0):
                            links.append(
                                _NewLink(
                                    "image" if image else "inline",
                                    dest,
                                    base + c0,
                                    base + c0 + len(dest),
                                    True,
                                )
                            )
                            continue
                _link(text, to_char(b0), to_char(b1), info, image, base, links)
            elif "Heading" in start:
                level = start["Heading"]["level"]
                heading_level = _LEVELS.get(level) or int(level[1:])
                heading_start = to_char(rng["start"])
                heading_text = []
            elif "CodeBlock" in start:
                code.append((base + to_char(rng["start"]), base + to_char(rng["end"])))
                in_code_block = True
                scan = False
        elif "End" in event:
            end = event["End"]
            if type(end) is str:
                if end in ("Link", "Image"):
                    link_depth -= 1
                    scan = any_marks and not link_depth and not in_code_block
                elif end == "CodeBlock":
                    in_code_block = False
                    scan = any_marks and not link_depth
                elif end == "HtmlBlock" and block:
                    _html_lines(text, to_char, block, base, out)
            elif heading_level and type(end) is dict and "Heading" in end:
                title = "".join(heading_text)
                slug = github_slug(title)
                n = slug_counts.get(slug, 0)
                slug_counts[slug] = n + 1
                if n:
                    slug = f"{slug}-{n}"
                anchors.add(slug)
                s = heading_start
                e = to_char(rng["end"])
                # The heading's range includes its line break; the span should not.
                while e > s and text[e - 1] in "\r\n":
                    e -= 1
                headings.append(_NewHeading(heading_level, title.strip(), slug, base + s, base + e))
                heading_level = 0
        elif "Html" in event:
            if block and utf8[block[1] : rng["start"]].strip(b"\r") == b"":
                block[1] = rng["end"]
                continue
            if block:
                _html_lines(text, to_char, block, base, out)
            block[:] = [rng["start"], rng["end"]]
        elif "Code" in event:
            code.append((base + to_char(rng["start"]), base + to_char(rng["end"])))
            if heading_level:
                heading_text.append(event["Code"])
        elif "InlineHtml" in event:
            _html(text, to_char(rng["start"]), event["InlineHtml"], base, out)
    if block:
        _html_lines(text, to_char, block, base, out)

    # A definition is a label and a colon (`[label]:`), whatever comes around them: a page
    # without `]:` has none, and is not parsed a second time to find out.
    if "]:" in text:
        definitions: Any = pyromark.reference_definitions(text, options=_OPTIONS)
        for info in definitions.values():
            s = to_char(info["span"]["start"])
            e = to_char(info["span"]["end"])
            raw = text[s:e]
            dest = info["dest"]
            found = next(_dest_ends(raw, "]:", dest), None)
            if found is not None:
                d0 = s + found - len(dest)
                links.append(_NewLink("definition", dest, base + d0, base + d0 + len(dest), True))
            else:
                links.append(_NewLink("definition", dest, base + s, base + e, False))
    links.sort(key=_START)
    return out


def _link(
    text: str, s: int, e: int, info: dict[str, str], image: bool, base: int, links: list[Link]
) -> None:
    kind = info["link_type"]
    dest = info["dest_url"]
    if kind == "Inline":
        raw = text[s:e]
        last = None
        opener = raw.find("](")
        after = raw[opener + 2 : opener + 3]
        if opener >= 0 and after != "<" and not after.isspace() and raw.find("](", opener + 2) < 0:
            # The usual `[text](dest)`: one opener, the destination right after it (no space,
            # no `<`), where `_dest_ends` has a single place to try.
            if raw.startswith(dest, opener + 2):
                last = opener + 2 + len(dest)
        else:
            for found in _dest_ends(raw, "](", dest):
                last = found
        link_kind: LinkKind = "image" if image else "inline"
        if last is not None:
            d0 = s + last - len(dest)
            links.append(_NewLink(link_kind, dest, base + d0, base + d0 + len(dest), True))
        else:
            links.append(_NewLink(link_kind, dest, base + s, base + e, False))
    elif kind == "Autolink":
        i = text.find(dest, s, e)
        if i >= 0:
            links.append(_NewLink("autolink", dest, base + i, base + i + len(dest), True))
    # Reference, Collapsed and Shortcut links point at a definition, reported once at its place.


def _dest_ends(raw: str, opener: str, dest: str) -> Iterator[int]:
    r"""Where each match of `opener`, optional spaces, an optional `<` and `dest` ends in `raw`.

    The same matches, in the same order, as `re.finditer(re.escape(opener) + r"\s*<?" +
    re.escape(dest), raw)`, including its backtracking (fewer spaces, then no `<`), but without
    compiling a pattern per destination: a corpus has tens of thousands of distinct URLs, and
    the compiles (the `re` cache holds 512) cost more than parsing the pages.
    """
    n = len(raw)
    i = raw.find(opener)
    while i >= 0:
        j = i + len(opener)
        k = j
        while k < n and raw[k].isspace():
            k += 1
        end = None
        for pos in range(k, j - 1, -1):
            if raw.startswith("<", pos) and raw.startswith(dest, pos + 1):
                end = pos + 1 + len(dest)
                break
            if raw.startswith(dest, pos):
                end = pos + len(dest)
                break
        if end is not None:
            yield end
            i = raw.find(opener, end)
        else:
            i = raw.find(opener, i + 1)


def _bare_urls(text: str, s: int, e: int, base: int, out: ParsedBody) -> None:
    if "://" not in text[s:e] and "www." not in text[s:e]:
        return
    for m in _BARE_URL.finditer(text, s, e):
        target = m.group(0)
        if target.startswith("www."):
            continue  # Scheme-less: not a URL we can check without guessing.
        out.links.append(_NewLink("bare", target, base + m.start(), base + m.end(), True))


def _html_lines(
    text: str, to_char: Callable[[int], int], block: list[int], base: int, out: ParsedBody
) -> None:
    """Scan the HTML block lines gathered in `block` ([first byte, end byte]) as the source
    text they span, and empty it for the next."""
    s, e = to_char(block[0]), to_char(block[1])
    _html(text, s, text[s:e], base, out)
    block.clear()


def _html(text: str, s: int, html: str, base: int, out: ParsedBody) -> None:
    comments = _comments(html)
    for c0, c1 in comments:
        out.comments.append(_NewComment(html[c0 + 4 : c1 - 3], base + s + c0, base + s + c1))
    # Links and ids inside comments are not live, nor after a `<!--` never closed (to the end of
    # this HTML); what comes before such a `<!--` is.
    dead = list(comments)
    unclosed = html.find("<!--", comments[-1][1] if comments else 0)
    if unclosed >= 0:
        dead.append((unclosed, len(html)))
    starts = [c0 for c0, _ in dead]

    def commented(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and pos < dead[i][1]

    html_attr, html_id = _html_patterns()
    for m in html_attr.finditer(html):
        if commented(m.start()):
            continue
        g = 3 if m.group(3) is not None else 4 if m.group(4) is not None else 5
        d0 = base + s + m.start(g)
        out.links.append(_NewLink("html", m.group(g), d0, d0 + len(m.group(g)), True))
    for m in html_id.finditer(html):
        if not commented(m.start()):
            out.anchors.add(m.group(1))


def _comments(html: str) -> list[tuple[int, int]]:
    """(start, end) of each closed `<!-- … -->`, as `<!--(.*?)-->` finds them, in linear time.

    The regex rescans to the end from every unclosed `<!--`: `<!--` repeated 5,000 times took
    six seconds, and a 10 MB page would have taken days.
    """
    found: list[tuple[int, int]] = []
    pos = html.find("<!--")
    while pos >= 0:
        close = html.find("-->", pos + 4)
        if close < 0:
            break  # no later `<!--` can be closed either
        found.append((pos, close + 3))
        pos = html.find("<!--", close + 3)
    return found
