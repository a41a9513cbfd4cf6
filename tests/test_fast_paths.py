"""Shortcuts taken for speed give what the plain computation gives.

Each shortcut here replaced a slower computation on the per-page path of a cold check; these
tests hold them to the plain definition on generated input, so a later change cannot make
them drift from it.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from medlint.document import Document
from medlint.markdown import Link, _dest_ends, _link
from medlint.text import ByteToChar

CHARS = st.sampled_from(["a", " ", "\n", "é", "°", "€", "😀", "\ud800", "中", "\x80", "]", "("])


def _reference_char(text: str, byte_offset: int) -> int:
    """How many characters start before `byte_offset` (inside a character: the one after it);
    past the end, one character a byte."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if byte_offset > size:
        return len(text) + byte_offset - size
    count = 0
    position = 0
    for ch in text:
        if position >= byte_offset:
            break
        count += 1
        position += len(ch.encode("utf-8", "surrogatepass"))
    return count


@settings(max_examples=300, deadline=None)
@given(st.lists(CHARS, max_size=30).map("".join), st.randoms(use_true_random=False))
def test_byte_offsets_convert_in_any_order(text: str, rnd: object) -> None:
    utf8 = text.encode("utf-8", "surrogatepass")
    offsets = list(range(len(utf8) + 3))
    rnd.shuffle(offsets)  # type: ignore[attr-defined]
    for to_char in (ByteToChar(text), ByteToChar(text, utf8)):
        for offset in offsets:
            assert to_char(offset) == _reference_char(text, offset)


DEST = st.sampled_from(["", "a", "x.md", "](", "a](b", "<a>", " a", "a b", "\u00a0"])
RAW_PART = st.sampled_from(["[", "]", "(", ")", "](", "<", " ", "\u00a0", "\t", "a", "x.md", "b"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(RAW_PART, max_size=10).map("".join), DEST, st.booleans())
def test_inline_link_target_is_the_last_regex_match(raw: str, dest: str, image: bool) -> None:
    """`_link` finds the destination where the last match of `](\\s*<?dest` ends, as the
    generic `_dest_ends` and the regex it replaced do."""
    text = "pre " + raw + " post"
    links: list[Link] = []
    _link(text, 4, 4 + len(raw), {"link_type": "Inline", "dest_url": dest}, image, 100, links)
    pattern = re.compile(r"\]\(\s*<?" + re.escape(dest))
    ends = [m.end() for m in pattern.finditer(raw)]
    assert list(_dest_ends(raw, "](", dest)) == ends
    (link,) = links
    if ends:
        start = 100 + 4 + ends[-1] - len(dest)
        assert (link.start, link.end, link.exact) == (start, start + len(dest), True)
    else:
        assert (link.start, link.end, link.exact) == (104, 104 + len(raw), False)


ROOT = Path(__file__).resolve().parents[1]
BODY_PIECES = [
    "Ado-trastuzumab emtansine is an antibody\u00e2\u20ac\u201cdrug conjugate.",
    "Call 1-800-4-CAN\u200bCER today.",
    "Placeholder slot",
    "Dose: TBD.",
    "Stay connected\nSign up to receive emotional support, delivered to your inbox weekly.",
    "Share this page",
    "quimioterapi\u0301a",  # decomposed
    "100.4\u00b0F (38\u00b0C), \u00b5g/m\u00b2, \u2265 5, caf\u00e9",
    "Plain ASCII prose about side effects.",
    "bad \x07 control",
    "\u00c3  la carte",  # `à` whose no-break space became a space
]


def _findings(text: str) -> list[object]:
    from medlint.config import Config
    from medlint.engine import build_settings, check_document

    settings = build_settings(Config(), config_root=ROOT)
    return check_document(Document("page.md", text), settings)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(BODY_PIECES), max_size=4), st.booleans())
def test_the_shared_screen_changes_no_finding(pieces: list[str], frontmatter: bool) -> None:
    """With the one screen of checks/_screen.py and without it, the same findings."""
    from medlint.checks import _screen

    head = "---\ntitle: Page\ncitation: TBD\n---\n" if frontmatter else ""
    text = head + "# Page\n\n" + "\n\n".join(pieces) + "\n"
    with_screen = _findings(text)
    original = _screen.nothing_suspect
    _screen.nothing_suspect = lambda doc, ctx: False  # type: ignore[assignment]
    try:
        without = _findings(text)
    finally:
        _screen.nothing_suspect = original
    assert with_screen == without


