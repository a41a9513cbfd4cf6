"""Build the precision/recall corpus: realistic pages, injected defects, legitimate look-alikes.

    python bench/precision/make_corpus.py OUT_DIR [--pages 160] [--seed 11]

Writes OUT_DIR/{en,es}/*.md, an empty OUT_DIR/.git (so root-relative links resolve against
OUT_DIR, as in a repository), and OUT_DIR/truth.jsonl: one {"path", "rule", "line"} per finding
the content rules should report. The truth is written by the injector, which knows where it put
each defect; it never asks medlint. Page i depends only on (seed, i): same command, same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from texts import (
    DRUGS,
    EN_HEADINGS,
    EN_LOOKALIKES,
    EN_PARAS,
    ES_HEADINGS,
    ES_LOOKALIKES,
    ES_PARAS,
    FOOTERS,
    REVIEWERS,
    SOURCES,
    UNCREDENTIALED,
)

RULES = [
    "mojibake",
    "invalid-characters",
    "placeholder",
    "boilerplate",
    "relative-link",
    "missing-reviewer",
    "stale-review",
    "reviewer-credential",
    "multiple-h1",
    "title-mismatch",
    "cancer-type-unmentioned",
]
UNMENTIONABLE = ["pancreatic", "bladder", "esophageal", "sarcoma", "cervical", "stomach"]
GARBLE_TARGETS = "—–’“”é°µ²≥±½ñíóá…™"


@dataclass
class Line:
    text: str
    expect: list[str] = field(default_factory=list)  # rules expected on this line


@dataclass
class Page:
    lang: str
    slug: str
    org: str
    front: list[Line]
    body: list[Line]

    def render(self) -> tuple[str, list[tuple[str, int]]]:
        lines = [Line("---"), *self.front, Line("---"), *self.body]
        truth = [(rule, i) for i, line in enumerate(lines, 1) for rule in line.expect]
        return "\n".join(line.text for line in lines) + "\n", truth


def _windows(raw: bytes) -> str:
    """Bytes as Windows-1252 shows them (its five undefined bytes as Latin-1, as browsers do)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw)


def garble(rng: random.Random, ch: str) -> str:
    """How `ch` looks after one of the usual wrong decodes."""
    raw = ch.encode("utf-8")
    how = rng.choices(["cp1252", "double", "latin-1", "mac"], weights=[6, 2, 1, 1])[0]
    if how == "double":
        return _windows(_windows(raw).encode("utf-8"))
    if how == "latin-1":
        return raw.decode("latin-1")
    if how == "mac":
        return raw.decode("mac_roman")
    return _windows(raw)


def frontmatter(
    rng: random.Random,
    page: Page,
    drug: tuple[str, ...],
    title: str,
    url: str,
    source: tuple[str, str, str, str],
) -> list[Line]:
    _name, _, cancer, _, _ = drug
    reviewer = rng.choice(REVIEWERS)
    last = rng.choice(["'2025-12-30'", "2025-11-02", "'2026-01-10'", "2025-10-15"])
    freq = "quarterly" if last in ("'2025-12-30'", "2025-10-15") else "annual"
    return [
        Line("audienceLevel: patient"),
        Line("cancerTypes:"),
        Line(f"- {cancer}"),
        Line(f"citation: {source[0]}, 2025"),
        Line(f"language: {page.lang}"),
        Line(f"lastReviewed: {last}"),
        Line(f"license: {source[3]}"),
        Line(f"reviewFrequency: {freq}"),
        Line("reviewedBy:"),
        Line(f"- {reviewer}"),
        Line(f"source: {source[0]}"),
        Line(f"sourceType: {source[1]}"),
        Line("status: active"),
        Line("tags:"),
        Line("- treatment"),
        Line(f"title: {title}"),
        Line(f"url: {url}"),
        Line("version: v1"),
    ]


