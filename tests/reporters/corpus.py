"""A deterministic corpus of patient-education pages with the defects real scraped corpora have.

Used to look at (and test) the corpus reports at scale: `generate(folder, 1000)` writes the same
1,000 pages on every machine. Most pages are valid; a share of them has missing or broken
frontmatter, schema mistakes, mojibake, placeholders, invisible characters or a missing reviewer,
and review dates are spread so that some are overdue, some due soon and most current.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

SOURCES = [
    ("NCI", "02_nci_core", "https://www.cancer.gov/about-cancer/treatment/drugs/", 30),
    ("ACS", "03_acs", "https://www.cancer.org/cancer/", 20),
    ("LBBC", "05_nonprofit", "https://www.lbbc.org/about-breast-cancer/", 12),
    ("Cancer.Net", "04_asco", "https://www.cancer.net/cancer-types/", 12),
    ("MedlinePlus", "02_nlm", "https://medlineplus.gov/", 10),
    ("Macmillan", "06_uk_charity", "https://www.macmillan.org.uk/cancer-information/", 8),
    ("Cancer Research UK", "06_uk_charity", "https://www.cancerresearchuk.org/about-cancer/", 8),
]
CANCERS = ["breast", "lung", "colorectal", "prostate", "ovarian", "lymphoma", "melanoma", "liver"]
DRUGS = [
    "trastuzumab",
    "pembrolizumab",
    "nivolumab",
    "capecitabine",
    "tamoxifen",
    "letrozole",
    "olaparib",
    "rituximab",
    "osimertinib",
    "bevacizumab",
]
FREQUENCIES = ["quarterly", "semiannual", "annual", "annual", "annual", "annual", "biennial"]
REVIEWERS = ["Ilana Schlam, MD, MPH", "Daniel Ortiz, PharmD", "Amara Okafor, RN, OCN"]


def _frontmatter(
    rng: random.Random, i: int, title: str, cancers: list[str], today: dt.date
) -> list[str]:
    source, source_type, base, _ = rng.choices(SOURCES, weights=[s[3] for s in SOURCES])[0]
    freq = rng.choice(FREQUENCIES)
    # Most pages were reviewed within the last year; a tail goes back more than two years.
    age = int(rng.triangular(0, 600, 0))
    reviewed = today - dt.timedelta(days=age)
    reviewer = rng.choice(REVIEWERS) if rng.random() > 0.04 else "Jordan Lee"
    lines = [
        "---",
        "audienceLevel: patient",
        "cancerTypes:",
        *[f"- {c}" for c in cancers],
        f"citation: {source}, {reviewed.year}",
        "language: en",
        f"lastReviewed: '{reviewed.isoformat()}'",
        "license: public_domain",
        f"reviewFrequency: {freq}",
        "reviewedBy:",
        f"- {reviewer}",
        f"source: {source}",
        f"sourceType: {source_type}",
        "status: active",
        "tags:",
        "- treatment",
        f"title: {title}" if rng.random() > 0.03 else f"title: {title} for patients",
        f"url: {base}{title.lower()}-{i}",
        "version: v1",
        "---",
    ]
    roll = rng.random()
    if roll < 0.03:
        lines = [ln.replace("lastReviewed", "lastReveiwed") for ln in lines]
    elif roll < 0.05:
        lines = [ln.replace("audienceLevel: patient", "audienceLevel: patients") for ln in lines]
    elif roll < 0.10:
        start = lines.index("reviewedBy:")
        del lines[start : start + 2]
    elif roll < 0.12:
        lines.insert(3, "  broken: [indentation")
    return lines


def page(rng: random.Random, i: int, count: int, today: dt.date) -> str:
    drug = rng.choice(DRUGS).capitalize()
    cancers = rng.sample(CANCERS, rng.choice([1, 1, 2]))
    # A page sometimes lists a cancer type it never mentions.
    mentioned = cancers if rng.random() > 0.05 else cancers[:-1]
    treats = " and ".join(f"{c} cancer" for c in mentioned) or "some cancers"
    body = [
        f"# {drug}",
        "",
        f"{drug} is used to treat {treats}. Your care team will explain how it is given "
        "and which side effects to watch for.",
        "",
        "## Side effects",
        "",
        "- Tiredness",
        "- Nausea",
        "",
        f"See also [the next page](../section-{(i + 1) % 10}/page-{(i + 1) % count:04d}.md).",
        "",
    ]
    roll = rng.random()
    if roll < 0.08:
        body.insert(2, "It is an antibodyâ€“drug conjugate given by vein every 3 weeks.")
    elif roll < 0.13:
        body.insert(4, "Placeholder slot")
    elif roll < 0.15:
        body.insert(4, "TODO: add dosing information")
    elif roll < 0.17:
        body.insert(2, "Ask your doctor about \ufffd dosing.")
    elif roll < 0.20:
        body.append("[Definition](/Common/PopUps/popDefinition.aspx?id=44058&version=Patient)")
    elif roll < 0.23:
        body.append(
            "Sign up to receive emotional support, medical insight, personal stories, and more, "
            "delivered to your inbox weekly."
        )
    if rng.random() < 0.03:
        return "\n".join([drug, f"- Medical Review: {REVIEWERS[0]}", *body])
    return "\n".join([*_frontmatter(rng, i, drug, cancers, today), "", *body])


def generate(folder: Path, count: int = 1000, *, seed: int = 2026, today: dt.date) -> list[Path]:
    """Write `count` pages under `folder` (one subfolder per source kind); return their paths."""
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        text = page(rng, i, count, today)
        path = folder / f"section-{i % 10}" / f"page-{i:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