def test_the_shared_screen_vouches_only_for_clean_pages() -> None:
    from medlint.checks._screen import nothing_suspect
    from medlint.config import Config
    from medlint.engine import build_settings

    ctx = build_settings(Config(), config_root=ROOT).ctx
    assert nothing_suspect(Document("a.md", "# Page\n\nPlain prose, 38\u00b0C.\n"), ctx)
    for piece in BODY_PIECES[:6] + BODY_PIECES[9:]:
        assert not nothing_suspect(Document("a.md", f"# Page\n\n{piece}\n"), ctx), piece
    # A combining accent (a decomposed page): cancer-type-unmentioned's full patterns needed.
    assert not nothing_suspect(Document("a.md", "# Page\n\nH\u0131gado, cafe\u0301.\n"), ctx)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(BODY_PIECES) | st.text(st.characters(exclude_categories=["Cs"])),
        max_size=4,
    ),
    st.booleans(),
)
def test_the_shared_screen_reads_the_bytes_as_it_read_the_text(
    pieces: list[str], bom: bool
) -> None:
    """checks/_screen.py runs the screen over `Document.utf8`, the bytes a page was decoded
    from: the same verdict as over the text, and the same bytes as the text encoded."""
    from medlint.checks._screen import _screen
    from medlint.config import Config
    from medlint.engine import build_settings, document_from_bytes

    ctx = build_settings(Config(), config_root=ROOT).ctx
    screen = _screen(ctx)
    assert screen is not None
    text = "\n".join(pieces)
    assume(not text.startswith("\ufeff"))  # that one would be read as a BOM
    doc = document_from_bytes("a.md", ("\ufeff" if bom else "").encode() + text.encode())
    assert isinstance(doc, Document)
    assert doc.text == text and doc.bom == bom
    assert doc.utf8 == text.encode("utf-8") == Document("a.md", text).utf8
    on_text = next(iter(screen.finditer(text)), None) is None
    assert (screen.search(doc.utf8) is None) == on_text  # type: ignore[attr-defined]


def test_the_mention_screen_covers_every_character_pythons_pattern_matches() -> None:
    """Each piece a screened word is spelled with matches, in RE2, every character that the
    same piece of `mention_pattern` matches in Python (case ignored), over all of Unicode."""
    import re2

    from medlint.checks import _screen
    from medlint.checks import cancer_type_unmentioned as ctu

    pieces = sorted(ctu._SCREEN_PLAIN | set(ctu._VARIANTS))
    python = {ch: re.compile(ctu._letters(ch), re.IGNORECASE) for ch in pieces}
    screen = {ch: re2.compile("(?i:" + str(ctu._screen_letters(ch)) + ")") for ch in pieces}
    union = re.compile("|".join(f"(?:{p.pattern})" for p in python.values()), re.IGNORECASE)
    matched = [chr(c) for c in range(0x110000) if union.fullmatch(chr(c))]
    assert len(matched) < 1000
    for ch in pieces:
        for c in matched:
            if python[ch].fullmatch(c):
                assert screen[ch].fullmatch(c), (ch, hex(ord(c)))
    separator = re2.compile(ctu._separator())
    python_separator = re.compile(r"[\s-]+", re.IGNORECASE)
    for c in range(0x110000):
        if python_separator.fullmatch(chr(c)):
            assert separator.fullmatch(chr(c)), hex(c)
    # Combining marks after a letter (a decomposed page), as Python matches them; and
    # `_MARK_CHARS`, the characters whose absence lets a page be searched without them.
    marks = re.compile("a[\u0300-\u036f]", re.IGNORECASE)
    screened = re2.compile("(?i:" + str(ctu._screen_letters("a")) + ")")
    listed = re.compile(f"[{ctu._MARK_CHARS}]")
    shared = re2.compile(_screen.MARKS)  # what tells a page holds them, in the shared screen
    for c in range(0x110000):
        if marks.fullmatch("a" + chr(c)):
            assert screened.fullmatch("a" + chr(c)), hex(c)
            assert listed.fullmatch(chr(c)), hex(c)
        else:
            assert not listed.fullmatch(chr(c)), hex(c)
        if not 0xD800 <= c <= 0xDFFF:  # (RE2 takes UTF-8: no lone surrogates)
            assert bool(shared.fullmatch(chr(c))) == bool(listed.fullmatch(chr(c))), hex(c)
            # The bytes `_marks_in_body` looks for first: every listed character starts so.
            if listed.fullmatch(chr(c)):
                assert chr(c).encode().startswith(ctu._MARK_BYTES), hex(c)


