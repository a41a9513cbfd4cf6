"""Property tests: whatever a page holds, `fix` changes it only inside the spans it reports.

Pages are assembled from lines of legitimate non-ASCII prose (accents, NFD accents, curly quotes,
dashes, µg/m², Greek, Spanish, emoji) and lines with real defects, joined with LF, CRLF or a mix,
with or without a BOM, frontmatter and a final line break.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medlint.config import Config
from medlint.engine import build_settings
from medlint.fixer import fix_text
from medlint.text import decode
from medlint.writer import encode

SETTINGS = build_settings(Config(), config_root=Path("."), today=dt.date(2026, 1, 15))

LEGIT = [
    "José Núñez-Gómez, MD, reviewed this page.",
    unicodedata.normalize("NFD", "Quimioterapia: ¿qué esperar? Año, niño, corazón."),
    "Dose 1,5 mg/m² every 21 days; exposure ≤ 50 µg/m³; store at 2–8 °C; ± 10 %; ≥ 18 years.",
    "It’s the patient’s choice — always — and “shared decision-making”, ‘in short’…",
    "Kadcyla™ and Herceptin® © Genentech; α-fetoprotein, β-blocker, TNF-α, ½ dose.",
    "«¿Cuándo empiezo?» preguntó; “Estoy aquí”, dijo él. Ñandú, pingüino, acción.",
    "Keep a TODO list; the date is to be determined; sobre todo, descanse.",
    "Stay connected with friends and family during treatment.",
    "See [the NCI page](https://www.cancer.gov/types/breast) or `[x](/nope)` in code.",
    "Emoji 😀👍🏽 and Cyrillic Москва and Greek Αθήνα and 日本語.",
    "Trastuzumab is given by vein every 3 weeks for HER2-positive breast cancer.",
    "",
    "## Side effects",
    "- Nausea or stomachache",
]
DEFECTS = [
    "It is an antibodyâ€“drug conjugate.",
    "Placeholder slot",
    "- [Breast cancer](/Common/PopUps/popDefinition.aspx?id=444971)",
    "Stay connected",
    "Chemo\u200btherapy is given.",
    "TBD",
    "cafÃ© au lait and Â°C",
]
NEWLINES = st.sampled_from(["\n", "\r\n"])
FRONTMATTER = (
    "---{nl}title: Trastuzumab{nl}url: https://www.cancer.gov/about-cancer/x{nl}"
    "cancerTypes:{nl}- breast{nl}---{nl}"
)


@st.composite
def pages(draw: st.DrawFn, pool: list[str], frontmatter: bool | None = None) -> tuple[str, bool]:
    lines = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=14))
    mixed = draw(st.booleans())
    nl = draw(NEWLINES)
    text = ""
    if draw(st.booleans()) if frontmatter is None else frontmatter:
        text = FRONTMATTER.format(nl=nl) + nl
    for line in lines:
        text += line + (draw(NEWLINES) if mixed else nl)
    if not draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text, draw(st.booleans())


def _outside_spans_equal(original: str, fixed: str, changed: tuple[tuple[int, int], ...]) -> bool:
    """Independently of the fixer's bookkeeping: the text between changed ranges is all there."""
    gaps = []
    pos = 0
    for start, end in changed:
        gaps.append(original[pos:start])
        pos = end
    gaps.append(original[pos:])
    if len(gaps) == 1:
        return fixed == original
    if not fixed.startswith(gaps[0]) or not fixed.endswith(gaps[-1]):
        return False
    at = len(gaps[0])
    for gap in gaps[1:-1]:
        found = fixed.find(gap, at)
        if found < 0:
            return False
        at = found + len(gap)
    return at <= len(fixed) - len(gaps[-1])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages(LEGIT, frontmatter=True))
def test_legitimate_text_survives_byte_for_byte(page: tuple[str, bool]) -> None:
    text, bom = page
    for unsafe in (False, True):
        out = fix_text(text, "page.md", SETTINGS, unsafe=unsafe, bom=bom)
        assert out.refused is None
        assert out.text == text, [f.rule for f in out.applied]
    assert decode(encode(text, bom=bom)).text == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages(LEGIT + DEFECTS))
def test_fixes_change_nothing_outside_their_spans(page: tuple[str, bool]) -> None:
    text, bom = page
    out = fix_text(text, "page.md", SETTINGS, unsafe=True, bom=bom)
    assert out.refused is None, out.refused
    assert _outside_spans_equal(text, out.text, out.changed)
    # Lines of legitimate prose are never touched, whatever surrounds them (but advice that
    # closes a page under a sign-up footer is part of that footer, which only an unsafe fix
    # deletes, inside its reported span).
    for line in LEGIT:
        if line and line in text and not line.startswith("Stay connected"):
            assert line in out.text
    safe = fix_text(text, "page.md", SETTINGS, unsafe=False, bom=bom)
    assert all(line in safe.text for line in LEGIT if line in text)
    # Line endings are the page's own: no fix adds a CR to an LF page or drops one.
    if "\r" not in text:
        assert "\r" not in out.text
    again = fix_text(out.text, "page.md", SETTINGS, unsafe=True, bom=bom)
    assert again.text == out.text
