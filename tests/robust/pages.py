"""Pages with known defects among text that must survive byte for byte.

A page is a list of blocks: frontmatter lines, then paragraphs that are either *protected*
(legitimate non-ASCII prose a fix must never touch: curly quotes, NFD accents, symbols, emoji)
or *defects* (text some rule fixes). The builder records where every protected block lands, so a
test can check a fix against the page as it was written, not against the fixer's own
bookkeeping. Line endings (LF, CRLF, CR, or mixed per line) and a BOM are part of the page.

Used by the Hypothesis properties (through `page_strategy`) and by the fault tests (through
`random_page`, driven by a seeded `random.Random`), so both exercise the same content.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st

PROTECTED = (
    "It’s the patient’s choice — always — and “shared decision-making”, ‘in short’…",
    unicodedata.normalize("NFD", "Quimioterapia: ¿qué esperar? Año, niño, corazón, acción."),
    "Dose 1,5 mg/m² every 21 days; exposure ≤ 50 µg/m³; store at 2–8 °C; ± 10 %; ≥ 18 years.",
    "Kadcyla™ and Herceptin® by Genentech; α-fetoprotein, β-blocker, TNF-α, ½ dose.",
    "«¿Cuándo empiezo?» preguntó; “Estoy aquí”, dijo él. Ñandú, pingüino.",
    "Emoji 😀👍🏽 and Cyrillic Москва and Greek Αθήνα and 日本語 in one line.",
    "Trastuzumab is given by vein every 3 weeks for HER2-positive breast cancer.",
    "## Side effects",
    "- Nausea or stomachache\n- Tiredness, “feeling wiped out”",
    "Two lines of one paragraph:\nnaïve café crème, façade, coöperate, Zürich.",
    "A table:\n\n| Drug | Dose |\n|---|---|\n| T-DM1 | 3,6 mg/kg |",
    "> A quote with “curly” quotes\n> and a second line.",
    "See [the NCI page](https://www.cancer.gov/types/breast) for more.",
    "Code stays code: `[x](/nope)` and `antibodyâ€“drug`.",
)

DEFECTS = (
    "It is an antibodyâ€“drug conjugate.",  # mojibake (safe)
    "Served cafÃ© au lait at 5 Â°C.",  # mojibake (safe)
    "- [Breast cancer](/Common/PopUps/popDefinition.aspx?id=444971)",  # root-relative (safe)
    "Chemo\u200btherapy is given.",  # zero-width space (invalid-characters)
    "Placeholder slot",  # placeholder line (unsafe: delete)
    "TBD",  # placeholder line (unsafe: delete)
    "Stay connected\n\nSign up for our newsletter",  # boilerplate (unsafe)
)
REVIEW_LINE = "Medical Review: Ilana Schlam, MD, MPH"  # missing-reviewer (safe), at most once

FRONTMATTER = (
    "audienceLevel: patient",
    "cancerTypes:\n- breast",
    "citation: NCI, 2025",
    "language: en",
    "lastReviewed: '2025-12-30'",
    "license: public_domain",
    "reviewFrequency: quarterly",
    "source: NCI",
    "sourceType: 02_nci_core",
    "status: active",
    "tags:\n- treatment",
    "title: Trastuzumab",
    "url: https://www.cancer.gov/about-cancer/treatment/drugs/trastuzumab",
    "version: v1",
)
MISSPELT = ("lastReviewed: '2025-12-30'", "lastReveiwed: '2025-12-30'")  # schema (unsafe rename)
REVIEWED_BY = "reviewedBy:\n- Ilana Schlam, MD, MPH"

NEWLINES = ("\n", "\r\n", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class Plan:
    """What a page is made of; `build` turns it into text and protected ranges."""

    frontmatter: str  # "none" | "complete" | "no-reviewer" | "misspelt"
    blocks: tuple[tuple[bool, str], ...]  # (protected?, text with "\n" line breaks)
    newline: str  # "\n", "\r\n", "\r" or "mixed"
    line_endings: tuple[str, ...] = ()  # for "mixed": one per line break, cycled
    bom: bool = False
    final_newline: bool = True


@dataclass
class Page:
    text: str  # without BOM
    bom: bool
    protected: list[tuple[int, int]] = field(default_factory=list)  # ranges in `text`

    @property
    def data(self) -> bytes:
        return ((BOM if self.bom else "") + self.text).encode("utf-8")

    def protected_texts(self) -> list[str]:
        return [self.text[s:e] for s, e in self.protected]


def build(plan: Plan) -> Page:
    endings = plan.line_endings or ("\n",)
    count = 0

    def nl() -> str:
        nonlocal count
        count += 1
        if plan.newline == "mixed":
            return endings[count % len(endings)]
        return plan.newline

    def lines(text: str) -> str:
        return "".join(part if i == 0 else nl() + part for i, part in enumerate(text.split("\n")))

    page = Page("", plan.bom)
    out: list[str] = []
    pos = 0

    def add(text: str, protected: bool) -> None:
        nonlocal pos
        if protected:
            page.protected.append((pos, pos + len(text)))
        out.append(text)
        pos += len(text)

    if plan.frontmatter != "none":
        keys = list(FRONTMATTER)
        if plan.frontmatter == "complete":
            keys.insert(keys.index("reviewFrequency: quarterly") + 1, REVIEWED_BY)
        add("---" + nl(), False)
        for key in keys:
            misspelt = plan.frontmatter == "misspelt" and key == MISSPELT[0]
            add(lines(MISSPELT[1] if misspelt else key), not misspelt)
            add(nl(), False)
        add("---" + nl(), False)
        add(nl(), False)
    for i, (protected, text) in enumerate(plan.blocks):
        if i:
            add(nl() + nl(), False)
        add(lines(text), protected)
    if plan.final_newline:
        add(nl(), False)
    page.text = "".join(out)
    return page


def _plan(
    choose: Callable[[Sequence[object]], object],
    boolean: Callable[[], bool],
    count: Callable[[int, int], int],
) -> Plan:
    frontmatter = str(choose(("none", "complete", "no-reviewer", "no-reviewer", "misspelt")))
    blocks: list[tuple[bool, str]] = []
    review_used = False
    for _ in range(count(1, 10)):
        if boolean():
            blocks.append((True, str(choose(PROTECTED))))
        elif not review_used and boolean():
            review_used = True
            blocks.append((False, REVIEW_LINE))
        else:
            blocks.append((False, str(choose(DEFECTS))))
    newline = str(choose((*NEWLINES, "mixed")))
    endings = tuple(str(choose(NEWLINES)) for _ in range(count(2, 5)))
    return Plan(frontmatter, tuple(blocks), newline, endings, boolean(), boolean())


def random_page(rng: random.Random) -> Page:
    """A page from a seeded generator (fault tests: thousands of pages, reproducibly)."""
    return build(_plan(rng.choice, lambda: rng.random() < 0.5, rng.randint))


@st.composite
def page_strategy(draw: st.DrawFn) -> Page:
    """The same pages for Hypothesis, which can shrink a failure to its smallest plan."""

    def choose(options: Sequence[object]) -> object:
        return draw(st.sampled_from(options))

    return build(_plan(choose, lambda: draw(st.booleans()), lambda a, b: draw(st.integers(a, b))))


# A page whose only defects have safe fixes (mojibake, a review line to move into frontmatter),
# for the fault tests: `medlint fix` without flags must want to rewrite it.
SAFE_FIX_PAGE = build(
    Plan(
        "no-reviewer",
        (
            (True, "It’s the patient’s choice — “shared decision-making”."),
            (False, "It is an antibodyâ€“drug conjugate."),
            (False, REVIEW_LINE),
        ),
        "\n",
    )
).data
