"""The simple frontmatter reader against the full path (libyaml compose and the walker).

`frontmatter._simple_block` reads plain block YAML without libyaml and gives up on anything
else. Whatever it accepts must come out exactly as the full path gives it: the same values
(types included: `yes` is True, `2025-01-01` a date, `'2025-01-01'` a string), the same
positions in the same order, and no problem the full path would have reported. Blocks are
generated from lines that sit on the edge of the subset, so both sides of every refusal are
exercised.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from medlint import frontmatter as fm

KEYS = ["title", "a", "y", "on", "null", "x-y", "_k", "k1", "Title", "NO", "key ", "k:", "é", "<<"]
SCALARS = [
    "x",
    "Capecitabine for thyroid cancer",
    "NCI, 2026",
    "v1",
    "José Núñez-Gómez",
    "100.4°F (38°C)",
    "😀 emoji",
    "a\u00a0",
    "\u00a0a",
    "yes",
    "No",
    "ON",
    "off",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "2026-05-03",
    "2025-13-01",
    "2026-05-03 10:00:00",
    "2026-05-03T10:00:00Z",
    "12",
    "-3",
    "+4",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1:30",
    "190:20:30",
    ".5",
    "1e3",
    "1.0e+3",
    ".inf",
    "-.Inf",
    ".NaN",
    "=",
    "<<",
    "'quoted'",
    "'2026-05-03'",
    '"double"',
    '"yes"',
    "'it''s'",
    '"esc\\"aped"',
    '"back\\\\slash"',
    "'unclosed",
    '"unclosed',
    "'a' b",
    "a 'b'",
    'a "b"',
    "https://www.cancer.gov/x?y=1&z=2",
    "https://x.org/a#frag",
    "a # comment",
    "a#b",
    "a: b",
    "a:b",
    "a:",
    "a :",
    "- a",
    "-a",
    "? a",
    ":a",
    "[a, b]",
    "{a: b}",
    "a, [b]",
    "&anchor a",
    "*alias",
    "!!str a",
    "!tag a",
    "|",
    ">",
    "%a",
    "@a",
    "`a`",
    "a\tb",
    "a\x85b",
    "a\u2028b",
    "\ufeffa",
    "a\x07",
    "C:\\path",
    "50%",
    "a  b",
    "...",
    "---",
    "",
]
# Values the simple reader takes (or refuses only for their resolved type), drawn most of the time
# so that most generated blocks are read by it and compared.
READABLE = [v for v in SCALARS[:43] if "'" not in v[1:] and '"' not in v[1:]] + ["a 'b'", "a:b"]
VALUES = st.sampled_from(READABLE * 4 + SCALARS)
SPACES = st.sampled_from(["", " ", "  ", "   "])
TRAIL = st.sampled_from([""] * 6 + [" ", "  ", "\t"])


@st.composite
def entries(draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(KEYS[:10]) if draw(st.integers(0, 4)) else st.sampled_from(KEYS))
    kind = draw(st.sampled_from(["scalar"] * 6 + ["list"] * 4 + ["empty", "nested", "weird"]))
    colon = draw(st.sampled_from([": "] * 8 + [":  ", ":", " : "]))
    if kind == "scalar":
        return f"{key}{colon}{draw(VALUES)}{draw(TRAIL)}"
    if kind == "empty":
        return f"{key}:{draw(TRAIL)}"
    if kind == "nested":
        return f"{key}:\n  {draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(SCALARS))}"
    if kind == "weird":
        return draw(
            st.sampled_from(
                ["# comment", "  # indented comment", "- top item", "...", "---", "plain", "  x"]
            )
        )
    indent = draw(st.sampled_from(["", "", " ", "  ", "    "]))
    items = draw(st.lists(VALUES, min_size=1, max_size=4))
    lines = []
    for item in items:
        own = indent if draw(st.integers(0, 9)) else draw(st.sampled_from(["", "  ", "   "]))
        dash = draw(st.sampled_from(["- "] * 8 + ["-  ", "-"]))
        lines.append(f"{own}{dash}{item}{draw(TRAIL)}")
        if not draw(st.integers(0, 6)):
            lines.append(draw(SPACES))  # a blank line inside the list
    return f"{key}:{draw(TRAIL)}\n" + "\n".join(lines)


@st.composite
def blocks(draw: st.DrawFn) -> str:
    parts = draw(st.lists(entries(), min_size=1, max_size=5))
    body = "\n".join(parts)
    if draw(st.booleans()):
        body = body.replace("\n", "\n\n", 1)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return "---\n" + (body + "\n").replace("\n", newline) + "---\n\n# Page\n"


def _full(text: str) -> fm.Frontmatter:
    found = fm.locate(text)
    assert found is not None
    original = fm._simple_block
    fm._simple_block = lambda source, base, lines=None: None  # type: ignore[assignment]
    try:
        fm.parse(text, found)
    finally:
        fm._simple_block = original
    return found


def _check(text: str) -> bool:
    """Whether the simple reader took the block; if it did, it must equal the full path."""
    found = fm.locate(text)
    assert found is not None
    if not found.closed:
        return False
    source = text[found.content_start : found.content_end]
    simple = fm._simple_block(source, found.content_start)
    if simple is None:
        return False
    full = _full(text)
    assert full.problems == []
    assert repr(simple[0]) == repr(full.data)
    assert list(simple[1].items()) == list(full.positions.items())
    return True


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks())
@example("---\ntitle: x\ncancerTypes:\n- breast\n- liver\n\nurl: y\n---\n")
@example("---\ntags:\n  - a\n  - b   \n  \n---\n")
@example("---\ntitle: é b  \r\nempty:\r\nother: 'x'\r\n---\n")
def test_simple_reader_agrees_with_the_full_path(text: str) -> None:
    _check(text)


def test_the_usual_block_is_read_by_the_simple_reader() -> None:
    text = (
        "---\naudienceLevel: patient\ncancerTypes:\n- thyroid\nlastReviewed: '2026-05-03'\n"
        "reviewed: 2026-05-03\nreviewedBy:\n  - David Stein, MD, PhD\ndraft: no\ncount: 3\n"
        'title: "Capecitabine: thyroid"\nempty:\n---\n'
    )
    assert _check(text)


def test_blocks_beyond_the_subset_take_the_full_path() -> None:
    for source in [
        "a: b # comment\n",
        "a: [b]\n",
        "a:\n  b: c\n",
        "a: 'it''s'\n",
        'a: "x\\ty"\n',
        "a: b\n  continued\n",
        "a: 2025-13-01\n",
        "a: =\n",
        "a:\n- b\n  - c\n",
        "a: b\na: c\n",
        "a:\tb\n",
        "a: b\rc: d\n",
    ]:
        assert fm._simple_block(source, 4) is None, source


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["---", "...", "-- ", "\n", "\r", "\r\n", " ", "\t", "a", ":"]),
        max_size=16,
    ).map("".join),
    st.integers(0, 20),
)
def test_the_closing_fence_is_found_as_the_one_pattern_finds_it(text: str, start: int) -> None:
    """`_close` looks after a LF first, and takes `_CLOSE` where a CR comes before."""
    want = fm._CLOSE.search(text, start)
    got = fm._close(text, start)
    assert (got is None) == (want is None)
    if got is not None and want is not None:
        assert got.span() == want.span() and got.span(1) == want.span(1)
