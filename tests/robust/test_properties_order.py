"""Results do not depend on the order files are named in, the number of workers, or the cache.

In-process properties shuffle the files and vary `jobs` with the worker threshold lowered so a
handful of pages really goes through forked workers; one end-to-end test runs the program on a
tree above the real threshold, with `--jobs 1` and `--jobs 2`, files named in shuffled order, and
a cold then warm result cache, and compares every output and every written byte.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medlint import parallel
from medlint.config import Config
from medlint.discovery import Discovered
from medlint.engine import build_settings
from medlint.fixer import fix_roots, run_fix
from medlint.runner import RunOptions, run_check
from tests.robust.helpers import json_findings, robust_settings, run_medlint
from tests.robust.pages import Page, page_strategy, random_page

SETTINGS = build_settings(Config(), config_root=Path("."), today=dt.date(2026, 11, 22))
HOSTILE = (b"\xff\xfe binary", b"---\nx: [unclosed\n---\n", b"---\na: &a 1\nb: *a\n---\n")


def _tree(root: Path, pages: list[Page]) -> list[Discovered]:
    shutil.rmtree(root, ignore_errors=True)
    (root / "sub").mkdir(parents=True)
    items = []
    for i, page in enumerate(pages):
        path = root / ("sub" if i % 2 else "") / f"p{i:02d}.md"
        path.write_bytes(page.data)
        items.append(Discovered(path, path.relative_to(root).as_posix()))
    for j, data in enumerate(HOSTILE):
        path = root / f"hostile{j}.md"
        path.write_bytes(data)
        items.append(Discovered(path, path.name))
    return items


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("order")


@robust_settings(60)
@given(pages=st.lists(page_strategy(), min_size=2, max_size=10), order=st.randoms())
def test_check_does_not_depend_on_order_or_workers(
    scratch: Path, pages: list[Page], order: random.Random
) -> None:
    items = _tree(scratch / "check", pages)
    shuffled = items[:]
    order.shuffle(shuffled)
    runs = []
    with mock.patch.object(parallel, "PARALLEL_THRESHOLD", 4):  # real workers for a few files
        for batch, jobs in ((items, 1), (shuffled, 1), (shuffled, 3), (items, 2)):
            options = RunOptions(offline=True, no_cache=True, jobs=jobs)
            run = run_check(batch, SETTINGS, Config(), options)
            runs.append((run.findings, [p.path for p in run.pages]))
    assert all(run == runs[0] for run in runs[1:])


@robust_settings(30)
@given(pages=st.lists(page_strategy(), min_size=2, max_size=8), order=st.randoms())
def test_fix_does_not_depend_on_order_or_workers(
    scratch: Path, pages: list[Page], order: random.Random
) -> None:
    outputs = []
    with mock.patch.object(parallel, "PARALLEL_THRESHOLD", 4):
        for run_no, jobs in enumerate((1, 3)):
            root = scratch / f"fix{run_no}"
            items = _tree(root, pages)
            if run_no:
                order.shuffle(items)
            run = run_fix(
                items, SETTINGS, unsafe=True, write=True, diff=False, jobs=jobs,
                roots=fix_roots([root], root),
            )  # fmt: skip
            written = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.md")}
            outputs.append((written, run.remaining, sorted(f.display for f in run.files)))
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_program_output_does_not_depend_on_jobs_order_or_cache(tmp_path: Path) -> None:
    """Above the real worker threshold (200 files), as users run it."""
    rng = random.Random(20261122)
    pages = [random_page(rng) for _ in range(parallel.PARALLEL_THRESHOLD + 40)]
    base = tmp_path / "base"
    items = _tree(base, pages)
    names = [item.display for item in items]
    shuffled = names[:]
    rng.shuffle(shuffled)
    check = ["check", "--offline", "--format", "json"]
    outputs = [
        run_medlint([*check, "--no-cache", "--jobs", "1", "."], base),
        run_medlint([*check, "--no-cache", "--jobs", "2", *shuffled], base),
        run_medlint([*check, "--jobs", "2", *names], base),  # cold cache
        run_medlint([*check, "--jobs", "1", *reversed(names)], base),  # warm cache
    ]
    assert (base / ".medlint_cache").exists()
    findings = [json_findings(proc) for proc in outputs]
    assert all(f == findings[0] for f in findings[1:])
    assert len({f["path"] for f in findings[0]}) > 200
    trees = []
    for n, (jobs, order) in enumerate((("1", names), ("2", shuffled))):
        copy = tmp_path / f"fix{n}"
        shutil.copytree(base, copy, ignore=shutil.ignore_patterns(".medlint_cache"))
        proc = run_medlint(["fix", "--unsafe-fixes", "--jobs", jobs, *order], copy)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        files = {p.relative_to(copy).as_posix(): p.read_bytes() for p in copy.rglob("*.md")}
        trees.append((files, proc.stdout))
    assert trees[0] == trees[1]
