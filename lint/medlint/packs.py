"""Rule packs: the YAML data under rules/ (and any packs a project adds), validated at load.

Packs are merged in order: the shipped ones, then those named by `rule-packs` in config. Lists
extend, mappings merge. Errors name the pack file and the key, as vale does, because the people
who edit packs are content editors, not Python developers.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from medlint.config import Invalid, parse_table

# The frontmatter's safety scan, shared rather than written twice.
from medlint.frontmatter import _nesting_problem
from medlint.records import record
from medlint.safe_regex import Matcher, UnsafePattern, compile_pattern

try:
    from yaml import CSafeLoader as _CLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _CLoader  # type: ignore[assignment]


class PackError(Exception):
    """A rule pack that cannot be used; the message names the file and the key."""


# A pack file's tables, read by config's validator: keys in kebab-case (`case-sensitive`), an
# unknown key or a wrong type is an error naming the key. Not frozen: `load_packs` merges the
# files into one of them.
@record(frozen=False)
@dataclass(init=False, repr=False, eq=False, slots=True)
class _Phrases:
    """A pack file's phrase table (placeholders or boilerplate), as written."""

    phrases: list[str] = field(default_factory=list)
    case_sensitive: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)

    def __init__(
        self,
        phrases: list[str] | None = None,
        case_sensitive: list[str] | None = None,
        patterns: list[str] | None = None,
    ) -> None:
        self.phrases = [] if phrases is None else phrases
        self.case_sensitive = [] if case_sensitive is None else case_sensitive
        self.patterns = [] if patterns is None else patterns

    __hash__ = None  # type: ignore[assignment]  # mutable, as @dataclass leaves it


@record(frozen=False)
@dataclass(init=False, repr=False, eq=False, slots=True)
class _PackFile:
    """One rule pack file's tables, as written."""

    cancer_types: dict[str, list[str]] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    credentials: list[str] = field(default_factory=list)
    placeholders: _Phrases = field(default_factory=_Phrases)
    boilerplate: _Phrases = field(default_factory=_Phrases)

    def __init__(
        self,
        cancer_types: dict[str, list[str]] | None = None,
        languages: list[str] | None = None,
        credentials: list[str] | None = None,
        placeholders: _Phrases | None = None,
        boilerplate: _Phrases | None = None,
    ) -> None:
        self.cancer_types = {} if cancer_types is None else cancer_types
        self.languages = [] if languages is None else languages
        self.credentials = [] if credentials is None else credentials
        self.placeholders = _Phrases() if placeholders is None else placeholders
        self.boilerplate = _Phrases() if boilerplate is None else boilerplate

    __hash__ = None  # type: ignore[assignment]  # mutable, as @dataclass leaves it


# Under re.IGNORECASE exactly these non-ASCII characters match ASCII ones (İ and ı match i, the
# Kelvin sign k, the long s s); mapped first, `lower()` then keeps every offset in place.
_FOLDS = (("\u0130", "i"), ("\u0131", "i"), ("\u212a", "k"), ("\u017f", "s"))
_folded: list[str | None] = [None, None]  # the text last folded, and its folded form


def _fold(text: str) -> str:
    for char, ascii_char in _FOLDS:
        if char in text:
            text = text.replace(char, ascii_char)
    return text.lower()


def _ascii_core(phrase: str) -> str:
    """The longest run of ASCII characters in a phrase, lower-cased (case-folded as above)."""
    return max(re.findall(r"[\x00-\x7f]+", phrase), key=len, default="").lower()


class _Literals:
    """A pattern of literal phrases behind a test that is cheap and can only say no.

    Rule packs hold dozens of phrases; one alternation of them, with the word-boundary
    lookarounds, makes Python's regex engine try every position of the page, which cost more
    than parsing it. A phrase can only match where its text occurs in the range (for the
    case-insensitive set: its longest ASCII run, case-folded), and `str.find` tells that in C;
    the pattern runs only when some phrase may occur, so the matches are exactly the pattern's.
    """

    __slots__ = ("fold", "needles", "pattern")

    def __init__(self, pattern: re.Pattern[str], needles: tuple[str, ...], *, fold: bool) -> None:
        self.pattern = pattern
        self.needles = needles
        self.fold = fold

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        hay = text
        if self.fold:
            if _folded[0] is not text:
                _folded[0] = text
                _folded[1] = _fold(text)
            hay = _folded[1] or ""
        lo = max(pos, 0)
        if not any(hay.find(needle, lo, endpos) >= 0 for needle in self.needles):
            return iter(())
        return self.pattern.finditer(text, pos, endpos)


# The text last scanned by `_first_match`, and each linear-time pattern's first match start in it.
_scanned: list[object] = [None]
_first_starts: list[tuple[Matcher, int | None]] = []


