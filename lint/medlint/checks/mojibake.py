"""mojibake: UTF-8 text that was decoded with the wrong codec somewhere on its way to us.

Screening is cheap and ftfy decides. Mojibake of a UTF-8 character is always a run of two to
four characters from a legacy code page's upper half (a lead byte such as `Ã`, `â`, `√`
followed by continuation bytes such as `©`, `€`, `“`), or, once a no-break space was turned into
a space, `Ã` before two spaces (`à`) or `Â` before a space (a no-break space). An ASCII page is
never looked at; other pages are scanned with one precompiled pattern for such lead/continuation
pairs, and only then is ftfy imported (it costs about 0.2 s, which the pre-commit hook should not
pay for nothing).

ftfy is asked about the run alone, never the whole line: its full `fix_text` also uncurls
quotes, unescapes HTML, changes line breaks and normalises Unicode, all of which would damage
correct text. Its `fix_encoding` only re-decodes, and the edit replaces exactly the characters
that changed, so a correct curly quote beside the damage stays as it was.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from medlint.checks import _screen as screens
from medlint.document import Document
from medlint.findings import Edit, Finding
from medlint.registry import Context, Rule, register
from medlint.safe_regex import Matcher

# Upper halves of the code pages UTF-8 is usually mis-read as: Latin-1 (with its C1 controls),
# Windows-1252 and Mac Roman. A mojibake run consists of these characters only.
_CP1252_EXTRA = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MAC_EXTRA = "ıˇ˘˙˚˛˝Ωπ⁄∂∆∏∑√∞∫≈≠≤≥◊\uf8ffﬁﬂ"
_RUN_CHARS = "\x80-\xff" + _CP1252_EXTRA + _MAC_EXTRA
# UTF-8 lead bytes 0xC2-0xF4 and continuation bytes 0x80-0xBF, as each code page shows them.
_LEAD = "\xc2-\xf4"
_CONT = "\x80-\xbf" + _CP1252_EXTRA
_MAC_LEAD = "¬√ƒ≈∆«»…\xa0ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\uf8ffÒÚÛÙ"
_MAC_CONT = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø"

_MARKS = "\u0300-\u036f"  # combining accents: a page saved decomposed (NFD) splits `Ã` in two
_SUSPECT = (
    f"[{_LEAD}][{_CONT}]|[{_MAC_LEAD}][{_MAC_CONT}]|Ã (?= )|Â (?=[^\\s])"
    f"|[!-~][{_MARKS}]+[{_CONT}{_MAC_CONT}]|[{_LEAD}{_MAC_LEAD}][!-~][{_MARKS}]"
)
_RUN = f"(?:[!-~][{_MARKS}]+|[{_RUN_CHARS}][{_MARKS}]*)+"
_RUN_CHAR = f"[{_RUN_CHARS}{_MARKS}]"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """`_SUSPECT`, `_RUN` and `_RUN_CHAR` compiled, on first use: their classes took 5 ms to
    compile at every start, and only a page the screen finds suspect needs them."""
    return re.compile(_SUSPECT), re.compile(_RUN), re.compile(_RUN_CHAR)


def _single_character(run: str, in_word: bool) -> str | None:
    """What ftfy leaves alone but no language spells: a run that is exactly one UTF-8 character.

    ftfy judges `â„¢` (™), Mac Roman `‚â•` (≥) or `¬Ω` (½) plausible text, and `√°` too, since a
    square root and a degree sign could stand side by side. A run of two or three such characters
    that re-encodes to one character of the Latin-1 punctuation block or the punctuation and
    symbol blocks is never a real word; nor is one touching a word (`c√°ncer`, `habr√°`) that
    re-encodes to one accented Latin letter (U+00C0-U+017F; `«Él` re-encodes to a click letter,
    U+01C3, and is of course correct Spanish).
    """
    if len(run) not in (2, 3):
        return None
    for codec in ("sloppy-windows-1252", "mac_roman"):
        try:
            candidate = run.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(candidate) != 1:
            continue
        o = ord(candidate)
        if 0xA0 <= o <= 0xBF or 0x2000 <= o < 0x2C00 or (in_word and 0xC0 <= o <= 0x17F):
            return candidate
    return None


@lru_cache(maxsize=4096)
def _repair(run: str, in_word: bool = False) -> str | None:
    """The run as it was before the wrong decode, when ftfy judges it mojibake; else None."""
    import ftfy

    decomposed = any("\u0300" <= c <= "\u036f" for c in run)
    source = unicodedata.normalize("NFC", run) if decomposed else run
    fixed: str = ftfy.fix_encoding(source)
    if fixed == source:
        single = _single_character(source, in_word)
        if single is None:
            return None
        fixed = single
    # Give the repaired text back in the page's own form: decomposed pages stay decomposed.
    return unicodedata.normalize("NFD", fixed) if decomposed else fixed


def _c1_as_windows(run: str) -> str:
    return "".join(
        bytes([ord(c)]).decode("cp1252", errors="ignore") or c if "\x80" <= c <= "\x9f" else c
        for c in run
    )


def screen_pattern() -> str:
    """The suspect pairs as one RE2 pattern (see `_screen`; checks/_screen.py runs it with
    the other rules' screens)."""
    return (
        f"[{_LEAD}][{_CONT}]|[{_MAC_LEAD}][{_MAC_CONT}]|Ã  |Â [^\\s]"
        f"|[!-~][{_MARKS}]+[{_CONT}{_MAC_CONT}]|[{_LEAD}{_MAC_LEAD}][!-~][{_MARKS}]"
    )


@lru_cache(maxsize=1)
def _screen() -> Matcher:
    """The suspect pairs as one RE2 pattern: a linear scan several times faster than Python's
    engine on these large classes. RE2 has no lookahead, so the no-break-space cases take the
    character after the space into the match; `_suspects` gives back Python matches."""
    from medlint.safe_regex import compile_pattern

    return compile_pattern(screen_pattern())


def _suspects(text: str, start: int, stop: int) -> Iterator[re.Match[str]]:
    """Lead/continuation pairs: found by the RE2 screen, returned as Python matches."""
    suspect = _patterns()[0]
    for hit in _screen().finditer(text, start, stop):
        s, e = hit.span()
        m = suspect.match(text, s, min(stop, e + 1))
        if m is not None:
            yield m


def _in_word(text: str, s: int, e: int) -> bool:
    return (s > 0 and text[s - 1].isalpha()) or (e < len(text) and text[e].isalpha())


def find_mojibake(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, repaired) for each damaged span of text[start:end], exact to the character."""
    stop = len(text) if end is None else end
    if text.isascii():
        return []
    out: list[tuple[int, int, str]] = []
    done = start
    _, run_pattern, run_char = _patterns()
    for m in _suspects(text, start, stop):
        if m.start() < done:
            continue
        s = m.start()
        while s > start:
            if run_char.match(text, s - 1):
                s -= 1
            elif "\u0300" <= text[s] <= "\u036f" and text[s - 1].isascii():
                s -= 1  # The base letter of a decomposed `Ã`.
            else:
                break
        if m.group().endswith(" "):  # `Ã ` for `à`: a no-break space that became a space.
            e = m.end()
            run = text[s:e]
            repaired = _repair(run[:-1] + "\xa0")
        else:
            run_match = run_pattern.match(text, s, stop)
            e = run_match.end() if run_match is not None else m.end()
            repaired = _repair(text[s:e], _in_word(text, s, e))
            if repaired is None:
                # A correct character glued to the damage (`‚Äú¿` for `“¿`) can make the whole
                # run undecodable: try the shortest pieces starting where the damage was seen.
                for k in (2, 3, 4):
                    w = m.start() + k
                    while w < e and "\u0300" <= text[w] <= "\u036f":
                        w += 1  # Never split a letter from its accent (decomposed pages).
                    if w <= e and (
                        piece := _repair(text[m.start() : w], _in_word(text, m.start(), w))
                    ):
                        s, e, repaired = m.start(), w, piece
                        break
            run = text[s:e]
        done = e
        if repaired is None or repaired == run or repaired == _c1_as_windows(run):
            continue  # (A lone C1 control read as Windows-1252 is invalid-characters' finding.)
        # Keep only what changed: a correct character beside the damage is not the damage.
        p = 0
        while p < min(len(run), len(repaired)) and run[p] == repaired[p]:
            p += 1
        q = 0
        while q < min(len(run), len(repaired)) - p and run[-1 - q] == repaired[-1 - q]:
            q += 1
        out.append((s + p, e - q, repaired[p : len(repaired) - q]))
    return out


@register
class Mojibake(Rule):
    """Text garbled by a wrong decode: `antibodyâ€“drug` for `antibody–drug`.

    ## What it does
    Reports characters that are UTF-8 text read as Windows-1252, Latin-1 or Mac Roman (once or
    several times over), in the body and in frontmatter values. It is decided by ftfy on the
    damaged characters alone, so a page full of legitimate non-ASCII (accented names, Greek
    letters, µg/m², ≥, ±, °C, ™, curly quotes, dashes, Spanish) gives no finding. Code spans and
    code blocks are not checked.

    ## Why it matters
    `Ã©` for `é` or `â€™` for `’` makes a page look broken and untrustworthy, and it breaks
    search: nobody finds "quimioterapia" spelled `quimioterapÃ­a`.

    ## Example
    ```markdown
    Ado-trastuzumab emtansine is an antibodyâ€“drug conjugate.
    ```
    Use instead:
    ```markdown
    Ado-trastuzumab emtansine is an antibody–drug conjugate.
    ```

    ## Fix
    Safe: restores exactly the damaged characters, and nothing else: no quote uncurling, no
    HTML unescaping, no Unicode normalisation, line endings untouched. When the original
    character cannot be recovered (the damage contains U+FFFD) there is no fix.
    """

    code = "ML101"
    name = "mojibake"
    summary = "text decoded with the wrong codec"
    fix = "sometimes"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if screens.nothing_suspect(doc, ctx):
            return  # not one suspect pair: find_mojibake would find nothing
        for start, end, repaired in find_mojibake(doc.text):
            if start >= doc.body_start and doc.in_code(start):
                continue
            damaged = doc.text[start:end]
            fix = None
            if "\ufffd" not in repaired:
                fix = self.make_fix(
                    f"Replace `{damaged}` with `{repaired}`",
                    Edit(start=start, end=end, replacement=repaired),
                )
            yield self.finding(
                doc,
                doc.span(start, end),
                f"mojibake: `{damaged}` is `{repaired}` decoded with the wrong codec",
                fix=fix,
            )
