"""mojibake: UTF-8 text that was decoded with the wrong codec somewhere on its way to us.

Screening is cheap and ftfy decides. Mojibake of a UTF-8 character is always a run of two to
four characters from a legacy code page's upper half (a lead byte such as `Ã`, `â`, `√`
followed by continuation bytes such as `©`, `€`, `“`), or, once a no-break space was turned into
a space, `Ã` before two spaces (`à`) or `Â` before a space (a no-break space). An ASCII page is never looked at; other pages are scanned with
one precompiled pattern for such lead/continuation pairs, and only then is ftfy imported (it
costs about 0.2 s, which the pre-commit hook should not pay for nothing).

ftfy is asked about the run alone, never the whole line: its full `fix_text` also uncurls
quotes, unescapes HTML, changes line breaks and normalises Unicode, all of which would damage
correct text. Its `fix_encoding` only re-decodes, and the edit replaces exactly the characters
that changed, so a correct curly quote beside the damage stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from medlint.document import Document
from medlint.findings import Edit, Finding
from medlint.registry import Context, Rule, register

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

_SUSPECT = re.compile(f"[{_LEAD}][{_CONT}]|[{_MAC_LEAD}][{_MAC_CONT}]|Ã (?= )|Â (?=[^\\s])")
_RUN = re.compile(f"[{_RUN_CHARS}]+")
_RUN_CHAR = re.compile(f"[{_RUN_CHARS}]")


@lru_cache(maxsize=4096)
def _repair(run: str) -> str | None:
    """The run as it was before the wrong decode, when ftfy judges it mojibake; else None."""
    import ftfy

    fixed: str = ftfy.fix_encoding(run)
    if fixed == run and run.startswith("â") and len(run) == 3:
        # ftfy leaves `â„¢` (™) alone as plausible Latin; a three-byte sequence that decodes to
        # a symbol of the punctuation and letterlike blocks is never real Latin text.
        try:
            candidate = run.encode("sloppy-windows-1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
        if len(candidate) == 1 and 0x2000 <= ord(candidate) < 0x2C00:
            return candidate
        return None
    return fixed if fixed != run else None


def find_mojibake(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, repaired) for each damaged span of text[start:end], exact to the character."""
    stop = len(text) if end is None else end
    if text.isascii():
        return []
    out: list[tuple[int, int, str]] = []
    done = start
    for m in _SUSPECT.finditer(text, start, stop):
        if m.start() < done:
            continue
        if m.group().endswith(" "):  # `Ã ` for `à`: a no-break space that became a space.
            s, e = m.start(), m.end()
            while s > start and _RUN_CHAR.match(text, s - 1):
                s -= 1
            run = text[s:e]
            repaired = _repair(run[:-1] + "\xa0")
        else:
            s = m.start()
            while s > start and _RUN_CHAR.match(text, s - 1):
                s -= 1
            run_match = _RUN.match(text, s, stop)
            assert run_match is not None
            e = run_match.end()
            run = text[s:e]
            repaired = _repair(run)
        done = e
        if repaired is None:
            continue
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
