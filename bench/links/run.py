"""Benchmark: medlint's remote link checker against markdown-link-check on one corpus and server.

What it does, in one run:

1. starts `server.py` (a separate process; 50 ms latency per request, 200 for everything) on one
   port on N loopback addresses, so links spread over N "hosts" as on real pages;
2. writes a deterministic corpus: 2,000 distinct URLs, each used 5 times, over 100 pages;
3. times `medlint.links.check_urls` on the URLs found in the corpus with a cold cache, then again
   with the warm cache, reading the request counts from the server;
4. times `markdown-link-check` (npm; installed into bench/links/node_modules on first use) on the
   same corpus directory against the same server;
5. optionally times `medlint check --select broken-link` on the corpus (once the engine calls the
   remote checker; until then it shows how many requests it made);
6. prints a summary and writes bench/out/links.json.

Usage: python bench/links/run.py [--hosts 20] [--latency 0.05] [--skip-mlc] [--cli]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from medlint.links.checker import LinkSettings, check_urls

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MLC = HERE / "node_modules" / ".bin" / "markdown-link-check"
LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
WORDS = [
    "treatment",
    "options",
    "side",
    "effects",
    "screening",
    "diagnosis",
    "stage",
    "therapy",
    "radiation",
    "surgery",
    "chemotherapy",
    "follow-up",
    "care",
    "nutrition",
    "fatigue",
    "support",
    "questions",
    "doctor",
    "nurse",
    "team",
]


def write_corpus(folder: Path, hosts: list[str], port: int, distinct: int, uses: int) -> int:
    """Pages of prose with `uses` links to each of `distinct` URLs; returns the page count."""
    rng = random.Random(20240601)
    urls = [f"http://{hosts[i % len(hosts)]}:{port}/article/{i}" for i in range(distinct)]
    occurrences = [url for url in urls for _ in range(uses)]
    rng.shuffle(occurrences)
    per_page = 100
    pages = 0
    for start in range(0, len(occurrences), per_page):
        lines = [f"# Patient guide {pages}", ""]
        for url in occurrences[start : start + per_page]:
            text = " ".join(rng.choice(WORDS) for _ in range(8))
            lines.append(f"Read about {text} in [this article]({url}).")
            lines.append("")
        (folder / f"page-{pages:03}.md").write_text("\n".join(lines), encoding="utf-8")
        pages += 1
    return pages


def server_stats(host: str, port: int, reset: bool = False) -> dict[str, object]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    path = "/__reset" if reset else "/__stats"
    with opener.open(f"http://{host}:{port}{path}", timeout=10) as response:
        stats: dict[str, object] = json.loads(response.read())
    return stats


def ensure_mlc() -> bool:
    if MLC.exists():
        return True
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: skipping markdown-link-check", file=sys.stderr)
        return False
    subprocess.run(
        [npm, "install", "--prefix", str(HERE), "--no-audit", "--no-fund", "markdown-link-check"],
        check=True,
    )
    return MLC.exists()


def run_ours(corpus: Path, cache_dir: Path, host: str, port: int) -> dict[str, object]:
    urls = [
        m.group(1) for page in sorted(corpus.glob("*.md")) for m in LINK.finditer(page.read_text())
    ]
    settings = LinkSettings(allow_private=("127.0.0.0/8",), cache_dir=cache_dir)
    report: dict[str, object] = {"links_in_corpus": len(urls), "distinct_urls": len(set(urls))}
    for label in ("cold", "warm"):
        server_stats(host, port, reset=True)
        start = time.perf_counter()
        results = check_urls(urls, settings)
        elapsed = time.perf_counter() - start
        stats = server_stats(host, port)
        statuses: dict[str, int] = {}
        for result in results.values():
            statuses[result.status] = statuses.get(result.status, 0) + 1
        report[label] = {
            "seconds": round(elapsed, 3),
            "server_requests": stats["requests"],
            "requests_reported": sum(r.requests for r in results.values()),
            "requests_per_distinct_url": round(int(str(stats["requests"])) / len(results), 3),
            "from_cache": sum(r.from_cache for r in results.values()),
            "statuses": statuses,
        }
    return report


def run_mlc(corpus: Path, host: str, port: int) -> dict[str, object]:
    server_stats(host, port, reset=True)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    start = time.perf_counter()
    done = subprocess.run(
        [str(MLC), "-q", str(corpus)], capture_output=True, text=True, env=env, check=False
    )
    elapsed = time.perf_counter() - start
    stats = server_stats(host, port)
    return {
        "seconds": round(elapsed, 3),
        "exit_code": done.returncode,
        "dead_lines": done.stdout.count("[✖]"),
        "server_requests": stats["requests"],
        "methods": stats["methods"],
    }


def run_cli(corpus: Path, host: str, port: int, cache_dir: Path) -> dict[str, object]:
    server_stats(host, port, reset=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "medlint", "check", "--select", "broken-link", "--format", "json",
         str(corpus)],
        capture_output=True, text=True, check=False, cwd=cache_dir,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    stats = server_stats(host, port)
    return {
        "seconds": round(elapsed, 3),
        "exit_code": done.returncode,
        "server_requests": stats["requests"],
        "stderr_tail": done.stderr[-300:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--distinct", type=int, default=2000)
    parser.add_argument("--uses", type=int, default=5)
    parser.add_argument("--skip-mlc", action="store_true")
    parser.add_argument("--cli", action="store_true", help="also time `medlint check`")
    args = parser.parse_args()

    server = subprocess.Popen(
        [sys.executable, str(HERE / "server.py"), "--hosts", str(args.hosts),
         "--latency", str(args.latency)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        ready = json.loads(server.stdout.readline())
        port, hosts = int(ready["port"]), list(ready["hosts"])
        with tempfile.TemporaryDirectory(prefix="medlint-links-bench-") as scratch:
            corpus = Path(scratch) / "corpus"
            corpus.mkdir()
            pages = write_corpus(corpus, hosts, port, args.distinct, args.uses)
            report: dict[str, object] = {
                "setup": {
                    "pages": pages,
                    "distinct_urls": args.distinct,
                    "uses_per_url": args.uses,
                    "hosts": len(hosts),
                    "latency_s": args.latency,
                    "cpus": os.cpu_count(),
                },
                "medlint": run_ours(corpus, Path(scratch) / "cache", hosts[0], port),
            }
            if not args.skip_mlc and ensure_mlc():
                report["markdown_link_check"] = run_mlc(corpus, hosts[0], port)
            if args.cli:
                cli_dir = Path(scratch) / "cli"
                cli_dir.mkdir()
                report["medlint_cli"] = run_cli(corpus, hosts[0], port, cli_dir)
    finally:
        server.terminate()
        server.wait(timeout=10)

    ours = report["medlint"]
    assert isinstance(ours, dict)
    cold, warm = ours["cold"], ours["warm"]
    print(json.dumps(report, indent=2))
    print(f"\nmedlint cold: {cold['seconds']} s, {cold['requests_per_distinct_url']} requests/URL")
    print(f"medlint warm: {warm['seconds']} s, {warm['server_requests']} requests")
    mlc = report.get("markdown_link_check")
    if isinstance(mlc, dict):
        ratio = float(mlc["seconds"]) / float(cold["seconds"])
        report["speedup_vs_markdown_link_check"] = round(ratio, 1)
        print(f"markdown-link-check: {mlc['seconds']} s, {mlc['server_requests']} requests")
        print(f"speed-up (markdown-link-check time / medlint cold time): {ratio:.1f}x")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "links.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