MENTION_PIECES = st.sampled_from(
    [
        "liver",
        "Liver",
        "LIVERS",
        "hi\u0301gado",
        "h\u00cdgado",
        "h\u0130gado",
        "bone marrow",
        "bone \n marrow",
        "bone-marrow",
        "bone",
        "xliver",
        "livery",
        "breast",
        ".",
        ". ",
        ", ",
        " ",
        "\n",
        "a",
        "(",
        ")",
        "\u00e9",
        "\u03b9",  # Greek iota: matched by the marks' class, case ignored
    ]
)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(MENTION_PIECES, max_size=14).map("".join),
    st.sampled_from(["liver", "breast", "myeloma", "bone"]),
    st.integers(0, 12),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12)), max_size=2),
)
def test_mentions_are_found_as_the_plain_search_finds_them(
    text: str, slug: str, start: int, links: list[tuple[int, int]]
) -> None:
    from medlint.checks import cancer_type_unmentioned as ctu

    words = {
        "liver": ("liver", "hígado", "hepatic"),
        "breast": ("breast", "mama"),
        "myeloma": ("myeloma", "multiple myeloma"),
        "bone": ("bone marrow", "bone cancer"),
    }[slug]
    pattern = ctu.mention_pattern(slug, words)
    screen = ctu.mention_screen(slug, words)
    assert screen is not None
    targets = [(s, s + n) for s, n in links]
    start = min(start, len(text))  # where the body starts (the text before it is looked at)
    expected = any(
        not any(s <= m.start() < e for s, e in targets) for m in pattern.finditer(text, start)
    )
    utf8 = text.encode("utf-8")
    assert ctu._mentioned(text, utf8, start, pattern, screen, targets) == expected
    assert ctu._mentioned(text, utf8, start, pattern, None, targets) == expected
    # A text with nothing the marks' class matches: the pattern spelled without it finds
    # exactly the same matches (what `check` uses such a page for).
    if not ctu.has_marks(text):
        plain = ctu.mention_pattern(slug, words, marks=False)
        assert [m.span() for m in plain.finditer(text)] == [
            m.span() for m in pattern.finditer(text)
        ]


NFC_PIECES = st.sampled_from(
    [
        "a",
        "e",
        "\u0301",  # combining acute: composes with a preceding `e`
        "\u0327",
        "\u0316",  # ccc 220: out of order after a ccc 230 mark
        "\u00e9",
        "\u212b",  # Angstrom sign: never in NFC
        "\u1100",
        "\u1161",  # Hangul jamo: compose into a syllable
        "\uac00",
        "\u11a8",
        "\u0b47",
        "\u0b3e",  # two starters that compose
        " ",
        "\n",
        "\r",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(NFC_PIECES, max_size=6).map("".join),
    st.sampled_from(["\n", "\r"]),
    st.lists(NFC_PIECES, max_size=6).map("".join),
)
def test_composed_text_is_composed_on_both_sides_of_a_line_break(
    head: str, newline: str, tail: str
) -> None:
    """What checks/_screen.no_phrases relies on: split after a line break, a text is NFC
    exactly when both parts are."""
    import unicodedata

    before = head + newline
    whole = unicodedata.is_normalized("NFC", before + tail)
    parts = unicodedata.is_normalized("NFC", before) and unicodedata.is_normalized("NFC", tail)
    assert whole == parts


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "\n", "\r", "\r\n", "\u00e9", "\u2028"]), max_size=20))
def test_line_starts_follow_every_line_break(pieces: list[str]) -> None:
    from medlint.text import LineIndex

    text = "".join(pieces)
    expected = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    assert LineIndex(text).starts == expected


def test_fast_init_keeps_each_dataclass_as_it_was() -> None:
    """The classes given `fast_init` take the same arguments as their dataclass `__init__`
    would (names, order, defaults, keyword-only) and stay frozen, equal and picklable."""
    import dataclasses
    import inspect
    import pickle

    from medlint import findings, frontmatter, markdown, suppressions

    classes = [
        findings.Span,
        findings.Edit,
        findings.Fix,
        findings.Finding,
        frontmatter.Located,
        frontmatter.Problem,
        markdown.Link,
        markdown.Heading,
        markdown.Comment,
        suppressions.Suppression,
    ]
    for cls in classes:
        fields = dataclasses.fields(cls)
        params = list(inspect.signature(cls).parameters.values())
        assert [p.name for p in params] == [f.name for f in fields]
        for p, f in zip(params, fields, strict=True):
            kind = p.KEYWORD_ONLY if f.kw_only else p.POSITIONAL_OR_KEYWORD
            assert p.kind == kind
            default = p.empty if f.default is dataclasses.MISSING else f.default
            assert p.default == default
        values = {
            f.name: (f.default if f.default is not dataclasses.MISSING else i)
            for i, f in enumerate(fields)
        }
        made = cls(**values)
        assert {f.name: getattr(made, f.name) for f in fields} == values
        assert made == cls(**values)
        assert pickle.loads(pickle.dumps(made)) == made
        try:
            setattr(made, fields[0].name, "changed")
        except dataclasses.FrozenInstanceError:
            pass
        else:
            raise AssertionError(f"{cls.__name__} is no longer frozen")
