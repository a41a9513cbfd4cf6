"""A deterministic corpus of patient-education pages for the speed benchmark.

Page `i` of a corpus of `n` pages depends only on (seed, i, n): the same command always writes
the same bytes, so every tool in a run, and every run on every machine, reads the same corpus.
Pages are 3–6 KB of Markdown with a full frontmatter block (as the seeds have it), headings,
lists, remote links, relative links to other pages and their headings, reference definitions, a
few code spans and HTML comments, and about one page in seven in Spanish (non-ASCII text, which
takes the parser's slower offset path). A chosen share of pages carries one or two defects of
the kinds the rules look for (mojibake, placeholders, a reviewer line left in the body, a
root-relative link, a stale review date, a misspelled key, a broken relative link or fragment),
so `check` has findings to report and `fix` has edits to make.

    python bench/corpus.py OUT_DIR --pages 10000 [--defective 0.1] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from pathlib import Path

GENERATOR_VERSION = 4  # bump when the output changes, so cached corpora are rebuilt
PAGES_PER_FOLDER = 100

CANCERS = [
    ("breast", "breast cancer"),
    ("lung", "lung cancer"),
    ("colorectal", "colorectal cancer"),
    ("prostate", "prostate cancer"),
    ("ovarian", "ovarian cancer"),
    ("lymphoma", "lymphoma"),
    ("leukemia", "leukemia"),
    ("melanoma", "melanoma"),
    ("pancreatic", "pancreatic cancer"),
    ("kidney", "kidney cancer"),
    ("thyroid", "thyroid cancer"),
    ("bladder", "bladder cancer"),
]
DRUGS = [
    "trastuzumab",
    "pembrolizumab",
    "nivolumab",
    "carboplatin",
    "paclitaxel",
    "docetaxel",
    "capecitabine",
    "bevacizumab",
    "rituximab",
    "imatinib",
    "osimertinib",
    "olaparib",
    "letrozole",
    "tamoxifen",
    "cetuximab",
    "gemcitabine",
    "oxaliplatin",
    "cisplatin",
]
SOURCES = [
    ("NCI", "02_nci_core", "https://www.cancer.gov"),
    ("ACS", "03_acs_core", "https://www.cancer.org"),
    ("LBBC", "05_lbbc_articles", "https://www.lbbc.org"),
]
REVIEWERS = [
    "Ilana Schlam, MD, MPH",
    "Maria Lopez, MD",
    "James Okafor, PharmD, BCOP",
    "Sarah Chen, RN, OCN",
    "David Stein, MD, PhD",
    "Amira Haddad, NP",
]
SECTION_TITLES = [
    "How the drug works",
    "Who gets this treatment",
    "How it is given",
    "Side effects",
    "Things to remember",
    "Questions to ask your doctor",
    "Research results",
    "Clinical trials",
    "Living with treatment",
    "Support for caregivers",
]
SECTION_TITLES_ES = [
    "Cómo funciona el medicamento",
    "Quién recibe este tratamiento",
    "Cómo se administra",
    "Efectos secundarios",
    "Qué debe recordar",
    "Preguntas para su médico",
]
SENTENCES = [
    "{drug} is a type of targeted therapy used to treat {cancer} in adults.",
    "It works by blocking signals that tell cancer cells to grow and divide.",
    "Your care team will check your blood counts before each treatment cycle.",
    "Some people feel tired for a few days after each dose; this usually gets better.",
    "Tell your doctor about every medicine you take, including vitamins and herbal supplements.",
    "Call your doctor right away if you have a fever of 100.4°F (38°C) or higher.",
    "{drug} may be given alone or together with chemotherapy, depending on the stage.",
    "Treatment usually continues for as long as it controls the cancer and side effects "
    "are manageable.",
    "Nausea, diarrhea, and mouth sores are common, and there are medicines that help.",
    "Women who could become pregnant should use effective birth control during treatment.",
    "Your nurse can show you how to care for the skin around the infusion site.",
    "Clinical trials are studying whether {drug} also helps people with other cancers.",
    "Keep a diary of symptoms so you can share it with your care team at each visit.",
    "Low platelet counts can cause bruising or bleeding; report any unusual bleeding.",
    "Drink plenty of fluids and rest when you need to during the weeks of treatment.",
]
SENTENCES_ES = [
    "{drug} es un tipo de terapia dirigida que se usa para tratar el cáncer en adultos.",
    "Su equipo médico revisará sus análisis de sangre antes de cada ciclo de tratamiento.",
    "Algunas personas sienten cansancio durante unos días después de cada dosis.",
    "Informe a su médico sobre todos los medicamentos que toma, incluidas las vitaminas.",
    "Llame a su médico de inmediato si tiene fiebre de 38 °C o más.",
    "Las náuseas y las llagas en la boca son frecuentes, y hay medicamentos que ayudan.",
]
REMOTE = [
    "https://www.cancer.gov/about-cancer/treatment/drugs/{drug}",
    "https://medlineplus.gov/druginfo/meds/a6{num:05d}.html",
    "https://www.cancer.gov/publications/dictionaries/cancer-drug/def/{num}",
    "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={num}&audience=consumer",
    "https://www.cancer.gov/research/participate/clinical-trials/intervention/C{num}",
]
DEFECTS = [
    "mojibake",
    "placeholder",
    "reviewer-in-body",
    "root-relative",
    "stale",
    "misspelled-key",
    "broken-relative",
    "broken-fragment",
    "bad-enum",
    "todo",
]


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def page_path(i: int) -> str:
    return f"section-{i // PAGES_PER_FOLDER:04d}/page-{i:06d}.md"


def _relative(src: int, dst: int) -> str:
    if src // PAGES_PER_FOLDER == dst // PAGES_PER_FOLDER:
        return f"page-{dst:06d}.md"
    return f"../{page_path(dst)}"


def _sections(rng: random.Random, spanish: bool) -> list[str]:
    titles = SECTION_TITLES_ES if spanish else SECTION_TITLES
    return rng.sample(titles, k=min(len(titles), rng.randint(4, 6)))


def page(i: int, n: int, seed: int, defective: float) -> str:
    """The text of page `i` of an `n`-page corpus."""
    rng = random.Random(seed * 1_000_003 + i)
    spanish = rng.random() < 0.14
    drug = rng.choice(DRUGS)
    cancer_slug, cancer = rng.choice(CANCERS)
    source, source_type, origin = rng.choice(SOURCES)
    defects: list[str] = []
    if rng.random() < defective:
        defects = rng.sample(DEFECTS, k=rng.choice((1, 1, 2)))
    reviewed = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300))
    if "stale" in defects:
        reviewed = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(300))
    title = (
        f"{drug.capitalize()} for {cancer}"
        if not spanish
        else f"{drug.capitalize()}, información para pacientes"
    )
    meta = {
        "audienceLevel": "patients" if "bad-enum" in defects else "patient",
        "cancerTypes": [cancer_slug],
        "citation": f"{source}, 2026",
        "language": "es" if spanish else "en",
        "lastReviewed": reviewed.isoformat(),
        "license": "public_domain",
        "reviewFrequency": rng.choice(["quarterly", "annual", "semiannual"]),
        "reviewedBy": [rng.choice(REVIEWERS)],
        "source": source,
        "sourceType": source_type,
        "status": "active",
        "tags": sorted(rng.sample(["treatment", "drug", "side-effects", "targeted-therapy"], 2)),
        "title": title,
        "url": f"{origin}/about-cancer/treatment/drugs/{drug}-{i}",
        "version": "v1",
    }
    body_reviewer = None
    if "reviewer-in-body" in defects:
        body_reviewer = meta.pop("reviewedBy")[0]  # type: ignore[index]
    lines = ["---"]
    for key in sorted(meta):
        value = meta[key]
        shown = "lastReveiwed" if key == "lastReviewed" and "misspelled-key" in defects else key
        if isinstance(value, list):
            lines.append(f"{shown}:")
            lines.extend(f"- {v}" for v in value)
        elif key == "lastReviewed":
            lines.append(f"{shown}: '{value}'")
        else:
            lines.append(f"{shown}: {value}")
    lines += ["---", "", f"# {title}", ""]
    if body_reviewer is not None:
        lines += [f"- Medical Review: {body_reviewer}", ""]
    if "placeholder" in defects:
        lines += ["Placeholder slot", ""]
    sections = _sections(rng, spanish)
    sentences = SENTENCES_ES if spanish else SENTENCES
    target_size = rng.randint(2700, 5300)
    size = sum(len(x) + 1 for x in lines)
    k = 0
    while size < target_size:
        block: list[str] = []
        if k < len(sections):
            block += [f"## {sections[k]}", ""]
        para = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 4)))
        para = para.format(drug=drug.capitalize(), cancer=cancer)
        roll = rng.random()
        num = rng.randrange(10_000, 99_999)
        if roll < 0.35:
            url = rng.choice(REMOTE).format(drug=drug, num=num)
            para += f" Read more in [this summary]({url})."
        elif roll < 0.55:
            dst = rng.randrange(n)
            para += f" See also [a related page]({_relative(i, dst)})."
        elif roll < 0.65 and k > 0:
            para += f" Go back to [{sections[0]}](#{slug(sections[0])})."
        elif roll < 0.72:
            para += f" Ask about `{drug}-{num % 97}` dosing."
        blocks_done = k
        block.append(para)
        block.append("")
        if rng.random() < 0.3:
            block += [
                f"- {rng.choice(sentences).format(drug=drug, cancer=cancer)}" for _ in range(3)
            ]
            block.append("")
        if blocks_done == 2 and rng.random() < 0.2:
            block += ["<!-- reviewed for plain language -->", ""]
        lines += block
        size += sum(len(x) + 1 for x in block)
        k += 1
    lines += _defect_lines(defects, rng, i, n, origin)
    lines += ["## Related resources", ""]
    url = rng.choice(REMOTE).format(drug=drug, num=rng.randrange(10_000, 99_999))
    lines += [f"[{drug.capitalize()} drug information][info]", "", f"[info]: {url}", ""]
    text = "\n".join(lines)
    if "mojibake" in defects:
        text = (
            text.replace(" - ", " â€“ ", 1)
            if " - " in text
            else text.replace("is a type", "is a typeâ€”", 1)
        )
    return text


def _defect_lines(defects: list[str], rng: random.Random, i: int, n: int, origin: str) -> list[str]:
    out: list[str] = []
    if "root-relative" in defects:
        term = rng.randrange(40000, 50000)
        out += [
            f"Learn the term [metastatic](/Common/PopUps/popDefinition.aspx?id={term}"
            "&version=Patient&language=English).",
            "",
        ]
    if "broken-relative" in defects:
        out += [f"See [the old page](../section-9999/missing-{i}.md).", ""]
    if "broken-fragment" in defects:
        out += [f"Jump to [dosing](#no-such-heading-{i % 7}).", ""]
    if "todo" in defects:
        out += ["TODO: add the dosing table from the label.", ""]
    if "mojibake" in defects:
        out += ["An antibodyâ€“drug conjugate delivers the medicine to the cells.", ""]
    del origin
    return out


def build(out: Path, pages: int, *, seed: int = 7, defective: float = 0.1) -> Path:
    """Write the corpus to `out` (replacing what is there) unless the same one is already there."""
    stamp = {"version": GENERATOR_VERSION, "pages": pages, "seed": seed, "defective": defective}
    stamp_file = out / "corpus.json"
    if stamp_file.is_file() and json.loads(stamp_file.read_text()) == stamp:
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    # The corpus is its own project: its medlint.toml pins the date, so findings never change.
    (out / "medlint.toml").write_text('today = "2026-11-22"\n', encoding="utf-8")
    for i in range(pages):
        path = out / page_path(i)
        if i % PAGES_PER_FOLDER == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(i, pages, seed, defective), encoding="utf-8")
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--defective", type=float, default=0.1)
    args = parser.parse_args()
    build(args.out, args.pages, seed=args.seed, defective=args.defective)
    print(f"{args.pages} pages in {args.out}")


if __name__ == "__main__":
    main()