def build(seed: int, i: int, all_slugs: list[tuple[str, str]]) -> Page:
    rng = random.Random(seed * 100_003 + i)
    lang = "es" if i % 5 in (1, 3) else "en"
    drug = DRUGS[i % len(DRUGS)]
    name, brand, _, cancer_en, cancer_es = drug
    source = SOURCES[i % len(SOURCES)]
    slug = f"{name}-{i:03d}"
    fill = {
        "name": name,
        "Name": name.capitalize(),
        "brand": brand,
        "Brand": brand,
        "cancer": cancer_es if lang == "es" else cancer_en,
        "Org": source[0],
    }
    heading = f"{name.capitalize()} ({brand})"
    title = heading + (f" - {source[0]}" if rng.random() < 0.4 else "")
    page = Page(lang, slug, source[0], [], [])
    page.front = frontmatter(rng, page, drug, title, source[2].format(slug=slug), source)
    paras, heads, looks = (
        (ES_PARAS, ES_HEADINGS, ES_LOOKALIKES)
        if lang == "es"
        else (EN_PARAS, EN_HEADINGS, EN_LOOKALIKES)
    )
    intro = (
        f"{name.capitalize()} ({brand}) se usa para tratar el {cancer_es}."
        if lang == "es"
        else f"{name.capitalize()} ({brand}) is a medicine used to treat {cancer_en}."
    )
    body = [Line(""), Line(f"# {heading}"), Line(""), Line(intro), Line("")]
    side = "Efectos secundarios" if lang == "es" else "Side effects"
    chosen_heads = [side, *rng.sample([h for h in heads if h != side], rng.randrange(3, 5))]
    rng.shuffle(chosen_heads)
    others = [s for s in all_slugs if s[1] != slug]
    pool = rng.sample(paras, len(paras))
    for h in chosen_heads:
        body += [Line(f"## {h.format(**fill)}"), Line("")]
        for _ in range(rng.randrange(2, 4)):
            if not pool:
                pool = rng.sample(paras, len(paras))
            body += [Line(pool.pop().format(**fill)), Line("")]
        if rng.random() < 0.5:
            other_lang, other = rng.choice(others)
            prefix = "" if other_lang == lang else f"../{other_lang}/"
            frag = "efectos-secundarios" if other_lang == "es" else "side-effects"
            body += [
                Line(
                    f"- See [a related page]({prefix}{other}.md#{frag}) and "
                    f"[its source](/{other_lang}/{other}.md)."
                ),
                Line(""),
            ]
        if rng.random() < 0.6:
            body += [Line(rng.choice(looks)), Line("")]
    body += [Line(f"[More information]({source[2].format(slug=slug)})")]
    page.body = body
    inject(rng, page, lang, drug)
    if lang == "es" and i % 10 == 3:  # some pages are saved decomposed (NFD), as macOS does
        for line in (*page.front, *page.body):
            line.text = unicodedata.normalize("NFD", line.text)
    return page


def _prose(page: Page) -> list[Line]:
    return [
        ln
        for ln in page.body
        if len(ln.text) > 80 and not ln.text.startswith(("-", "<", "[")) and "`" not in ln.text
    ]


