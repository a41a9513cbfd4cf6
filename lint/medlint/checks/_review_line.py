"""Shared by missing-reviewer and missing-frontmatter: the body's review line, and new YAML.

A scraped page often carries its reviewer in the body (`- Medical Review: Ilana Schlam, MD,
MPH`) instead of in `reviewedBy`. Both fixes move that line into the frontmatter, so the
pattern and the YAML writing live here once. New YAML is written the way PyYAML writes it
(`key:` then `- item` lines), indented like the block's existing lists, with the document's
line ending; the block's other lines are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from medlint.document import Document
from medlint.records import record

_LABEL = (
    r"medical(?:ly)?\s+review(?:ed|er)?(?:\s+by)?"
    r"|revisi[oó]n\s+m[eé]dica(?:\s+por)?|revisado\s+(?:m[eé]dicamente\s+)?por"
)
_REVIEW_LINE = (
    r"^[ \t]{0,3}(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<label>" + _LABEL + r")[ \t]*(?:\*\*|__)?"
    # `who` ends at a non-space (or is empty): a lazy `[^\r\n]*?` followed by `[ \t]*\r?$` re-read
    # every run of spaces from each of its characters, quadratic on a line of many spaces.
    r"[ \t]*(?P<colon>:)?[ \t]*(?:\*\*|__)?[ \t]*(?P<who>(?:[^\r\n]*[^ \t\r\n])?)[ \t]*\r?$"
)


@lru_cache(maxsize=1)
def _review_line() -> re.Pattern[str]:
    """`_REVIEW_LINE` compiled, on first use (2 ms at every start otherwise): only a page
    without a reviewer, or without frontmatter, is searched for a review line."""
    return re.compile(_REVIEW_LINE, re.IGNORECASE | re.MULTILINE)


def _strip_trailing(who: str) -> str:
    r"""`re.sub(r"(?:\*\*|__|[ \t.])+$", "", who)` in linear time (the regex, searched from
    every position of a long run of dots and spaces, re-read the run from each)."""
    while True:
        cut = who.rstrip(" \t.")
        if cut.endswith(("**", "__")):
            cut = cut[:-2]
        if cut == who:
            return who
        who = cut


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class ReviewLine:
    """A `Reviewed by` line: where it is and the names it gives."""

    line: int  # 1-based
    names: tuple[str, ...]

    def __init__(self, line: int, names: tuple[str, ...]) -> None:
        _set = object.__setattr__
        _set(self, "line", line)
        _set(self, "names", names)


def review_lines(doc: Document) -> list[ReviewLine]:
    """Body lines that name the medical reviewer (outside code), with the names they give."""
    text = doc.text
    out: list[ReviewLine] = []
    for m in _review_line().finditer(text, doc.body_start):
        label = m.group("label").lower()
        if not m.group("colon") and not label.endswith(("by", "por")):
            continue  # "Medical review is important…" is prose, not a review line.
        who = _strip_trailing(m.group("who")).strip()
        names = tuple(n.strip() for n in who.split(";") if n.strip())
        if not names or doc.in_code(m.start()):
            continue
        out.append(ReviewLine(doc.lines.position(m.start())[0], names))
    return out


def list_indent(doc: Document) -> str:
    """The indentation of `- item` lines already in the block ("" when it has none)."""
    fm = doc.frontmatter
    if fm is None:
        return ""
    m = re.search(r"^( *)- ", doc.text[fm.content_start : fm.content_end], re.MULTILINE)
    return m.group(1) if m else ""


def yaml_lines(data: dict[str, object], newline: str, indent: str = "") -> str:
    """`data` as block YAML, the way yaml.safe_dump writes it, with the page's line ending."""
    dumped = yaml.safe_dump(
        data, allow_unicode=True, default_flow_style=False, sort_keys=False, width=2**31 - 1
    )
    lines = [indent + line if line.startswith("- ") else line for line in dumped.splitlines()]
    return newline.join(lines) + newline


def insertion_point(doc: Document, key: str) -> int | None:
    """Where a new top-level `key` goes: in sorted order if the keys are sorted, else last.

    None when the block is not plain block-style YAML that a line can be added to.
    """
    fm = doc.frontmatter
    if fm is None or fm.data is None or not fm.closed:
        return None
    content = doc.text[fm.content_start : fm.content_end]
    if content.lstrip().startswith(("{", "[")):
        return None
    keys = fm.key_order
    if keys == sorted(keys):
        for existing in keys:
            if existing > key:
                loc = doc.located(existing)
                if loc is None:
                    return None
                line = doc.lines.position(loc.key_start)[0]
                start = doc.lines.line_start(line)
                if doc.text[start : loc.key_start].strip():
                    return None  # The key does not start its line: not plain block YAML.
                return start
    return fm.content_end
