"""Rule packs: the YAML data under rules/ (and any packs a project adds), validated at load.

Packs are merged in order: the shipped ones, then those named by `rule-packs` in config. Lists
extend, mappings merge. Errors name the pack file and the key, as vale does, because the people
who edit packs are content editors, not Python developers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from medlint.safe_regex import Matcher, UnsafePattern, compile_pattern


class PackError(Exception):
    """A rule pack that cannot be used; the message names the file and the key."""


class _Phrases(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    phrases: list[str] = []
    case_sensitive: list[str] = Field(default=[], alias="case-sensitive")
    patterns: list[str] = []


class _PackFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    cancer_types: dict[str, list[str]] = Field(default={}, alias="cancer-types")
    languages: list[str] = []
    credentials: list[str] = []
    placeholders: _Phrases = _Phrases()
    boilerplate: _Phrases = _Phrases()


@dataclass(frozen=True, slots=True)
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
        for pattern in self.compiled:
            hits.extend(m.span() for m in pattern.finditer(text, start, stop))
        hits.sort()
        merged: list[tuple[int, int]] = []
        for s, e in hits:
            if merged and s < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged


@dataclass(frozen=True, slots=True)
class RulePacks:
    cancer_types: dict[str, tuple[str, ...]]
    languages: frozenset[str]
    credentials: frozenset[str]
    placeholders: PhraseSet
    boilerplate: PhraseSet
    sources: tuple[str, ...] = ()


def _compile_set(p: _Phrases, where: str) -> PhraseSet:
    compiled: list[Matcher] = []
    if p.phrases:
        alts = "|".join(re.escape(x) for x in sorted(set(p.phrases), key=len, reverse=True))
        compiled.append(re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE))
    if p.case_sensitive:
        alts = "|".join(re.escape(x) for x in sorted(set(p.case_sensitive), key=len, reverse=True))
        compiled.append(re.compile(rf"(?<!\w)(?:{alts})(?!\w)"))
    for i, pattern in enumerate(p.patterns):
        try:
            compiled.append(compile_pattern(pattern))
        except UnsafePattern as exc:
            raise PackError(f"{where}: patterns[{i}] `{pattern}`: {exc}") from None
    return PhraseSet(tuple(p.phrases), tuple(p.case_sensitive), tuple(p.patterns), tuple(compiled))


def _read(text: str, source: str) -> _PackFile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PackError(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:  # the pure-Python loader recurses once per nesting level
        raise PackError(f"{source}: not valid YAML: nested too deeply") from None
    if data is None:
        data = {}
    try:
        return _PackFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise PackError(f"{source}: `{key}`: {err['msg']}") from None


def load_packs(extra: list[Path] | tuple[Path, ...] = ()) -> RulePacks:
    """The shipped packs, then `extra` ones, merged and compiled."""
    files: list[tuple[str, str]] = []
    root = resources.files("medlint.rules")
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            files.append((f"medlint.rules/{entry.name}", entry.read_text(encoding="utf-8")))
    for path in extra:
        try:
            files.append((str(path), path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise PackError(f"{path}: cannot read rule pack: {exc.strerror}") from None
    merged = _PackFile()
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
    return RulePacks(
        cancer_types={k: tuple(v) for k, v in merged.cancer_types.items()},
        languages=frozenset(merged.languages),
        credentials=frozenset(c.replace(".", "").upper() for c in merged.credentials),
        placeholders=_compile_set(merged.placeholders, "placeholders"),
        boilerplate=_compile_set(merged.boilerplate, "boilerplate"),
        sources=tuple(s for s, _ in files),
    )