def _first_match(pattern: Matcher, text: str) -> int | None:
    """Where `pattern`'s leftmost match in the whole text starts (None: nowhere).

    Rules ask for matches in many small ranges of one page (each frontmatter value, then the
    body), and every call into the linear-time engine re-encodes the whole page: that cost more
    than the rest of the page's checks. The engine judges `^`, `$` and `\b` by the whole text
    even when given a range, so a match inside any range is also a match of the whole text, and
    starts at or after the whole text's leftmost one: one search per page and pattern tells
    which ranges cannot match, and only the others are searched.
    """
    if _scanned[0] is not text:
        _scanned[0] = text
        _first_starts.clear()
    for known, first in _first_starts:
        if known is pattern:
            return first
    match = next(iter(pattern.finditer(text)), None)
    first = match.span()[0] if match is not None else None
    _first_starts.append((pattern, first))
    return first


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class PhraseSet:
    """Literal phrases and patterns compiled into one matcher each."""

    phrases: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    compiled: tuple[Matcher, ...] = field(default=(), compare=False)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """Every (start, end) match in text[start:end], sorted, overlapping ones merged."""
        stop = len(text) if end is None else end
        hits: list[tuple[int, int]] = []
        compiled = self.compiled
        if not compiled and (self.phrases or self.case_sensitive or self.patterns):
            # Built on first use (see `_compile_set`): a cache, outside equality and hashing.
            compiled = _matchers(self.phrases, self.case_sensitive, self.patterns)
            object.__setattr__(self, "compiled", compiled)
        for pattern in compiled:
            if not isinstance(pattern, (re.Pattern, _Literals)):
                first = _first_match(pattern, text)
                if first is None or stop < first:
                    continue  # see _first_match: no match can lie in text[start:stop]
            hits.extend(m.span() for m in pattern.finditer(text, start, stop))
        hits.sort()
        merged: list[tuple[int, int]] = []
        for s, e in hits:
            if merged and s < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged

    def __init__(
        self,
        phrases: tuple[str, ...] = (),
        case_sensitive: tuple[str, ...] = (),
        patterns: tuple[str, ...] = (),
        compiled: tuple[Matcher, ...] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "phrases", phrases)
        _set(self, "case_sensitive", case_sensitive)
        _set(self, "patterns", patterns)
        _set(self, "compiled", compiled)


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class RulePacks:
    """The shipped packs merged with the project's, ready for the checks."""

    cancer_types: dict[str, tuple[str, ...]]
    languages: frozenset[str]
    credentials: frozenset[str]
    placeholders: PhraseSet
    boilerplate: PhraseSet
    sources: tuple[str, ...] = ()

    def __init__(
        self,
        cancer_types: dict[str, tuple[str, ...]],
        languages: frozenset[str],
        credentials: frozenset[str],
        placeholders: PhraseSet,
        boilerplate: PhraseSet,
        sources: tuple[str, ...] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "cancer_types", cancer_types)
        _set(self, "languages", languages)
        _set(self, "credentials", credentials)
        _set(self, "placeholders", placeholders)
        _set(self, "boilerplate", boilerplate)
        _set(self, "sources", sources)


def _compile_set(p: _Phrases, where: str, origins: list[tuple[str, int]]) -> PhraseSet:
    """`origins[i]` is the pack file and index `p.patterns[i]` came from, for error messages.

    A project's pack is compiled here, so that a pattern the linear-time engine refuses is an
    error at load naming its file and key. The shipped packs' patterns are known to compile
    (tests/test_startup.py), and compiling them is about a twentieth of a one-page run that
    seldom uses them: the checks run a combined screen first (checks/_phrases.py), and a
    set's own matchers only where it hits. A set of shipped phrases alone is compiled on first
    use, by `PhraseSet.finditer`.
    """
    phrases, case_sensitive, patterns = tuple(p.phrases), tuple(p.case_sensitive), tuple(p.patterns)
    if all(source.startswith(SHIPPED) for source, _ in origins):
        return PhraseSet(phrases, case_sensitive, patterns)
    for i, pattern in enumerate(p.patterns):
        try:
            compile_pattern(pattern)
        except UnsafePattern as exc:
            source, index = origins[i]
            raise PackError(f"{source}: `{where}.patterns[{index}]` `{pattern}`: {exc}") from None
    return PhraseSet(
        phrases, case_sensitive, patterns, _matchers(phrases, case_sensitive, patterns)
    )


# The name the shipped packs' sources start with (see `load_packs`).
SHIPPED = "medlint.rules/"


