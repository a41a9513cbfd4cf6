"""The document model: decoding, line endings, frontmatter positions, links and headings."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from medlint.document import Document
from medlint.engine import document_from_bytes
from medlint.markdown import github_slug
from medlint.text import LineIndex, decode


def test_bom_is_kept_aside_and_offsets_start_after_it() -> None:
    decoded = decode("\ufeff---\ntitle: é\n---\n".encode())
    assert decoded.bom
    doc = Document("a.md", decoded.text, bom=decoded.bom)
    assert doc.meta == {"title": "é"}
    assert doc.key_span("title").line == 2
    assert doc.key_span("title").column == 1


@pytest.mark.parametrize("nl", ["\n", "\r\n", "\r"])
def test_line_endings_give_the_same_positions(nl: str) -> None:
    text = nl.join(["---", "title: x", "url: y", "---", "", "# Head", "[a](/b)", ""])
    doc = Document("a.md", text)
    assert doc.frontmatter is not None
    assert doc.value_span("url").line == 3
    assert doc.value_span("url").column == 6
    (link,) = doc.body.links
    assert doc.span(link.start, link.end).line == 7
    assert text[link.start : link.end] == "/b"
    (heading,) = doc.body.headings
    assert doc.span(heading.start, heading.end).line == 6


def test_mixed_line_endings_positions() -> None:
    text = "a\r\nb\nc\rd"
    index = LineIndex(text)
    assert [index.position(text.index(ch)) for ch in "abcd"] == [(1, 1), (2, 1), (3, 1), (4, 1)]
    assert index.line_end(1) == 1
    assert index.line_end(1, with_break=True) == 3


def test_non_ascii_text_gives_character_offsets() -> None:
    text = "# Héllo ≥ wörld\n\nµg/m² see [dóse](/ruta/ñ) and <https://ex.org/é>\n"
    doc = Document("a.md", text)
    targets = [(link.kind, text[link.start : link.end]) for link in doc.body.links]
    assert targets == [("inline", "/ruta/ñ"), ("autolink", "https://ex.org/é")]
    assert doc.body.headings[0].slug == "héllo--wörld"


LINKS_PAGE = """\
# Title

Inline [a](https://a.example/x "t") and image ![i](img/p.png).
Reference [b][ref] and collapsed [ref][] and autolink <https://c.example>.
Raw <a href="https://d.example/y">d</a> and bare https://e.example/z.
Code `[no](https://code.example)` is text.

```
[no](https://block.example)
```

    [no](https://indented.example)

<!-- [no](https://comment.example) -->

[ref]: https://b.example/r
"""


def test_links_are_extracted_with_exact_spans_and_code_is_not_a_link() -> None:
    doc = Document("a.md", LINKS_PAGE)
    got = [(link.kind, link.target) for link in doc.body.links]
    assert got == [
        ("inline", "https://a.example/x"),
        ("image", "img/p.png"),
        ("autolink", "https://c.example"),
        ("html", "https://d.example/y"),
        ("bare", "https://e.example/z"),
        ("definition", "https://b.example/r"),
    ]
    for link in doc.body.links:
        assert LINKS_PAGE[link.start : link.end] == link.target


def _reference_targets(text: str) -> list[str]:
    """Link targets as markdown-it-py (the reference parser) sees them."""
    out: list[str] = []
    md = MarkdownIt("commonmark")
    env: dict[str, object] = {}
    for token in md.parse(text, env):
        for child in token.children or []:
            if child.type in ("link_open", "image") or child.type == "link_open":
                attr = child.attrGet("href") or child.attrGet("src")
                if attr is not None:
                    out.append(str(attr))
    return out


def test_link_targets_agree_with_markdown_it_py_on_the_seed() -> None:
    from tests.conftest import SEEDS

    text = (SEEDS / "nci-ado-trastuzumab-emtansine.md").read_text(encoding="utf-8")
    doc = Document("a.md", text)
    ours = [link.target for link in doc.body.links if link.kind in ("inline", "image")]
    assert ours == _reference_targets(text[doc.body_start :])
    assert len(ours) == 15


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Use in Cancer", "use-in-cancer"),
        ("Ado-Trastuzumab Emtansine - NCI", "ado-trastuzumab-emtansine---nci"),
        ("What's new? (2025)", "whats-new-2025"),
        ("Ñandú y café", "ñandú-y-café"),
        ("snake_case `code`", "snake_case-code"),
    ],
)
def test_github_slugs(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def test_duplicate_headings_get_numbered_slugs() -> None:
    doc = Document("a.md", "# A\n\n## A\n\n## A\n")
    assert [h.slug for h in doc.body.headings] == ["a", "a-1", "a-2"]


def test_frontmatter_positions_of_list_items() -> None:
    text = "---\ncancerTypes:\n- breast\n- lungs\n---\n"
    doc = Document("a.md", text)
    span = doc.value_span("cancerTypes", 1)
    assert (span.line, span.column) == (4, 3)
    assert text[span.start : span.end] == "lungs"


def test_undecodable_bytes_are_a_finding_with_line() -> None:
    result = document_from_bytes("x.md", b"ok\nbad \xff here\n")
    assert not isinstance(result, Document)
    assert result.rule == "unreadable-file"
    assert (result.span.line, result.span.column) == (2, 5)
