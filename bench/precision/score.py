"""Score the content rules on a corpus from make_corpus.py: precision and recall per rule.

    python bench/precision/score.py CORPUS_DIR... [--verbose] [--timing]

A finding is a true positive when (path, rule, line) is in truth.jsonl (as a multiset: two
findings on one line need two truths). `--verbose` lists every false positive and false negative
with the page's line; `--timing` adds each rule's cost per page (body already parsed, best of 5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from medlint.config import Config
from medlint.document import Document
from medlint.engine import build_settings, read_document
from medlint.runner import RunOptions, collect, run_check

sys.path.insert(0, str(Path(__file__).parent))
from make_corpus import RULES

TODAY = dt.date(2026, 1, 15)

Key = tuple[str, str, int]


def score(corpus: Path, verbose: bool) -> tuple[int, int, dict[str, tuple[int, int, int]]]:
    truth: Counter[Key] = Counter()
    for row in (corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(row)
        truth[(data["path"], data["rule"], data["line"])] += 1
    config = Config()
    settings = build_settings(config, config_root=corpus, select=RULES, today=TODAY)
    os.chdir(corpus)
    items = collect([Path(".")], corpus, config, corpus)
    run = run_check(items, settings, config, RunOptions(offline=True))
    found: Counter[Key] = Counter((f.path, f.rule, f.span.line) for f in run.findings)
    messages = {(f.path, f.rule, f.span.line): f.message for f in run.findings}
    table: dict[str, tuple[int, int, int]] = {}
    for rule in RULES:
        keys = {k for k in (truth | found) if k[1] == rule}
        tp = sum(min(found[k], truth[k]) for k in keys)
        fp = sum(found[k] for k in keys) - tp
        fn = sum(truth[k] for k in keys) - tp
        table[rule] = (tp, fp, fn)
        if verbose:
            for k in sorted(keys):
                if found[k] > truth[k]:
                    print(f"FP {k[0]}:{k[2]} {rule}: {messages[k]}")
                elif truth[k] > found[k]:
                    print(f"FN {k[0]}:{k[2]} {rule}")
    return len(items), sum(truth.values()), table


def print_table(pages: int, injected: int, table: dict[str, tuple[int, int, int]]) -> None:
    print(f"{pages} pages, {injected} injected defects\n")
    print("| rule | injected | found | TP | FP | FN | precision | recall |")
    print("|---|---|---|---|---|---|---|---|")
    for rule, (tp, fp, fn) in table.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        row = f"| {rule} | {tp + fn} | {tp + fp} | {tp} | {fp} | {fn} |"
        print(f"{row} {precision:.3f} | {recall:.3f} |")


def timing(corpus: Path) -> None:
    config = Config()
    settings = build_settings(config, config_root=corpus, select=RULES, today=TODAY)
    items = collect([Path(".")], corpus, config, corpus)
    docs = [
        d
        for d in (read_document(i.path, i.display, settings) for i in items)
        if isinstance(d, Document)
    ]
    for doc in docs:
        _ = doc.body  # parse once: the rules' own cost is what is measured
    print("\n| rule | µs per page |\n|---|---|")
    total = 0.0
    for rule in settings.document_rules:
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for doc in docs:
                for _finding in rule.check(doc, settings.ctx):
                    pass
            best = min(best, time.perf_counter() - start)
        per_page = best / len(docs) * 1e6
        total += per_page
        print(f"| {rule.name} | {per_page:.1f} |")
    print(f"| all content rules | {total:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="+", help="one or more corpora (summed)")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--timing", action="store_true")
    args = parser.parse_args()
    pages = injected = 0
    total: dict[str, tuple[int, int, int]] = dict.fromkeys(RULES, (0, 0, 0))
    for corpus in args.corpus:
        cwd = Path.cwd()
        n, k, table = score(corpus.resolve(), args.verbose)
        os.chdir(cwd)
        pages, injected = pages + n, injected + k
        for rule, counts in table.items():
            total[rule] = tuple(a + b for a, b in zip(total[rule], counts, strict=True))  # type: ignore[assignment]
    print_table(pages, injected, total)
    if args.timing:
        timing(args.corpus[0].resolve())


if __name__ == "__main__":
    main()
