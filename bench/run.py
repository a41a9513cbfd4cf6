"""The speed benchmark in one command: build corpora, run medlint and the anchors, print the table.

    python bench/run.py                        # 1 page and 10,000 pages, 3 rounds
    python bench/run.py --sizes 1,10000,100000 # and 100,000 pages (medlint, rumdl, floor)

Every tool reads the same generated corpus (bench/corpus.py, deterministic). Per size each tool
runs once untimed first (page cache, bytecode, and the memory measurement), then `--rounds`
timed rounds in which the tools take turns, in an order that rotates each round, so a burst of
load on the machine hits every tool alike. Times are whole-process wall-clock medians, with CPU
seconds (user + system, children included) beside them because CPU time suffers much less when
the machine is shared. Memory is the peak of the sum of PSS over the tool's process tree
(sampled every 20 ms; PSS splits pages shared after a fork fairly) and the largest single
process's peak RSS (`ru_maxrss`, what `/usr/bin/time -v` shows).

Anchors, installed on first use: markdownlint-cli2 0.22 from npm into bench/node_modules, rumdl
from PyPI into the running Python, and the floor (bench/floor.py: read + YAML C loader, one
core). `medlint check --offline` runs with every rule; "cold" deletes `.medlint_cache/` first,
"warm" runs again with nothing changed. rumdl runs with `--no-cache`, as the goal's row; for
like-for-like rows, medlint also runs with `--no-cache`, and rumdl cold with its cache written.
`medlint fix` runs on a fresh copy of the corpus each time (copying is not timed). medlint and
the floor run in a virtual environment (bench-work/venv) where medlint is installed from the
checkout at the start, as pre-commit installs the hook.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # the generator next to this file

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
MARKDOWNLINT = BENCH / "node_modules" / ".bin" / "markdownlint-cli2"
MARKDOWNLINT_VERSION = "0.22"
RUMDL_VERSION = "0.3.0"
# Skipped at 100,000 pages unless --all-anchors: markdownlint-cli2 takes about 10 minutes there,
# and rumdl's cache would write 600 MB.
SLOW_ANCHORS = {"markdownlint-cli2", "rumdl-cache"}


@dataclass
class Sample:
    wall: float
    cpu: float
    maxrss_mb: float
    tree_pss_mb: float | None
    returncode: int
    stderr_tail: str = ""


@dataclass
class Tool:
    name: str
    label: str
    argv: Callable[[Path, str], list[str]]  # (corpus folder, target) -> command
    before: Callable[[Path], Path] = lambda folder: folder  # prepares; returns the folder to use
    ok_codes: tuple[int, ...] = (0, 1)
    samples: dict[int, list[Sample]] = field(default_factory=dict)
    memory: dict[int, Sample] = field(default_factory=dict)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(argv: list[str], cwd: Path, env: dict[str, str], *, sample_memory: bool) -> Sample:
    peak = [0]
    done = threading.Event()
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)

        def sample() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(proc.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        if sample_memory and Path("/proc/self/smaps_rollup").exists():
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if sampler.is_alive():
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read()[-2000:].decode("utf-8", "replace")
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        maxrss_mb=usage.ru_maxrss / 1024,
        tree_pss_mb=peak[0] / 1024 if sample_memory and peak[0] else None,
        returncode=proc.returncode,
        stderr_tail=tail if proc.returncode > 1 else "",
    )


def medlint_venv(work: Path) -> Path:
    """A virtual environment with medlint installed from the checkout, as users have it.

    pre-commit runs the hook from such an environment: a regular (not editable) install and no
    site hooks but the environment's own. The interpreter this script runs in may carry others
    (an editable install's path finder, a sandbox's certificate hook: 30-60 ms at every start,
    none of it medlint's). Installing also freezes the code under test for the whole run: an
    edit to the checkout mid-run cannot change it, nor, since the result cache is keyed by
    medlint's own files, turn a warm run into a cold one. Dependencies come from the registry
    the first time; medlint itself is reinstalled from the checkout on every run.
    """
    repo = BENCH.parent
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(repo)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(repo)],
        check=True,
    )
    return venv / "bin"


def ensure_anchors(skip_install: bool) -> dict[str, str]:
    """Install what is missing; return the versions found."""
    versions: dict[str, str] = {}
    if not MARKDOWNLINT.exists() and not skip_install and shutil.which("npm"):
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(BENCH),
                f"markdownlint-cli2@{MARKDOWNLINT_VERSION}",
            ],
            check=False,
        )
    if MARKDOWNLINT.exists():
        package = BENCH / "node_modules" / "markdownlint-cli2" / "package.json"
        versions["markdownlint-cli2"] = json.loads(package.read_text())["version"]
    rumdl = BIN / "rumdl"
    if not rumdl.exists() and not skip_install:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", f"rumdl=={RUMDL_VERSION}"], check=False
        )
    if rumdl.exists():
        out = subprocess.run([str(rumdl), "--version"], capture_output=True, text=True)
        versions["rumdl"] = out.stdout.strip().removeprefix("rumdl ")
    from medlint import __version__

    versions["medlint"] = __version__
    return versions


def _fresh_copy(work: Path) -> Callable[[Path], Path]:
    def prepare(folder: Path) -> Path:
        target = work / f"fix-{folder.name}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".medlint_cache"))
        return target

    return prepare


def _no_cache(folder: Path) -> Path:
    shutil.rmtree(folder / ".medlint_cache", ignore_errors=True)
    shutil.rmtree(folder / ".rumdl_cache", ignore_errors=True)
    return folder


def tools(work: Path, versions: dict[str, str], venv: Path) -> list[Tool]:
    medlint = str(venv / "medlint")
    out = [
        Tool(
            "medlint",
            f"medlint {versions['medlint']} check --offline, cold",
            lambda _f, target: [medlint, "check", "--offline", target],
            before=_no_cache,
        ),
        # Like for like with `rumdl check --no-cache`: no result cache read or written. The goal
        # is set on the cold run above, which writes the cache the warm run reads.
        Tool(
            "medlint-nocache",
            f"medlint {versions['medlint']} check --offline --no-cache",
            lambda _f, target: [medlint, "check", "--offline", "--no-cache", target],
        ),
        # A CI gate's run: JSON on standard output, SARIF and JUnit files beside it. The three
        # are written a finding at a time; the memory goal (flat) holds for them too.
        Tool(
            "medlint-reports",
            f"medlint {versions['medlint']} check --offline --no-cache, JSON + SARIF + JUnit",
            lambda _f, target: [
                medlint,
                "check",
                "--offline",
                "--no-cache",
                "--format",
                "json",
                "--report",
                f"sarif={work / 'report.sarif'}",
                "--report",
                f"junit={work / 'report.xml'}",
                target,
            ],
        ),
        Tool(
            "medlint-warm",
            "medlint, warm cache (nothing changed)",
            lambda _f, target: [medlint, "check", "--offline", target],
        ),
        Tool(
            "medlint-fix",
            "medlint fix (safe fixes)",
            lambda _f, target: [medlint, "fix", "--offline", target],
            before=_fresh_copy(work),
        ),
        Tool(
            "floor",
            "Python: read + YAML (C loader) only, one core",
            lambda _f, target: [str(venv / "python"), str(BENCH / "floor.py"), target],
        ),
    ]
    if "rumdl" in versions:
        out.append(
            Tool(
                "rumdl",
                f"rumdl {versions['rumdl']} (Rust)",
                lambda _f, target: [str(BIN / "rumdl"), "check", "--no-cache", target],
                before=_no_cache,
            )
        )
        # rumdl as it runs by default, cold: writing its cache, as medlint's cold run does.
        out.append(
            Tool(
                "rumdl-cache",
                f"rumdl {versions['rumdl']}, cold, writing its cache",
                lambda _f, target: [str(BIN / "rumdl"), "check", target],
                before=_no_cache,
            )
        )
    if "markdownlint-cli2" in versions:
        out.append(
            Tool(
                "markdownlint-cli2",
                f"markdownlint-cli2 {versions['markdownlint-cli2']} (Node)",
                lambda _f, target: [
                    str(MARKDOWNLINT),
                    target if target.endswith(".md") else "**/*.md",
                ],
            )
        )
    return out


def run_size(
    size: int, folder: Path, all_tools: list[Tool], rounds: int, env: dict[str, str], slow: bool
) -> None:
    target = corpus.page_path(0) if size == 1 else "."
    chosen = [t for t in all_tools if slow or size < 100_000 or t.name not in SLOW_ANCHORS]
    if size >= 100_000:  # the fix goal is set at 10,000 pages; a copy of 100,000 takes long
        chosen = [t for t in chosen if t.name != "medlint-fix"]

    def run(tool: Tool, *, memory: bool) -> Sample:
        where = tool.before(folder)
        sample = measure(tool.argv(where, target), where, env, sample_memory=memory)
        if sample.returncode not in tool.ok_codes:
            print(
                f"  ! {tool.name} exited {sample.returncode}: {sample.stderr_tail}", file=sys.stderr
            )
        return sample

    # Untimed first runs: warm the page cache and bytecode, and measure memory on the way.
    for tool in chosen:
        print(f"  {size:>7,} pages  {tool.name}: first run", file=sys.stderr, flush=True)
        tool.memory[size] = run(tool, memory=True)
    order = [t for t in chosen if t.name != "medlint-warm"]
    warm = next((t for t in chosen if t.name == "medlint-warm"), None)
    for r in range(rounds):
        turn = order[r % len(order) :] + order[: r % len(order)]
        for tool in turn:
            sample = run(tool, memory=False)
            tool.samples.setdefault(size, []).append(sample)
            print(f"  {size:>7,} pages  {tool.name}: {sample.wall:.3f} s", file=sys.stderr)
            if tool.name == "medlint" and warm is not None:  # right after a cold run
                sample = run(warm, memory=False)
                warm.samples.setdefault(size, []).append(sample)
                print(f"  {size:>7,} pages  {warm.name}: {sample.wall:.3f} s", file=sys.stderr)


def median(tool: Tool, size: int, what: str = "wall") -> float | None:
    values = [getattr(s, what) for s in tool.samples.get(size, [])]
    return statistics.median(values) if values else None


def table(all_tools: list[Tool], sizes: list[int]) -> str:
    def fmt(value: float | None, unit: str = "s") -> str:
        if value is None:
            return "–"
        return f"{value:.3f} {unit}" if value < 10 else f"{value:.1f} {unit}"

    memory_size = 10_000 if 10_000 in sizes else max(sizes)
    head = [f"{s:,} page{'s' if s > 1 else ''}" for s in sizes]
    lines = [
        "| tool | " + " | ".join(head) + f" | peak memory at {memory_size:,} (all processes"
        " / largest) |",
        "|---|" + "---|" * len(sizes) + "---|",
    ]
    for tool in all_tools:
        cells = []
        for s in sizes:
            wall, cpu = median(tool, s), median(tool, s, "cpu")
            cells.append(f"{fmt(wall)} (cpu {fmt(cpu)})" if wall is not None else "–")
        mem = tool.memory.get(memory_size)
        memory = "–"
        if mem is not None:
            pss = f"{mem.tree_pss_mb:.0f} MB" if mem.tree_pss_mb else "?"
            memory = f"{pss} / {mem.maxrss_mb:.0f} MB"
        lines.append(f"| {tool.label} | " + " | ".join(cells) + f" | {memory} |")
    return "\n".join(lines)


def ratios(all_tools: list[Tool], sizes: list[int]) -> str:
    by = {t.name: t for t in all_tools}

    def m(name: str, size: int, what: str = "wall") -> float | None:
        return median(by[name], size, what) if name in by else None

    out = []

    def ratio(text: str, a: float | None, b: float | None, goal: str) -> None:
        if a is not None and b:
            out.append(f"- {text}: {a / b:.2f} (goal {goal})")

    for s in sizes:
        if s == 1:
            ratio(
                "1 page, medlint / markdownlint-cli2",
                m("medlint", 1),
                m("markdownlint-cli2", 1),
                "≤ 0.5",
            )
            ratio("1 page, medlint / rumdl", m("medlint", 1), m("rumdl", 1), "–")
        else:
            ratio(f"{s:,} pages, medlint / rumdl (wall)", m("medlint", s), m("rumdl", s), "≤ 1.0")
            ratio(
                f"{s:,} pages, medlint / rumdl (cpu)",
                m("medlint", s, "cpu"),
                m("rumdl", s, "cpu"),
                "–",
            )
            ratio(
                f"{s:,} pages, medlint --no-cache / rumdl --no-cache (wall)",
                m("medlint-nocache", s),
                m("rumdl", s),
                "–",
            )
            ratio(
                f"{s:,} pages, medlint / rumdl, both cold writing their caches (wall)",
                m("medlint", s),
                m("rumdl-cache", s),
                "–",
            )
            ratio(
                f"{s:,} pages, medlint / markdownlint-cli2",
                m("medlint", s),
                m("markdownlint-cli2", s),
                "≈ 0.1",
            )
            ratio(f"{s:,} pages, medlint / floor", m("medlint", s), m("floor", s), "–")
            warm = m("medlint-warm", s)
            if warm is not None:
                out.append(f"- {s:,} pages, warm cache: {warm:.3f} s (goal ≤ 0.3 s)")
            ratio(f"{s:,} pages, fix / check", m("medlint-fix", s), m("medlint", s), "≤ 1.5")
            mem = by["medlint"].memory.get(s) if "medlint" in by else None
            if mem is not None and mem.tree_pss_mb:
                out.append(
                    f"- {s:,} pages, medlint peak memory: {mem.tree_pss_mb:.0f} MB "
                    "(all processes; goal ≤ 150 MB at 10,000, flat beyond)"
                )
    if 10_000 in sizes and 100_000 in sizes:
        ratio(
            "100,000 / 10,000 pages, medlint time",
            m("medlint", 100_000),
            m("medlint", 10_000),
            "≤ 11",
        )
        for name in ("medlint", "medlint-reports"):
            tool = by.get(name)
            big = tool.memory.get(100_000) if tool else None
            small = tool.memory.get(10_000) if tool else None
            if big is not None and small is not None and small.tree_pss_mb:
                out.append(
                    f"- 100,000 / 10,000 pages, {name} peak memory: "
                    f"{big.tree_pss_mb / small.tree_pss_mb:.2f} ({big.tree_pss_mb:.0f} MB / "
                    f"{small.tree_pss_mb:.0f} MB, all processes; goal: flat)"
                )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10000", help="comma-separated page counts")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per size")
    parser.add_argument("--rounds-large", type=int, default=1, help="rounds at 100,000+ pages")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "medlint-bench",
        help="where corpora are built (outside the repository: its .gitignore "
        "and [tool.medlint] config would apply to them)",
    )
    parser.add_argument("--tools", default="", help="only these tools (comma-separated names)")
    parser.add_argument(
        "--all-anchors",
        action="store_true",
        help="also run markdownlint-cli2 at 100,000 pages (about 10 minutes)",
    )
    parser.add_argument("--no-install", action="store_true", help="do not install anchors")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    versions = ensure_anchors(args.no_install)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    all_tools = tools(work, versions, medlint_venv(work))
    if args.tools:
        wanted = set(args.tools.split(","))
        all_tools = [t for t in all_tools if t.name in wanted]
    # Installed tools as users run them: bytecode is written once and reused, colours off.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    load_before = os.getloadavg()
    for size in sizes:
        print(f"corpus of {size:,} pages", file=sys.stderr, flush=True)
        folder = corpus.build(work / f"corpus-{size}", size)
        rounds = args.rounds if size < 100_000 else args.rounds_large
        run_size(size, folder, all_tools, rounds, env, args.all_anchors)
    load_after = os.getloadavg()
    report = [
        f"medlint benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {platform.processor() or 'cpu'}"
        f" x{os.cpu_count()}, Python {platform.python_version()}, load average "
        f"{load_before[0]:.1f} before / {load_after[0]:.1f} after",
        "",
        table(all_tools, sizes),
        "",
        ratios(all_tools, sizes),
    ]
    print("\n".join(report))
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    record = {
        "when": time.time(),
        "versions": versions,
        "load": [load_before, load_after],
        "tools": {
            t.name: {
                "samples": {s: [asdict(x) for x in v] for s, v in t.samples.items()},
                "memory": {s: asdict(v) for s, v in t.memory.items()},
            }
            for t in all_tools
        },
    }
    (out / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
