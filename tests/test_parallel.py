"""Output does not depend on how the work was spread: workers, discovery order, the cache.

A generated corpus of a few hundred pages (bench/corpus.py, a third with defects, relative links
between pages) is checked by the real program in one process and with two workers, from a cold
and from a warm result cache, and by the runner with its files in a shuffled order; every JSON
report must be byte for byte the same.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from medlint.config import load_config
from medlint.engine import build_settings
from medlint.parallel import PARALLEL_THRESHOLD
from medlint.reporters import json as json_report
from medlint.runner import RunOptions, collect, make_report, run_check
from tests.conftest import TODAY, bench_generator, run_medlint

PAGES = 240
assert PAGES > PARALLEL_THRESHOLD  # so that --jobs 2 really starts workers


def _check(folder: Path, *args: str) -> str:
    result = run_medlint(["check", "--offline", "--format", "json", *args, "."], folder)
    assert result.returncode == 1, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "pages"
    bench_generator().build(folder, PAGES, seed=3, defective=0.3)
    return folder


@pytest.fixture(scope="module")
def in_one_process(corpus: Path) -> str:
    """The reference: every file checked in this order, in one process, no cache."""
    return _check(corpus, "--jobs", "1", "--no-cache")


def test_reference_report_covers_every_kind_of_finding(in_one_process: str) -> None:
    data = json.loads(in_one_process)
    assert data["summary"]["files"] == PAGES
    rules = {f["rule"] for f in data["findings"]}
    # Document rules, fixes and the run-wide link phase all take part.
    assert {"mojibake", "placeholder", "relative-link", "frontmatter-schema"} <= rules
    assert any(f["fix"] is not None for f in data["findings"])


def test_two_workers_cold_and_warm_cache_give_the_same_report(
    corpus: Path, in_one_process: str, tmp_path: Path
) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(corpus, folder)
    assert _check(folder, "--jobs", "2") == in_one_process  # workers, filling the cache
    assert (folder / ".medlint_cache" / "results").is_dir()
    assert _check(folder, "--jobs", "2") == in_one_process  # every page from the cache


def test_shuffled_discovery_order_gives_the_same_report(
    corpus: Path, in_one_process: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus)  # the link phase resolves pages from here, as the program does
    monkeypatch.setenv("MEDLINT_TODAY", TODAY)
    loaded = load_config(None, corpus)
    settings = build_settings(loaded.config, config_root=loaded.root)
    items = list(collect([Path(".")], corpus, loaded.config, loaded.root))
    random.Random(7).shuffle(items)
    run = run_check(items, settings, loaded.config, RunOptions(offline=True, no_cache=True, jobs=1))
    assert json_report.render(make_report(run, settings, statistics=False)) == in_one_process
    assert [p.path for p in run.pages] == sorted(p.path for p in run.pages)


SPAWNED = """
import json, sys
from pathlib import Path
import medlint.parallel as parallel
from medlint.config import load_config
from medlint.engine import build_settings
from medlint.runner import collect

folder = Path(sys.argv[1])
loaded = load_config(None, folder)
settings = build_settings(loaded.config, config_root=loaded.root)
pairs = [(str(i.path), i.display) for i in collect([folder], folder, loaded.config, loaded.root)]
local = {c.path: c.payload.hex() for c in parallel.check_many(pairs, settings, 1)}
sys.platform = "darwin"  # as on macOS: spawned workers, settings pickled to them
spawned = {c.path: c.payload.hex() for c in parallel.check_many(pairs, settings, 2)}
spawn = "multiprocessing.popen_spawn_posix" in sys.modules
print(json.dumps({"same": local == spawned, "files": len(spawned), "spawn": spawn}))
"""


def test_spawned_workers_give_the_same_outcomes(corpus: Path) -> None:
    """Where fork is missing (macOS, Windows) settings are pickled to spawned workers."""
    env = {**os.environ, "MEDLINT_TODAY": TODAY}
    out = subprocess.run(
        [sys.executable, "-c", SPAWNED, str(corpus)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout) == {"same": True, "files": PAGES, "spawn": True}