def _matchers(
    phrases: tuple[str, ...], case_sensitive: tuple[str, ...], patterns: tuple[str, ...]
) -> tuple[Matcher, ...]:
    """A set's matchers: its phrases as one pattern, its case-sensitive ones as another, then
    each of its patterns (already known to compile)."""
    compiled: list[Matcher] = []
    if phrases:
        alts = "|".join(re.escape(x) for x in sorted(set(phrases), key=len, reverse=True))
        anycase = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)
        cores = {_ascii_core(x) for x in phrases}
        if "" in cores:
            compiled.append(anycase)
        else:
            compiled.append(_Literals(anycase, tuple(sorted(cores)), fold=True))
    if case_sensitive:
        alts = "|".join(re.escape(x) for x in sorted(set(case_sensitive), key=len, reverse=True))
        exact = re.compile(rf"(?<!\w)(?:{alts})(?!\w)")
        compiled.append(_Literals(exact, tuple(sorted(set(case_sensitive))), fold=False))
    compiled += [compile_pattern(pattern) for pattern in patterns]
    return tuple(compiled)


def _load_yaml(text: str) -> object:
    """A pack's data: by libyaml where the frontmatter's safety scan passes, else pure Python.

    Packs are read on every run, the pre-commit hook's one-page runs included, and the
    pure-Python loader took about 25 ms for the shipped ones, ten times libyaml's time. libyaml's
    composer recurses once per nesting level, so it only gets text the scan (bracket depth,
    indentation, parser events) shows to be shallow and small; anything it rejects is read again
    by the pure-Python loader, so errors are worded as before.
    """
    if _nesting_problem(text) is None:
        try:
            return yaml.load(text, Loader=_CLoader)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def _read(text: str, source: str) -> _PackFile:
    try:
        data = _load_yaml(text)
    except yaml.YAMLError as exc:
        raise PackError(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:  # the pure-Python loader recurses once per nesting level
        raise PackError(f"{source}: not valid YAML: nested too deeply") from None
    if data is None:
        data = {}
    try:
        return parse_table(_PackFile, data)
    except Invalid as exc:
        first = exc.problems[0]
        key = ".".join(str(p) for p in first.loc)
        raise PackError(f"{source}: `{key}`: {first.msg}") from None


def _shipped() -> list[tuple[str, str]]:
    """The shipped packs (the `medlint.rules` package's YAML files) by name, name order.

    Read from the package's folder: `importlib.resources` would import tempfile and shutil on
    every run, for a package pip always installs as plain files. A package without a folder
    (imported from a zip) is still read through it.
    """
    from importlib import import_module

    folder = os.path.dirname(import_module("medlint.rules").__file__ or "")
    if not os.path.isdir(folder):
        from importlib import resources

        entries = sorted(resources.files("medlint.rules").iterdir(), key=lambda e: e.name)
        return [(e.name, e.read_text("utf-8")) for e in entries if e.name.endswith(".yaml")]
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                out.append((name, handle.read()))
    return out


def load_packs(extra: list[Path] | tuple[Path, ...] = ()) -> RulePacks:
    """The shipped packs, then `extra` ones, merged and compiled."""
    from medlint.discovery import read_regular

    files: list[tuple[str, str]] = []
    for name, text in _shipped():
        files.append((f"{SHIPPED}{name}", text))
    for path in extra:
        try:
            files.append((str(path), read_regular(path).decode("utf-8")))
        except OSError as exc:
            raise PackError(f"{path}: cannot read rule pack: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise PackError(f"{path}: rule pack is not UTF-8 text ({exc.reason})") from None
    merged = _PackFile()
    origins: dict[str, list[tuple[str, int]]] = {"placeholders": [], "boilerplate": []}
    for source, text in files:
        part = _read(text, source)
        for slug, words in part.cancer_types.items():
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
                raise PackError(
                    f"{source}: `cancer-types.{slug}`: a slug is lower-case words and hyphens"
                )
            merged.cancer_types.setdefault(slug, []).extend(words)
        merged.languages.extend(part.languages)
        merged.credentials.extend(part.credentials)
        for name in ("placeholders", "boilerplate"):
            dst: _Phrases = getattr(merged, name)
            src: _Phrases = getattr(part, name)
            dst.phrases.extend(src.phrases)
            dst.case_sensitive.extend(src.case_sensitive)
            dst.patterns.extend(src.patterns)
            origins[name].extend((source, i) for i in range(len(src.patterns)))
    return RulePacks(
        cancer_types={k: tuple(v) for k, v in merged.cancer_types.items()},
        languages=frozenset(merged.languages),
        credentials=frozenset(c.replace(".", "").upper() for c in merged.credentials),
        placeholders=_compile_set(merged.placeholders, "placeholders", origins["placeholders"]),
        boilerplate=_compile_set(merged.boilerplate, "boilerplate", origins["boilerplate"]),
        sources=tuple(s for s, _ in files),
    )