def inject(rng: random.Random, page: Page, lang: str, drug: tuple[str, ...]) -> None:
    """Zero to three defects; each records the rule and line where it must be found."""
    kinds = rng.sample(RULES, rng.choices([0, 1, 2, 3], weights=[2, 3, 3, 2])[0])
    front = {ln.text.split(":")[0]: ln for ln in page.front if ":" in ln.text}
    h1 = next(i for i, ln in enumerate(page.body) if ln.text.startswith("# "))
    for kind in kinds:
        if kind == "mojibake":
            where = _prose(page)
            if rng.random() < 0.2:  # a frontmatter value: a reviewer's name, a heading
                where = [
                    ln
                    for ln in (*page.front, *page.body)
                    if ln.text.startswith(("- ", "## ")) and not ln.text.isascii()
                ]
            # One defect per line: a garbled placeholder is first of all mojibake.
            candidates = [
                ln for ln in where if any(c in ln.text for c in GARBLE_TARGETS) and not ln.expect
            ]
            if candidates:
                line = rng.choice(candidates)
                chars = [c for c in GARBLE_TARGETS if c in line.text]
                picked = rng.sample(chars, min(len(chars), rng.choice([1, 1, 2])))
                # Garble first occurrences, all at once and apart, so no two damages touch.
                spots = sorted(line.text.index(c) for c in picked)
                spots = [p for k, p in enumerate(spots) if k == 0 or p - spots[k - 1] > 2]
                for p in reversed(spots):
                    # Latin-1 damage puts C1 controls in the text, which YAML refuses outright:
                    # in frontmatter that is invalid-frontmatter's finding, so keep it to cp1252.
                    bad = (
                        garble(rng, line.text[p])
                        if line not in page.front
                        else _windows(line.text[p].encode("utf-8"))
                    )
                    line.text = line.text[:p] + bad + line.text[p + 1 :]
                    line.expect.append("mojibake")
        elif kind == "invalid-characters":
            line = rng.choice(_prose(page))
            words = [w for w in line.text.split(" ") if len(w) > 6 and w.isalpha()]
            if words:
                w = rng.choice(words)
                bad = rng.choice(
                    [
                        "\u200b",
                        "\u00ad",
                        "\ufffd",
                        "\x00",
                        "\ufeff",
                        "\u2060",
                        "\x0c",
                        "\x92",
                        "\ue001",
                        "\u202e",
                    ]
                )
                line.text = line.text.replace(w, w[:3] + bad + w[3:], 1)
                line.expect.append("invalid-characters")
        elif kind == "placeholder":
            how = rng.randrange(3)
            if how == 0:
                text = rng.choice(
                    [
                        "Placeholder slot",
                        "TBD",
                        "[INSERT IMAGE HERE]",
                        "Coming soon",
                        "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
                        "{{ clinic_phone }}",
                        "**TBA**",
                        "[Add photo of the pump]",
                        "<insert dosing chart>",
                        "## Próximamente",
                        "[INSERTAR IMAGEN]",
                        "- XXX",
                    ]
                )
                at = rng.randrange(h1 + 2, len(page.body) - 1)
                page.body[at:at] = [Line(text, ["placeholder"]), Line("")]
            elif how == 1:
                line = rng.choice(_prose(page))
                line.text += rng.choice(
                    [
                        " Dose: TBD.",
                        " Call {{clinic_phone}} today.",
                        " TODO: confirm with pharmacy.",
                        " FIXME: wrong dose?",
                        " Call XXX-XXX-XXXX for help.",
                        " Dosis: TBD.",
                    ]
                )
                line.expect.append("placeholder")
            else:
                front["citation"].text = "citation: TBD"
                front["citation"].expect.append("placeholder")
        elif kind == "boilerplate":
            footer = rng.choice(FOOTERS)
            block = [Line(t.replace("{Org}", page.org)) for t in footer]
            block[0].expect.append("boilerplate")
            page.body += [Line(""), *block]
        elif kind == "relative-link":
            how = rng.randrange(7)
            if how == 4:
                page.body += [
                    Line(""),
                    Line('<a href="/Common/PopUps/glossary.aspx">glossary</a>', ["relative-link"]),
                ]
            elif how == 5:
                page.body += [
                    Line(""),
                    Line("[g]: /espanol/glosario.aspx?id=12", ["relative-link"]),
                    Line(""),
                    Line("See the [glossary][g]."),
                ]
            elif how == 6:
                target = f"{page.slug.split('-')[0].capitalize()}-{page.slug.split('-')[1]}.md"
                page.body += [
                    Line(""),
                    Line(f"Same page, [wrong case]({target}).", ["relative-link"]),
                ]
            elif how == 0:
                n = rng.randrange(1, 4)
                links = " and ".join(
                    f"[term {k}](/Common/PopUps/popDefinition.aspx?id={4000 + k}"
                    "&version=Patient&language=English)"
                    for k in range(n)
                )
                page.body += [Line(""), Line(f"- Definitions: {links}.", ["relative-link"] * n)]
            elif how == 1:
                page.body += [
                    Line(""),
                    Line("See [dosing](missing-dosing-page.md).", ["relative-link"]),
                ]
            elif how == 2:
                page.body += [
                    Line(""),
                    Line("See [dosing](#dosage-and-timing).", ["relative-link"]),
                ]
            else:
                page.body += [
                    Line(""),
                    Line("Image: ![chart](//cdn.example.org/chart.png)", ["relative-link"]),
                ]
        elif kind == "missing-reviewer":
            idx = next(i for i, ln in enumerate(page.front) if ln.text == "reviewedBy:")
            end = idx + 1
            while page.front[end].text.startswith("- "):
                end += 1
            moved = page.front[end - 1]
            item = moved.text[2:]
            del page.front[idx:end]
            page.front[0].expect.append("missing-reviewer@1")
            if rng.random() < 0.5:
                label = rng.choice(
                    ["- Revisión médica:"]
                    if lang == "es"
                    else ["- Medical Review:", "**Medically reviewed by**"]
                )
                kept = [r for r in moved.expect if r in ("mojibake", "invalid-characters")]
                page.body[h1 + 1 : h1 + 1] = [Line(f"{label} {item}", kept)]
        elif kind == "stale-review":
            front["lastReviewed"].text = "lastReviewed: " + rng.choice(
                ["2024-03-01", "'2024-11-20'"]
            )
            front["lastReviewed"].expect.append("stale-review")
        elif kind == "reviewer-credential" and "reviewedBy" in [ln.text[:-1] for ln in page.front]:
            idx = next(i for i, ln in enumerate(page.front) if ln.text == "reviewedBy:")
            page.front[idx + 1 : idx + 1] = [
                Line(f"- {rng.choice(UNCREDENTIALED)}", ["reviewer-credential"])
            ]
        elif kind == "multiple-h1":
            heading = page.body[h1].text
            how = rng.randrange(3)
            if how == 0:
                page.body[h1:h1] = [Line(f"{heading} - {page.org}", ["multiple-h1"]), Line("")]
            elif how == 1:
                page.body += [Line(""), Line("Dosing", ["multiple-h1"]), Line("======")]
            else:
                page.body += [Line(""), Line("# More about this medicine", ["multiple-h1"])]
        elif kind == "title-mismatch" and "multiple-h1" not in kinds:
            other = DRUGS[(DRUGS.index(drug) + 3) % len(DRUGS)]
            front["title"].text = f"title: {other[0].capitalize()} ({other[1]})"
            front["title"].expect.append("title-mismatch")
        elif kind == "cancer-type-unmentioned":
            body = " ".join(ln.text.lower() for ln in page.body)
            slug = next(s for s in UNMENTIONABLE if s[:5] not in body)
            idx = next(i for i, ln in enumerate(page.front) if ln.text == "cancerTypes:")
            page.front[idx + 2 : idx + 2] = [Line(f"- {slug}", ["cancer-type-unmentioned"])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    (out / ".git").mkdir(parents=True)
    slugs = [
        ("es" if i % 5 in (1, 3) else "en", f"{DRUGS[i % len(DRUGS)][0]}-{i:03d}")
        for i in range(args.pages)
    ]
    truth: list[dict[str, object]] = []
    for i in range(args.pages):
        page = build(args.seed, i, slugs)
        text, expected = page.render()
        rel = f"{page.lang}/{page.slug}.md"
        data = text.encode("utf-8")
        if i % 7 == 2:
            data = text.replace("\n", "\r\n").encode("utf-8")
        if i % 11 == 4:
            data = b"\xef\xbb\xbf" + data
        (out / page.lang).mkdir(exist_ok=True)
        (out / rel).write_bytes(data)
        for rule, line in expected:
            name, _, at = rule.partition("@")
            truth.append({"path": rel, "rule": name, "line": int(at) if at else line})
    with (out / "truth.jsonl").open("w", encoding="utf-8") as handle:
        for row in truth:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{args.pages} pages, {len(truth)} expected findings in {out}")


if __name__ == "__main__":
    main()
