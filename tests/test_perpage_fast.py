"""Per-page shortcuts give what the plain computation they replaced gives.

Each test keeps the replaced code (or its definition) as the reference and compares on
generated input: the frontmatter reader that reads each line once per distinct line, the
closing fence found without a lookbehind, byte offsets converted by a closure, the bare-URL
test by the positions of `://` and `www.`, and the review dates remembered by their values.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from medlint import frontmatter as fm
from medlint.frontmatter import _BLANK, _INDENT, _ITEM, _KEY, _NOT_READ, _VALUE, Located
from medlint.text import ByteToChar
from tests.test_frontmatter_simple import blocks


def _reference_simple_block(source: str, base: int) -> Any:
    """`frontmatter._simple_block` as it was: the block matched line by line in place."""
    refused = fm._NOT_SIMPLE_ASCII if source.isascii() else fm._not_simple()
    if refused.search(source) is not None:
        return None
    crs = source.count("\r")
    if crs and crs != source.count("\r\n"):
        return None
    data: dict[str, object] = {}
    positions: dict[tuple[str | int, ...], Located] = {}
    size = len(source)
    pos = 0
    open_key: str | None = None
    key_start = key_end = seq_start = indent = 0
    items: list[object] = []
    spans: list[tuple[int, int]] = []
    while True:
        m = fm._SIMPLE_LINE.match(source, pos)
        if m is None:
            return None
        kind = m.lastindex
        if kind == _ITEM:
            if open_key is None:
                return None
            if not items:
                indent = m.end(_INDENT) - m.start(_INDENT)
                seq_start = base + m.end(_INDENT)
            elif m.end(_INDENT) - m.start(_INDENT) != indent:
                return None
            scalar = fm._simple_scalar(m.group(_ITEM))
            if scalar is _NOT_READ:
                return None
            items.append(scalar)
            spans.append((base + m.start(_ITEM), base + m.end(_ITEM)))
        elif kind != _BLANK or pos == size:
            if open_key is not None:
                if items:
                    positions[(open_key,)] = Located(key_start, key_end, seq_start, base + pos)
                    for n, (s, e) in enumerate(spans):
                        positions[(open_key, n)] = Located(s, s, s, e)
                    data[open_key] = items
                    items, spans = [], []
                else:
                    value = fm._plain("")
                    if value is _NOT_READ:
                        return None
                    positions[(open_key,)] = Located(key_start, key_end, key_end + 1, key_end + 1)
                    data[open_key] = value
                open_key = None
            if kind == _BLANK:
                return data, positions
            key = m.group(_KEY)
            if key in data:
                return None
            key_start = base + pos
            key_end = key_start + len(key)
            if kind == _KEY:
                open_key = key
            else:
                scalar = fm._simple_scalar(m.group(_VALUE))
                if scalar is _NOT_READ:
                    return None
                positions[(key,)] = Located(
                    key_start, key_end, base + m.start(_VALUE), base + m.end(_VALUE)
                )
                data[key] = scalar
        pos = min(m.end() + 1, size)


def _same_reading(source: str, base: int) -> None:
    expected = _reference_simple_block(source, base)
    for _ in range(2):  # the second time from the remembered lines
        got = fm._simple_block(source, base)
        if expected is None:
            assert got is None
        else:
            assert got is not None
            assert repr(got[0]) == repr(expected[0])
            assert list(got[1].items()) == list(expected[1].items())


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks(), st.integers(0, 5), st.sampled_from(["", " ", "x", "  \n", "a: b", "\r"]))
@example("---\ntitle: x\n---\n", 0, "")
def test_the_line_by_line_reader_reads_as_the_block_reader_did(
    text: str, cut: int, tail: str
) -> None:
    found = fm.locate(text)
    assert found is not None
    source = text[found.content_start : found.content_end]
    _same_reading(source, found.content_start)
    # Blocks not ending with a line break, or cut inside a line: only tests and odd callers.
    _same_reading(source[: max(0, len(source) - cut)] + tail, 3)


def test_remembered_lines_are_bounded() -> None:
    for n in range(fm._MAX_LINES + 10):
        fm._simple_block(f"k{n}: v\n", 0)
    assert len(fm._LINES) <= fm._MAX_LINES


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(["---\n", "---\r\n", "--- \r", "---\t\n"]),
    st.lists(
        st.sampled_from(["---", "...", "\n", "\r", "\r\n", " ", "\t", "a", "--- ", "-", "."]),
        max_size=12,
    ),
)
def test_the_closing_fence_is_where_the_lookbehind_pattern_finds_it(
    opening: str, pieces: list[str]
) -> None:
    text = opening + "".join(pieces)
    found = fm.locate(text)
    assert found is not None
    opened = re.compile(r"---[ \t]*(?:\r\n|\r|\n)").match(text)
    assert opened is not None
    fence = re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)")
    close = fence.search(text, opened.end())
    if close is None:
        assert not found.closed
    else:
        assert found.closed
        assert (found.content_start, found.content_end, found.end) == (opened.end(), *close.span())


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(["a", " ", "-", "\t", "\n", "\r", "[", "{"]), max_size=400).map(
        "".join
    )
)
def test_the_indentation_scan_is_skipped_only_where_it_finds_nothing(source: str) -> None:
    deep = re.search(rf"^[ \t-]{{{fm.MAX_INDENT},}}", source, re.MULTILINE)
    problem = fm._nesting_problem(source)
    if deep is not None:
        assert problem is not None and problem[1] <= deep.start()


CHARS = st.sampled_from(["a", " ", "\n", "é", "°", "€", "😀", "\ud800", "中", "\x80"])


@settings(max_examples=300, deadline=None)
@given(st.lists(CHARS, max_size=30).map("".join), st.randoms(use_true_random=False))
def test_the_conversion_function_converts_as_the_object_does(text: str, rnd: Any) -> None:
    offsets = list(range(len(text.encode("utf-8", "surrogatepass")) + 3))
    rnd.shuffle(offsets)
    reference = ByteToChar(text)
    function = ByteToChar(text).function()
    for offset in offsets:
        assert function(offset) == reference(offset)


URL_PIECES = st.sampled_from(
    [
        "http://a.org",
        "https://b.org/x_y",
        "www.c.org",
        "://",
        "www.",
        "ww",
        "w.",
        "\\_",
        "*",
        "_",
        " ",
        "\n",
        "\n\n",
        "`code http://d.org`",
        "[l](http://e.org)",
        "[http://f.org](g)",
        "<http://h.org>",
        "\n```\nhttp://i.org\n```\n",
        "é",
        "# ",
        "&amp;",
        "<!-- http://j.org -->",
        "<a href='http://k.org'>x</a>",
        "\n[r]: http://l.org\n",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(URL_PIECES, max_size=10).map("".join))
def test_bare_urls_are_found_where_text_events_hold_a_mark(text: str) -> None:
    """The links of a body, with the marks' positions, are those of the two finds per event
    the parser used before: bare URLs are looked for in exactly the same text events."""
    from medlint import markdown

    calls: list[tuple[int, int]] = []
    real_bare = markdown._bare_urls

    def spy(text: str, s: int, e: int, base: int, out: Any) -> None:
        calls.append((s, e))
        real_bare(text, s, e, base, out)

    markdown._bare_urls = spy  # type: ignore[assignment]
    try:
        markdown.parse_body(text, 5)
    finally:
        markdown._bare_urls = real_bare  # type: ignore[assignment]
    # The reference: every text event outside links and code blocks holding a whole mark.
    import pyromark

    utf8 = text.encode("utf-8", "surrogatepass")
    to_char = ByteToChar(text, utf8)
    expected = []
    depth = 0
    in_code = False
    for event, rng in pyromark.events_with_range(text, options=markdown._OPTIONS):
        if not isinstance(event, dict):
            continue
        if "Start" in event and isinstance(event["Start"], dict):
            depth += "Link" in event["Start"] or "Image" in event["Start"]
            in_code = in_code or "CodeBlock" in event["Start"]
        elif "End" in event:
            depth -= event["End"] in ("Link", "Image")
            in_code = in_code and event["End"] != "CodeBlock"
        elif "Text" in event and not depth and not in_code:
            b0, b1 = rng["start"], rng["end"]
            if utf8.find(b"://", b0, b1) >= 0 or utf8.find(b"www.", b0, b1) >= 0:
                expected.append((to_char(b0), to_char(b1)))
    assert calls == expected


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            dt.date(2025, 1, 31),
            dt.date(2024, 2, 29),
            "2025-01-10",
            " 2025-01-10",
            "x",
            1,
            True,
            None,
        ]
    )
    | st.lists(st.integers(), max_size=1),
    st.sampled_from(["monthly", "quarterly", "annual", "never", 3, None, True]),
)
def test_review_dates_are_remembered_by_their_values(last: object, freq: object) -> None:
    from medlint.checks.stale_review import review_dates_of
    from medlint.review import review_dates

    meta = {"lastReviewed": last, "reviewFrequency": freq, "title": "x"}
    assert review_dates_of(meta) == review_dates(meta)
    assert review_dates_of(meta) == review_dates(meta)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "é", "°", "\xa0", "\xff", "\u0301", "\u212b", "–", "\ud800", "\n"]),
        max_size=12,
    ).map("".join)
)
def test_composed_is_is_normalized(text: str) -> None:
    import unicodedata

    from medlint.checks._nfc import is_composed

    assert is_composed(text) == unicodedata.is_normalized("NFC", text)


def test_every_latin1_character_is_composed_and_combines_with_no_other() -> None:
    import unicodedata

    latin1 = [chr(c) for c in range(256)]
    assert all(unicodedata.combining(c) == 0 for c in latin1)
    for a in latin1:
        for b in latin1:
            assert unicodedata.normalize("NFC", a + b) == a + b


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "Z", "0", "+", ".", "-", ":", "/", "#", " ", "é", "١", "K", "\t"]),
        max_size=8,
    ).map("".join)
)
def test_a_links_need_is_decided_as_by_its_scheme_characters(target: str) -> None:
    from medlint.parallel import DISK, NETWORK, link_need

    stripped = target.strip()
    scheme = stripped[: max(stripped.find(":"), 0)]
    if not stripped or stripped[0] == "#" or stripped.startswith("//"):
        expected = 0
    elif (
        scheme
        and scheme[0].isascii()
        and scheme[0].isalpha()
        and all(c.isascii() and (c.isalnum() or c in "+.-") for c in scheme)
    ):
        expected = NETWORK
    else:
        expected = DISK
    assert link_need(target) == expected


def test_the_listed_spaces_are_every_character_python_takes_for_one() -> None:
    from medlint.checks import cancer_type_unmentioned as ctu

    assert list(ctu._SPACES) == [c for c in range(0x110000) if chr(c).isspace()]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["score", "title", "language", "status", "lastReviewed", "tags"]),
            st.sampled_from(
                [1, True, 1.0, 0, False, None, "", "en", "x", "active", dt.date(2025, 1, 1)]
            )
            | st.just(dt.datetime(2025, 1, 1, 0, 0))
            | st.lists(st.sampled_from(["a", 1]), max_size=2),
            max_size=4,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_remembered_verdicts_change_no_problem(pages: list[dict[str, object]]) -> None:
    """Values checked on earlier pages (equal values of another type among them: 1, True and
    1.0) give the problems a first check gives."""
    from pathlib import Path

    from medlint import schema
    from medlint.config import Config
    from medlint.engine import build_settings

    packs = build_settings(Config(), config_root=Path(__file__).parent).ctx.packs
    extra = (("score", "integer"),)
    schema._LAST_PROFILE.clear()
    for data in pages:
        warm = schema.validate(data, packs, extra)
        kept = list(schema._LAST_PROFILE)
        schema._LAST_PROFILE.clear()
        assert warm == schema.validate(data, packs, extra)
        schema._LAST_PROFILE[:] = kept
