"""CPU per page of a cold check in one process, end to end and stage by stage.

    python bench/pages_profile.py /tmp/medlint-bench/corpus-10000 --pages 2000

Runs `medlint.parallel.check_one` (what a worker runs for each file of a cold `check`) over the
first N pages of a corpus, in this process, and reports CPU milliseconds a page (process time:
user + system, so other jobs on the machine do not count). Then the same pages stage by stage:
decoding with the frontmatter, the Markdown body, each document rule's `check` alone (over
Documents whose body is already parsed, so a rule is charged only for its own work; the
one screen four rules share, checks/_screen.py, is charged to each of them, so the rules' sum
counts it up to four times), and
what `lint_document` and `check_one` add around them. Each measurement is the best of
`--repeat` rounds. `--cprofile` prints the hottest functions of `check_one` instead.

`--instructions` counts instructions instead of time (valgrind's callgrind, about 50 times
slower: use a few hundred pages): the same number whatever else the machine is running, so two
versions can be compared on a loaded machine. It runs this script twice under callgrind, with
one and with three passes over the pages, and reports the difference per page and pass, so
start-up and first-use costs (imports, compiling patterns, warming caches) cancel out.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lint"))

from medlint import parallel, suppressions  # noqa: E402
from medlint.config import load_config  # noqa: E402
from medlint.document import Document  # noqa: E402
from medlint.engine import Settings, build_settings, canonical_rule, lint_document  # noqa: E402
from medlint.text import decode  # noqa: E402


def settings_for(corpus: Path) -> Settings:
    """The settings `medlint check` builds when run from inside the corpus."""
    loaded = load_config(None, corpus)
    return build_settings(loaded.config, config_root=loaded.root)


def pages(corpus: Path, count: int) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(corpus):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".md"):
                found.append(Path(folder) / name)
                if len(found) >= count:
                    return found
    return found


def best(rounds: int, func: Callable[[], object]) -> float:
    """The least CPU seconds of `rounds` runs of `func` (the collector off, as it is mostly
    idle in a worker: pages make no reference cycles worth collecting mid-measurement)."""
    times = []
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        t0 = time.process_time()
        func()
        times.append(time.process_time() - t0)
        gc.enable()
    return min(times)


def _callgrind(corpus: Path, count: int, passes: int) -> int:
    """Instructions this script executes with `passes` passes over `count` pages."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                str(corpus),
                "--pages",
                str(count),
                "--passes",
                str(passes),
            ],
            check=True,
            capture_output=True,
        )
        for line in out.read_text().splitlines():
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("callgrind gave no total")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--only-total", action="store_true")
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--passes", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions:
        counts = [_callgrind(args.corpus, args.pages, passes) for passes in (1, 3)]
        per_page = (counts[1] - counts[0]) / 2 / args.pages
        print(f"check_one: {per_page / 1e6:.3f} M instructions a page ({args.pages} pages)")
        return

    settings = settings_for(args.corpus)
    files = pages(args.corpus, args.pages)
    n = len(files)
    pairs = [(str(p), str(p.relative_to(args.corpus))) for p in files]
    raws = [p.read_bytes() for p in files]

    def run_check_one() -> None:
        for path, display in pairs:
            parallel.check_one(path, display, settings)

    if args.passes:
        for _ in range(args.passes):
            run_check_one()
        return
    run_check_one()  # warm up: ftfy and other lazy imports, compiled patterns, caches
    if args.cprofile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(run_check_one)
        pstats.Stats(prof).sort_stats("tottime").print_stats(35)
        return

    def ms(seconds: float) -> str:
        return f"{seconds * 1000 / n:7.3f}"

    total = best(args.repeat, run_check_one)
    print(f"{n} pages from {args.corpus}")
    print(f"check_one, end to end            {ms(total)} ms/page")
    if args.only_total:
        return

    rows: list[tuple[str, float]] = []
    texts = [decode(raw) for raw in raws]
    rows.append(("read", best(args.repeat, lambda: [p.read_bytes() for p in files])))
    rows.append(("decode", best(args.repeat, lambda: [decode(raw) for raw in raws])))
    rows.append(
        (
            "Document (frontmatter)",
            best(args.repeat, lambda: [Document("p", d.text, bom=d.bom) for d in texts]),
        )
    )

    def docs() -> list[Document]:
        return [Document(str(i), d.text, bom=d.bom) for i, d in enumerate(texts)]

    fresh = docs()
    rows.append(("Markdown body", best(1, lambda: [d.body for d in fresh])))
    fresh = docs()
    rows.append(("line index", best(1, lambda: [d.lines for d in fresh])))
    parsed = docs()
    for d in parsed:
        _ = d.body, d.lines
    rows.append(
        (
            "suppressions.parse",
            best(args.repeat, lambda: [suppressions.parse(d, canonical_rule) for d in parsed]),
        )
    )
    rule_total = 0.0
    rule_rows: list[tuple[str, float]] = []
    for rule in settings.document_rules:

        def run_rule(rule: object = rule) -> None:
            for d in parsed:
                d.__dict__.pop("memo", None)  # each rule pays for the shared screen it uses
                for _ in rule.check(d, settings.ctx):  # type: ignore[attr-defined]
                    pass

        cost = best(args.repeat, run_rule)
        rule_total += cost
        rule_rows.append((f"  {rule.name}", cost))
    rows.append(("all rules", rule_total))
    lint = best(args.repeat, lambda: [lint_document(d, settings) for d in parsed])
    rows.append(("lint_document on a parsed page", lint))

    for name, cost in rows:
        print(f"{name:33}{ms(cost)} ms/page")
    for name, cost in sorted(rule_rows, key=lambda r: -r[1]):
        print(f"{name:33}{ms(cost)} ms/page")


if __name__ == "__main__":
    main()
