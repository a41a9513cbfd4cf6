"""The frontmatter block: where it is, and its YAML parsed safely with every position kept.

Safety comes before parsing: the block's size and nesting depth are bounded by a cheap scan first
(PyYAML's C loader recurses per nesting level and can overflow the C stack), then the YAML is only
*composed* into nodes; values are built by our own walker, which refuses any tag outside the YAML
core schema (so `!!python/object/apply` is reported, never executed) and refuses aliases (a node
reached twice), which also defuses alias bombs without expanding them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from medlint.findings import fast_init
from medlint.records import record

try:  # The C loader is about 10x faster; fall back quietly where libyaml is missing.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FRONTMATTER_CHARS = 256 * 1024
MAX_NESTING = 64
MAX_INDENT = 256
MAX_NODES = 10_000  # keys, items and values; real pages hold under a hundred

_OPEN = re.compile(r"---[ \t]*(?:\r\n|\r|\n)")
# A closing fence starts a line; `^` alone would miss lines ended by a lone CR. The line break
# before it is part of the match (a lookbehind made the engine try every position; a leading
# character class lets it skip to the next line break).
_CLOSE = re.compile(r"[\r\n]((?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$))")
# `_CLOSE` where no CR comes before the fence: the pattern starts with one character, which
# Python's engine looks for alone; `_CLOSE`'s leading class is tested at every character (45
# instructions each: 18,000 for a block of 400 characters, ten times this one's cost).
_CLOSE_LF = re.compile(r"\n((?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$))")

KeyPath = tuple[str | int, ...]
YamlValue = object

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Located:
    """Where a key and its value stand, as character offsets into the document text."""

    key_start: int
    key_end: int
    value_start: int
    value_end: int

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(
            self, key_start: int, key_end: int, value_start: int, value_end: int
        ) -> None: ...


class _NewLocated(Located):
    """Builds a Located at half the cost of calling the class (a page has about twenty): a
    subclass adding no slots, with object's own `__setattr__` and `__delattr__`, assigns the
    fields as a plain class does, then the object's class becomes `Located` (the same layout),
    so what comes out is exactly what `Located(...)` makes. See markdown.py's `_NewLink`."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__

    def __init__(self, key_start: int, key_end: int, value_start: int, value_end: int) -> None:
        self.key_start = key_start
        self.key_end = key_end
        self.value_start = value_start
        self.value_end = value_end
        self.__class__ = Located  # type: ignore[assignment]


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Problem:
    """A reason the block is not usable YAML, at offsets into the document text."""

    message: str
    start: int
    end: int

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(self, message: str, start: int, end: int) -> None: ...


