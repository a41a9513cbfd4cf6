"""The per-page fast paths of the fifth session build exactly what the slow ones did.

- the record builders (`_NewLink`, `_NewHeading`, `_NewComment`, `_NewLocated`, `_NewSpan`) make
  objects of the record's own class, frozen, equal, hashed, shown and pickled as the class's
  constructor makes them;
- the Document's lazy attributes are computed once and then read from the instance;
- the line index and the byte-to-character conversion agree with their definitions.
"""

from __future__ import annotations

import dataclasses
import pickle
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medlint import frontmatter, markdown
from medlint import text as text_mod
from medlint.document import Document
from medlint.findings import Span
from medlint.text import ByteToChar, LineIndex

BUILDERS: list[tuple[Any, type[Any], tuple[object, ...]]] = [
    (markdown._NewLink, markdown.Link, ("inline", "a.md", 3, 7, True)),
    (markdown._NewHeading, markdown.Heading, (2, "Side effects", "side-effects", 0, 15)),
    (markdown._NewComment, markdown.Comment, (" medlint: ignore ", 4, 27)),
    (frontmatter._NewLocated, frontmatter.Located, (1, 6, 8, 20)),
    (text_mod._NewSpan, Span, (3, 9, 1, 4, 2, 1)),
]


@pytest.mark.parametrize(("builder", "cls", "args"), BUILDERS)
def test_builders_make_the_record_itself(
    builder: Any, cls: type[Any], args: tuple[object, ...]
) -> None:
    made = builder(*args)
    direct = cls(**dict(zip([f.name for f in dataclasses.fields(cls)], args, strict=True)))
    assert type(made) is cls
    assert made == direct and direct == made
    assert hash(made) == hash(direct)
    assert repr(made) == repr(direct)
    assert pickle.dumps(made) == pickle.dumps(direct)
    assert pickle.loads(pickle.dumps(made)) == direct
    assert dataclasses.astuple(made) == args
    name = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, name, "changed")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(made, name)


def test_parsed_records_are_of_their_own_class() -> None:
    text = (
        "---\ntitle: A\ntags:\n- x\n---\n\n# Title\n\n<!-- note -->\n\n"
        "See [a](a.md) and <https://b.org>.\n\n[d]: c.md\n"
    )
    doc = Document("p.md", text)
    assert doc.frontmatter is not None
    assert {type(v) for v in doc.frontmatter.positions.values()} == {frontmatter.Located}
    assert {type(k) for k in doc.body.links} == {markdown.Link}
    assert [k.kind for k in doc.body.links] == ["inline", "autolink", "definition"]
    assert {type(h) for h in doc.body.headings} == {markdown.Heading}
    assert {type(c) for c in doc.body.comments} == {markdown.Comment}


def test_lazy_attributes_are_computed_once() -> None:
    doc = Document("p.md", "# Title\n\ntext\n")
    body = doc.body
    assert doc.body is body
    assert doc.lines is doc.lines
    assert doc.memo is doc.memo
    assert "body" in vars(doc) and "lines" in vars(doc)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "\n", "\r", "\r\n", "\u00e9", "\u2028", "\x0b"]), max_size=25)
)
def test_line_index_starts_after_each_line_break(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    assert LineIndex(text).starts == expected


CHARS = st.sampled_from(["a", " ", "\n", "é", "°", "€", "😀", "\ud800", "中", "\x80"])


def _reference_char(text: str, byte_offset: int) -> int:
    utf8 = text.encode("utf-8", "surrogatepass")
    if byte_offset >= len(utf8):
        return len(text) + byte_offset - len(utf8)
    return sum(1 for b in utf8[:byte_offset] if not 0x80 <= b <= 0xBF)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(CHARS, max_size=30).map("".join),
    st.lists(st.integers(min_value=0, max_value=130), max_size=40),
)
def test_the_conversion_function_follows_any_order_of_offsets(
    text: str, offsets: list[int]
) -> None:
    """Offsets on boundaries, inside characters and past the end, in any order: the decoding
    path and the counting path hand over to each other without drift."""
    to_char = ByteToChar(text).function()
    for offset in offsets:
        assert to_char(offset) == _reference_char(text, offset)
