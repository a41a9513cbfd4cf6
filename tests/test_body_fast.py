"""The Markdown body's event loop gives what it gave before it was made cheaper.

`_reference_parse_body` is the loop as it was (each inline link through `_link`, one bisection
per text event for the bare-URL test, the reference definitions always parsed); the current
`parse_body` must give the same links, headings, anchors, code ranges and comments on generated
pages and on the repository's own pages.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

import pyromark
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from medlint import markdown as md
from medlint.document import Document

ROOT = Path(__file__).resolve().parent.parent


def _reference_parse_body(text: str, base: int) -> md.ParsedBody:
    """`markdown.parse_body` as it was before the inline-link shortcut, the remembered next
    mark and the skipped definitions parse."""
    utf8 = text.encode("utf-8", "surrogatepass")
    to_char = md.ByteToChar(text, utf8).function()
    out = md.ParsedBody()
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
    scan = bool(mark_starts)
    links = out.links
    code = out.code

    # pyromark's event union is a deep nest of TypedDicts; inside this loop we read it as the
    # plain JSON-like data it is. Nothing of it leaves this module untyped.
    events: Any = pyromark.events_with_range(text, options=md._OPTIONS)
    # pyromark gives an HTML block one event per line. Consecutive lines (with only the CR of a
    # CRLF between them) are joined and scanned as the source text they span, so a comment
    # written over several lines (a suppression with its reason below it) is one comment.
    block: list[int] = []  # [first byte, end byte] of the HTML block lines gathered so far

    # A page has about 150 events, a third each text, starts and ends, most of them needing
    # nothing: each event is told apart by its one key, the common ones first.
    for event, rng in events:
        if block:
            if (
                type(event) is dict
                and "Html" in event
                and utf8[block[1] : rng["start"]].strip(b"\r") == b""
            ):
                block[1] = rng["end"]
                continue
            s, e = to_char(block[0]), to_char(block[1])
            md._html(text, s, text[s:e], base, out)
            block.clear()
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
                k = bisect.bisect_left(mark_starts, b0)
                if k < len(mark_ends) and mark_ends[k] <= rng["end"]:
                    md._bare_urls(text, to_char(b0), to_char(rng["end"]), base, out)
        elif "Start" in event:
            start = event["Start"]
            if type(start) is dict:
                if "Heading" in start:
                    level = start["Heading"]["level"]
                    heading_level = md._LEVELS.get(level) or int(level[1:])
                    heading_start = to_char(rng["start"])
                    heading_text = []
                elif "Link" in start or "Image" in start:
                    link_depth += 1
                    scan = False
                    info = start.get("Link") or start["Image"]
                    s, e = to_char(rng["start"]), to_char(rng["end"])
                    md._link(text, s, e, info, "Image" in start, base, links)
                elif "CodeBlock" in start:
                    code.append((base + to_char(rng["start"]), base + to_char(rng["end"])))
                    in_code_block = True
                    scan = False
        elif "End" in event:
            end = event["End"]
            if type(end) is str:
                if end in ("Link", "Image"):
                    link_depth -= 1
                    scan = bool(mark_starts) and not link_depth and not in_code_block
                elif end == "CodeBlock":
                    in_code_block = False
                    scan = bool(mark_starts) and not link_depth
            elif heading_level and type(end) is dict and "Heading" in end:
                title = "".join(heading_text)
                slug = md.github_slug(title)
                n = slug_counts.get(slug, 0)
                slug_counts[slug] = n + 1
                if n:
                    slug = f"{slug}-{n}"
                out.anchors.add(slug)
                s = heading_start
                e = to_char(rng["end"])
                # The heading's range includes its line break; the span should not.
                while e > s and text[e - 1] in "\r\n":
                    e -= 1
                out.headings.append(
                    md.Heading(heading_level, title.strip(), slug, base + s, base + e)
                )
                heading_level = 0
        elif "Html" in event:
            block[:] = [rng["start"], rng["end"]]
        elif "Code" in event:
            code.append((base + to_char(rng["start"]), base + to_char(rng["end"])))
            if heading_level:
                heading_text.append(event["Code"])
        elif "InlineHtml" in event:
            md._html(text, to_char(rng["start"]), event["InlineHtml"], base, out)
    if block:
        s, e = to_char(block[0]), to_char(block[1])
        md._html(text, s, text[s:e], base, out)

    definitions: Any = pyromark.reference_definitions(text, options=md._OPTIONS)
    for info in definitions.values():
        s = to_char(info["span"]["start"])
        e = to_char(info["span"]["end"])
        raw = text[s:e]
        dest = info["dest"]
        found = next(md._dest_ends(raw, "]:", dest), None)
        if found is not None:
            d0 = s + found - len(dest)
            out.links.append(md.Link("definition", dest, base + d0, base + d0 + len(dest), True))
        else:
            out.links.append(md.Link("definition", dest, base + s, base + e, False))
    out.links.sort(key=md._START)
    return out


PIECES = st.sampled_from(
    [
        "a",
        " ",
        "é",
        "😀",
        "\n",
        "\n\n",
        "\r\n",
        "# ",
        "## ",
        "Side effects",
        "[l](http://e.org)",
        "[l](<http://e.org>)",
        "[l]( http://e.org )",
        '[l](http://e.org "t")',
        "[a](b)](c)",
        "[x](",
        "](",
        "![i](p.png)",
        "[![i](p.png)](q.md)",
        "[l](a\\_b)",
        "[l](a&amp;b)",
        "[r]",
        "[r][]",
        "[t][r]",
        "\n[r]: http://l.org\n",
        "\n[r]:\n  <d.md> 't'\n",
        "]:",
        "<http://h.org>",
        "<a@b.org>",
        "http://a.org",
        "www.c.org",
        "`code http://d.org`",
        "\n```\nhttp://i.org [l](x)\n```\n",
        "\n    indented [l](y)\n",
        "<!-- c -->",
        "\n<div id='x'>\n<!-- medlint-disable -->\n</div>\n",
        "<a href='http://k.org'>x</a>",
        "\n> ",
        "\n- ",
        "| a | b |\n|---|---|\n| [l](t) | c |\n",
        "[^1]\n\n[^1]: note [l](f)\n",
        # The inline-link shortcut reads bytes: destinations starting with a character that
        # is not printable ASCII, or holding one, must come out as the long way finds them.
        "\u00a0",
        "\x1c",
        "[l](é.md)",
        "[l](a-é.md)",
        "[l](\x1cx.md)",
        "[é](a.md)",
        "\n<div>\r\n<!-- a\r\nb -->\r\n</div>\r\n",
        "\n<p>\n\n<!-- c -->\n",
    ]
)


def _same(text: str, base: int) -> None:
    assert repr(md.parse_body(text, base)) == repr(_reference_parse_body(text, base))


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=14).map("".join), st.integers(0, 40))
@example("# T\n\nSee [l](a.md) and http://x.org.\n\n[r]: b.md\n", 0)
@example('[l](a.md "](")\n', 3)
@example('[l](a "](a")\n', 0)
def test_the_body_is_parsed_as_before(text: str, base: int) -> None:
    _same(text, base)


def test_the_repositorys_pages_are_parsed_as_before() -> None:
    pages = [*ROOT.glob("seeds/*.md"), *ROOT.glob("tests/fixtures/**/*.md")]
    assert pages
    for page in pages:
        doc = Document(str(page), page.read_text(encoding="utf-8"))
        _same(doc.text[doc.body_start :], doc.body_start)