@record(frozen=False)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Frontmatter:
    """The block between the opening `---` and the closing `---` (or `...`)."""

    start: int  # offset of the opening `---`
    content_start: int  # first character of the YAML
    content_end: int  # offset of the closing fence line (== end of YAML)
    end: int  # offset just past the closing fence's line break
    closed: bool
    data: dict[str, YamlValue] | None = None
    # Positions of every key path: ("reviewedBy", 0) is the first reviewer.
    positions: dict[KeyPath, Located] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def key_order(self) -> list[str]:
        return [p[0] for p in self.positions if len(p) == 1 and isinstance(p[0], str)]

    def __init__(
        self,
        start: int,
        content_start: int,
        content_end: int,
        end: int,
        closed: bool,
        data: dict[str, YamlValue] | None = None,
        positions: dict[KeyPath, Located] | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.start = start
        self.content_start = content_start
        self.content_end = content_end
        self.end = end
        self.closed = closed
        self.data = data
        self.positions = {} if positions is None else positions
        self.problems = [] if problems is None else problems

    __hash__ = None  # type: ignore[assignment]  # mutable, as @dataclass leaves it


def locate(text: str) -> Frontmatter | None:
    """Find the block; None when the document does not start with a `---` line."""
    m = _OPEN.match(text)
    if m is None:
        return None
    close = _close(text, m.end() - 1)  # (the opening line's own break comes first)
    if close is None:
        fm = Frontmatter(0, m.end(), len(text), len(text), closed=False)
        fm.problems.append(
            Problem(
                "frontmatter block is not closed: add a line `---` after the last key",
                0,
                m.end() - len(m.group(0).rstrip("\r\n")) + 3,
            )
        )
        return fm
    return Frontmatter(0, m.end(), close.start(1), close.end(), closed=True)


def _close(text: str, start: int) -> re.Match[str] | None:
    """`_CLOSE.search(text, start)`: the first fence after a line break from `start` on.

    Searched for after a LF first (`_CLOSE_LF`): with no CR between `start` and the fence found
    (or the end of the text, where none is), no other line break comes before it, so it is
    `_CLOSE`'s first match too, with the same groups (the patterns differ only in their first
    character). A CR before it (a CRLF or old Mac page) takes `_CLOSE` itself.
    """
    close = _CLOSE_LF.search(text, start)
    if text.find("\r", start, len(text) if close is None else close.start()) >= 0:
        return _CLOSE.search(text, start)
    return close


def parse(text: str, fm: Frontmatter) -> None:
    """Fill `fm.data`, `fm.positions` and `fm.problems` from the block's YAML."""
    if not fm.closed:
        return
    base = fm.content_start
    source = text[base : fm.content_end]
    if len(source) > MAX_FRONTMATTER_CHARS:
        fm.problems.append(
            Problem(
                f"frontmatter is {len(source):,} characters; the limit is "
                f"{MAX_FRONTMATTER_CHARS:,}: it is refused unparsed",
                fm.start,
                fm.content_start,
            )
        )
        return
    lines = source.split("\n")  # for both `_nesting_problem` and `_simple_block`
    too_deep = _nesting_problem(source, lines)
    if too_deep is not None:
        fm.problems.append(Problem(too_deep[0], base + too_deep[1], base + too_deep[1] + 1))
        return
    if not source.strip():
        fm.data = {}
        return
    simple = _simple_block(source, base, lines)
    if simple is not None:
        fm.data, fm.positions = simple
        return
    try:
        node = yaml.compose(source, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        offset = base + (mark.index if mark is not None else 0)
        offset = min(offset, fm.content_end)
        what = exc.problem or exc.context or "YAML syntax error"
        fm.problems.append(Problem(f"YAML syntax error: {what}", offset, offset))
        return
    except yaml.YAMLError as exc:
        fm.problems.append(Problem(f"YAML error: {exc}", fm.content_start, fm.content_start))
        return
    if node is None:
        fm.data = {}
        return
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        fm.problems.append(
            Problem(
                f"frontmatter must be a mapping of `key: value` lines, not {kind}",
                base + node.start_mark.index,
                base + node.end_mark.index,
            )
        )
        return
    walker = _Walker(base, text)
    try:
        value = walker.build(node, ())
    except _Refused as exc:
        start, end = exc.start, exc.end
        if exc.alias:
            start, end = _first_alias(source, base, start, end)
        fm.problems.append(Problem(exc.message, start, end))
        return
    if walker.problems:
        fm.problems.extend(walker.problems)
    assert isinstance(value, dict)
    fm.data = value
    fm.positions = walker.positions


# The plain block YAML nearly every frontmatter is written in (`key: value` lines, `- item`
# lists, plain or simply quoted scalars) is read by `_simple_block` without libyaml: composing
# nodes, resolving each scalar's tag in Python and walking the nodes cost about 0.3 ms a page,
# more than parsing the page's Markdown. Anything outside that subset goes to the full path, so
# the reader only has to be exact on what it accepts; tests compare the two on generated blocks.
#
# Characters the reader refuses anywhere: everything YAML does not print or treats specially
# (tabs, the line breaks only YAML 1.1 has: NEL, LS and PS, a BOM, control characters,
# surrogates), `#` (a comment, or part of a value: the full path tells), and a lone CR (told
# apart by counting: one character class alone is a fast scan in Python's engine).
_NOT_SIMPLE = '[^\n\r -"$-~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]'
_NOT_SIMPLE_ASCII = re.compile('[^\n\r -"$-~]')
# One line of the subset: a top-level key (plain, short: libyaml refuses a key over 1024
# characters) with its value or none, a list item, or a blank line. A value is what lies
# between the spaces after the colon (or dash) and the spaces at the end of the line.
_SIMPLE_LINE = re.compile(
    r"([A-Za-z_][A-Za-z0-9_-]{0,127}):(?: +([^ \r\n](?:[^\r\n]*[^ \r\n])?))? *\r?$"
    r"|( *)- +([^ \r\n](?:[^\r\n]*[^ \r\n])?) *\r?$"
    r"|( *)\r?$",
    re.MULTILINE,
)
_KEY, _VALUE, _INDENT, _ITEM, _BLANK = 1, 2, 3, 4, 5
# Characters a plain scalar cannot start with (indicators), or that the reader leaves to libyaml.
_INDICATORS = frozenset("-?:,[]{}#&*!|>%@`")
_NOT_READ = object()  # a scalar the simple reader does not read
# The first characters the loader's implicit resolvers are keyed by; a plain scalar starting
# with any other is a string (unless a resolver is keyed by None: it would apply to all).
_RESOLVED_FIRST = frozenset(k for k in _Loader.yaml_implicit_resolvers if k is not None)
_RESOLVE_ALL = None in _Loader.yaml_implicit_resolvers


@lru_cache(maxsize=1)
def _not_simple() -> re.Pattern[str]:
    """`_NOT_SIMPLE` compiled, on first use: the class spans most of Unicode and took 15 ms to
    compile at every start, while only a block holding non-ASCII characters needs it."""
    return re.compile(_NOT_SIMPLE)


def _simple_block(
    source: str, base: int, lines: list[str] | None = None
) -> tuple[dict[str, YamlValue], dict[KeyPath, Located]] | None:
    """Values and positions of a plain block mapping, exactly as compose and `_Walker` give
    them; None for anything else (the caller then takes the full path).

    Accepted: lines `key: scalar`, `key:` (null) and `key:` followed by `- scalar` items at one
    indentation, blank lines anywhere; a scalar is plain, single-quoted or double-quoted on one
    line, without escapes. A plain scalar's tag is resolved by PyYAML's own resolver table and
    anything but a string is built by PyYAML's constructor, as the full path does. Where libyaml
    marks a node: a list ends where the next key starts (or at the end of the block), a null
    value is empty just after its colon.

    Each line is read alone (see `_read_line`) and what it holds is remembered by its text:
    the pages of a corpus repeat most of their lines (`status: active`, `- treatment`). That
    includes the characters the reader refuses: a line holds one or not whatever block it is
    in, and the line breaks between lines are not refused. `lines`: `source.split("\\n")`,
    which the caller may have made already (it is changed).
    """
    if "\r" in source and source.count("\r") != source.count("\r\n"):
        return None  # a lone CR (`in` looks with memchr; `count` visits every character)
    data: dict[str, YamlValue] = {}
    positions: dict[KeyPath, Located] = {}
    size = len(source)
    pos = 0
    # The key whose value is on the lines below it (a list, or null when no item follows).
    open_key: str | None = None
    key_start = key_end = seq_start = indent = 0
    items: list[YamlValue] = []
    spans: list[tuple[int, int]] = []
    known = _LINES.get
    # The block's lines and, past its end, one empty line: where the line-by-line reading of
    # the whole block stopped (a block ends with a line break, so that empty line is the last
    # piece of the split).
    if lines is None:
        lines = source.split("\n")
    if lines[-1]:
        lines.append("")
    for line in lines:
        read = known(line)
        if read is None:
            read = _read_line(line)
            if len(_LINES) >= _MAX_LINES:
                _LINES.clear()
            _LINES[line] = read
        kind = read[0]
        if kind == _ITEM:
            if open_key is None:
                return None  # a list where no key opened one
            if not items:
                indent = read[1]
                seq_start = base + pos + read[1]  # the first `-`
            elif read[1] != indent:
                return None  # another indentation: a nested block or a syntax error
            items.append(read[2])
            spans.append((base + pos + read[3], base + pos + read[4]))
        elif kind == _REFUSED:
            return None
        elif kind != _BLANK or pos >= size:  # a key, or the end of the block
            if open_key is not None:  # the open key's value ends where this line starts
                end = base + min(pos, size)
                if items:
                    positions[(open_key,)] = _NewLocated(key_start, key_end, seq_start, end)
                    for n, (s, e) in enumerate(spans):
                        positions[(open_key, n)] = _NewLocated(s, s, s, e)
                    data[open_key] = items
                    items, spans = [], []
                else:
                    value = _plain("")
                    if value is _NOT_READ:
                        return None
                    positions[(open_key,)] = _NewLocated(
                        key_start, key_end, key_end + 1, key_end + 1
                    )
                    data[open_key] = value
                open_key = None
            if kind == _BLANK:
                return data, positions  # the end of the block
            key = read[1]
            if key in data:
                return None  # the full path words the duplicate
            key_start = base + pos
            key_end = key_start + len(key)
            if kind == _KEY:
                open_key = key
            else:
                value_start, value_end = key_start + read[3], key_start + read[4]
                positions[(key,)] = _NewLocated(key_start, key_end, value_start, value_end)
                data[key] = read[2]
        pos += len(line) + 1
    raise AssertionError("unreachable: the last line is empty")  # pragma: no cover


# What `_read_line` made of each line text seen, bounded: lines unique to a page (its title,
# its url) would otherwise pile up over a corpus.
_LINES: dict[str, tuple[Any, ...]] = {}
_MAX_LINES = 8192
_REFUSED = 0  # a line kind: the reader does not read it
_REFUSED_LINE: tuple[Any, ...] = (_REFUSED,)
_BLANK_LINE: tuple[Any, ...] = (_BLANK,)


def _read_line(line: str) -> tuple[Any, ...]:
    """One line of the block (without its `\\n`), offsets from the line's start:
    (_KEY, key) for `key:`, (_VALUE, key, value, value start, value end), (_ITEM, indent,
    value, value start, value end), (_BLANK,) or (_REFUSED,).

    Reading the line alone is reading it in its block: no alternative of `_SIMPLE_LINE` crosses
    a `\\n`, and with MULTILINE `$` matches at the end of the line either way. A line holding
    a character the reader refuses anywhere is refused (`_NOT_SIMPLE`): the block once scanned
    for them as a whole cost 45 instructions a character, 18,000 for a block of 400, where
    nearly every line is remembered (a real page's title and url, seen once, are scanned).
    """
    if (_NOT_SIMPLE_ASCII if line.isascii() else _not_simple()).search(line) is not None:
        return _REFUSED_LINE
    m = _SIMPLE_LINE.match(line)
    if m is None:
        return _REFUSED_LINE
    kind = m.lastindex
    if kind == _BLANK:
        return _BLANK_LINE
    if kind == _ITEM:
        scalar = _simple_scalar(m.group(_ITEM))
        if scalar is _NOT_READ:
            return _REFUSED_LINE
        return (_ITEM, m.end(_INDENT) - m.start(_INDENT), scalar, m.start(_ITEM), m.end(_ITEM))
    if kind == _KEY:
        return (_KEY, m.group(_KEY))
    scalar = _simple_scalar(m.group(_VALUE))
    if scalar is _NOT_READ:
        return _REFUSED_LINE
    return (_VALUE, m.group(_KEY), scalar, m.start(_VALUE), m.end(_VALUE))


def _simple_scalar(text: str) -> YamlValue:
    """The value of a one-line scalar (trimmed of spaces); _NOT_READ if the reader leaves it.

    The scalar must be all of its line but spaces, as it is in a block mapping or list of
    one-line values: anything after it is a syntax error, a comment or a nested collection,
    which the full path reports or reads.
    """
    c = text[0]
    if c in "'\"":
        if text.find(c, 1) != len(text) - 1:
            return _NOT_READ  # unclosed, multi-line, `''` escapes or text after the quote
        value = text[1:-1]
        if c == '"' and "\\" in value:
            return _NOT_READ  # escapes
        return value
    if c in _INDICATORS or ": " in text or text[-1] == ":":
        return _NOT_READ  # an indicator, a nested mapping or a syntax error
    return _plain(text)


def _plain(text: str) -> YamlValue:
    """A plain scalar's value, as the resolver and the walker's constructor make it."""
    if text[:1] not in _RESOLVED_FIRST and not _RESOLVE_ALL:
        return text  # no implicit tag can start with this character: a string
    tag = _implicit_tag(text)
    if tag == "tag:yaml.org,2002:str":
        return text
    if tag not in _CORE_TAGS:
        return _NOT_READ
    constructor = _Walker._constructor
    try:
        value: YamlValue = constructor.construct_object(yaml.ScalarNode(tag, text))
    except Exception:  # the full path decides what an unreadable value means
        return _NOT_READ
    finally:
        constructor.constructed_objects.clear()
        constructor.recursive_objects.clear()
    return value


@lru_cache(maxsize=4096)
def _implicit_tag(text: str) -> str:
    """The tag the loader's resolver gives a plain scalar. Cached: pages repeat the same
    values (`treatment`, `NCI`, `true`), and the resolver tries its patterns one by one."""
    tag: str = _resolver().resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


_RESOLVER: list[yaml.resolver.BaseResolver] = []


def _resolver() -> yaml.resolver.BaseResolver:
    """The loader's resolver (its tables, with anything added to them), made on first use."""
    if not _RESOLVER:
        _RESOLVER.append(_Loader(""))
    return _RESOLVER[0]


def _nesting_problem(source: str, lines: list[str] | None = None) -> tuple[str, int] | None:
    """A cheap over-approximation of nesting: flow brackets and indentation. `lines`:
    `source.split("\\n")`, when the caller has it."""
    depth = 0
    # Only more opening brackets than the limit can nest past it: most blocks skip the loop.
    # The brackets are among the marks `_event_problem` counts: a block with few marks has
    # few brackets, and is not counted again.
    marks = sum(map(source.count, _MARKS))
    few = marks <= MAX_NESTING or source.count("[") + source.count("{") <= MAX_NESTING
    scan = "" if few else source
    for i, ch in enumerate(scan):
        if ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return (f"frontmatter nests deeper than {MAX_NESTING} levels: refused unparsed", i)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    if lines is None:
        lines = source.split("\n")
    if max(map(len, lines)) < MAX_INDENT:
        return _event_problem(source, marks)  # no line is long enough to be indented that far
    for m in re.finditer(rf"^[ \t-]{{{MAX_INDENT},}}", source, re.MULTILINE):
        return (
            f"frontmatter is indented more than {MAX_INDENT} columns: refused unparsed",
            m.start(),
        )
    return _event_problem(source, marks)


# What a collection needs one of (see `_event_problem`).
_MARKS = "[{-?:"


def _event_problem(source: str, marks: int) -> tuple[str, int] | None:
    """Exact depth and node count from libyaml's parser events, before anything is composed.

    The scan above is fooled by brackets in quotes or comments (`[']',` nests while it counts
    zero) and by compact `? `/`- ? ` nesting on one line, and the C composer recurses once per
    level: it overflowed the C stack on such input. The parser keeps its stack on the heap, so
    walking its events is safe at any depth. Every collection needs one of `[{-?:`, so a small
    block with few of them can neither nest deeply nor hold many values: it skips the walk.
    """
    if len(source) <= MAX_NODES // 2 and marks <= MAX_NESTING:  # marks: of `_MARKS`
        return None
    depth = nodes = 0
    try:
        for event in yaml.parse(source, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    deep = f"frontmatter nests deeper than {MAX_NESTING} levels: refused unparsed"
                    return (deep, _index(event))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    many = f"frontmatter holds more than {MAX_NODES:,} values: refused unparsed"
                    return (many, _index(event))
    except yaml.YAMLError:
        return None  # composing reports the syntax error at its place
    return None


def _index(event: yaml.Event) -> int:
    return event.start_mark.index if event.start_mark is not None else 0


_ALIAS_REFUSED = "YAML aliases (`*name`) are not allowed in frontmatter: write the value out"


class _Refused(Exception):
    def __init__(self, message: str, start: int, end: int, *, alias: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end
        self.alias = alias


def _first_alias(source: str, base: int, start: int, end: int) -> tuple[int, int]:
    """Where the first `*alias` is written: composed nodes only know where the anchor was."""
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark and event.end_mark:
            return base + event.start_mark.index, base + event.end_mark.index
    return start, end


class _Walker:
    """Builds Python values from composed nodes, recording positions; refuses unsafe input."""

    _constructor = yaml.constructor.SafeConstructor()

    def __init__(self, base: int, text: str) -> None:
        self.base = base
        self.text = text
        self.seen: set[int] = set()
        self.positions: dict[KeyPath, Located] = {}
        self.problems: list[Problem] = []

    def _line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def _offsets(self, node: yaml.Node) -> tuple[int, int]:
        return self.base + node.start_mark.index, self.base + node.end_mark.index

    def build(self, node: yaml.Node, path: KeyPath) -> YamlValue:
        if id(node) in self.seen:
            start, end = self._offsets(node)
            raise _Refused(_ALIAS_REFUSED, start, end, alias=True)
        self.seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            start, end = self._offsets(node)
            raise _Refused(
                f"YAML tag `{node.tag.replace('tag:yaml.org,2002:', '!!')}` is not allowed in "
                "frontmatter: remove it",
                start,
                end,
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items: list[YamlValue] = []
            for i, item in enumerate(node.value):
                start, end = self._offsets(item)
                self.positions[(*path, i)] = _NewLocated(start, start, start, end)
                items.append(self.build(item, (*path, i)))
            return items
        try:
            value: YamlValue = self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                # `2025-13-01` looks like a date but is none: keep the text, so the schema rule
                # reports the field ("not a real date") instead of refusing the whole block.
                return str(node.value)
            start, end = self._offsets(node)
            raise _Refused(f"YAML value cannot be read: {exc}", start, end) from None
        finally:
            # The shared constructor remembers every node it built (PyYAML clears that only in
            # construct_document); left alone, every page's nodes stayed alive for the whole
            # run: about 5 MB per thousand pages.
            self._constructor.constructed_objects.clear()
            self._constructor.recursive_objects.clear()
        return value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, YamlValue]:
        out: dict[str, YamlValue] = {}
        for key_node, value_node in node.value:
            k_start, k_end = self._offsets(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(
                    "YAML merge keys (`<<`) are not allowed in frontmatter", k_start, k_end
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused("a frontmatter key must be plain text", k_start, k_end)
            if id(key_node) in self.seen:  # `*name` used as a key: an alias like any other
                raise _Refused(_ALIAS_REFUSED, k_start, k_end, alias=True)
            self.seen.add(id(key_node))
            key = str(key_node.value)
            v_start, v_end = self._offsets(value_node)
            if key in out:
                first = self.positions.get((*path, key))
                line_note = ""
                if first is not None:
                    line_note = f" (also at line {self._line_of(first.key_start)})"
                self.problems.append(
                    Problem(f"duplicate key `{key}`{line_note}: keep one", k_start, k_end)
                )
                continue
            self.positions[(*path, key)] = _NewLocated(k_start, k_end, v_start, v_end)
            out[key] = self.build(value_node, (*path, key))
        return out
