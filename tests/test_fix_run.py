"""A fix run with worker processes: workers fix, the main process writes.

A job running in a worker leaves its page's write to the main process (which writes in a
background thread while the workers go on fixing). The pages written and everything the run
reports are the same as when one process does it all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

from medlint import parallel
from medlint.config import Config
from medlint.discovery import Discovered
from medlint.engine import build_settings
from medlint.fixdisk import new_run
from medlint.fixrun import FileFix, _fix_job, run_fix, write_pending

SETTINGS = build_settings(Config(), config_root=Path("."), today=dt.date(2026, 11, 22))
FIXABLE = "---\ntitle: P{n}\n---\n\n# P{n}\n\nIt is an antibodyâ€“drug conjugate, page {n}.\n"
CLEAN = "---\ntitle: P{n}\n---\n\n# P{n}\n\nNothing to fix on page {n}.\n"


def _tree(root: Path, pages: int) -> list[Discovered]:
    root.mkdir()
    for n in range(pages):
        (root / f"p{n:02d}.md").write_text((FIXABLE if n % 3 == 0 else CLEAN).format(n=n))
    return [Discovered(p, p.name) for p in sorted(root.glob("*.md"))]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def test_a_job_in_a_worker_leaves_the_write_to_the_main_process(tmp_path: Path) -> None:
    [item] = _tree(tmp_path / "tree", 1)
    before = item.path.read_bytes()
    pid, number = new_run()
    as_worker = (pid + 1, number)  # the run was started by another process
    result = _fix_job((item, False, True, False, (), as_worker), SETTINGS)
    assert result.pending is not None and not result.written
    assert item.path.read_bytes() == before  # nothing written in the worker
    found_before = list(result.findings)
    write_pending(result)
    assert result.pending is None and result.written and result.problem is None
    assert item.path.read_bytes() != before
    assert len(result.findings) < len(found_before)  # what the page holds once written


def test_in_the_process_that_started_the_run_the_job_writes_itself(tmp_path: Path) -> None:
    [item] = _tree(tmp_path / "tree", 1)
    result = _fix_job((item, False, True, False, (), new_run()), SETTINGS)
    assert result.pending is None and result.written


def _fields(files: list[FileFix]) -> list[tuple[object, ...]]:
    return [
        (f.display, f.findings, f.fixed, f.changes, f.written, f.diff, f.problem, f.pending)
        for f in files
    ]


def test_workers_and_one_process_write_the_same_pages_and_report_the_same(
    tmp_path: Path,
) -> None:
    one = _tree(tmp_path / "one", 12)
    shutil.copytree(tmp_path / "one", tmp_path / "many")
    many = [Discovered(tmp_path / "many" / i.display, i.display) for i in one]
    cwd = os.getcwd()
    alone = run_fix(one, SETTINGS, unsafe=False, write=True, diff=False, jobs=1)
    with mock.patch.object(parallel, "PARALLEL_THRESHOLD", 4):  # real workers for 12 files
        spread = run_fix(many, SETTINGS, unsafe=False, write=True, diff=False, jobs=2)
    assert os.getcwd() == cwd
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "many")
    assert _snapshot(tmp_path / "one") != {
        f"p{n:02d}.md": (FIXABLE if n % 3 == 0 else CLEAN).format(n=n).encode() for n in range(12)
    }
    assert _fields(alone.files) == _fields(spread.files)
    assert sum(f.written for f in spread.files) == 4
    assert alone.summary() == spread.summary()


SPAWNED = """
import json, shutil, sys
from pathlib import Path
from unittest import mock
import medlint.parallel as parallel
from medlint.discovery import Discovered
from medlint.fixrun import run_fix
from tests.test_fix_run import SETTINGS

one, many = Path(sys.argv[1]), Path(sys.argv[2])
def items(root):
    return [Discovered(p, p.name) for p in sorted(root.glob("*.md"))]
def outcome(run, root):
    pages = {p.name: p.read_bytes().hex() for p in sorted(root.glob("*.md"))}
    return [pages, [(f.display, repr(f.findings), f.written, f.problem) for f in run.files]]
alone = run_fix(items(one), SETTINGS, unsafe=False, write=True, diff=False, jobs=1)
# As where fork is missing: spawned workers, settings and jobs pickled to them.
no_fork = mock.patch.object(parallel, "_fork_available", return_value=False)
with no_fork, mock.patch.object(parallel, "PARALLEL_THRESHOLD", 4):
    spread = run_fix(items(many), SETTINGS, unsafe=False, write=True, diff=False, jobs=2)
spawn = "multiprocessing.popen_spawn_posix" in sys.modules
same = outcome(alone, one) == outcome(spread, many)
print(json.dumps({"same": same, "written": sum(f.written for f in spread.files), "spawn": spawn}))
"""


def test_spawned_workers_fix_and_write_the_same(tmp_path: Path) -> None:
    """Where fork is missing (macOS, Windows): jobs are pickled to spawned workers."""
    _tree(tmp_path / "one", 12)
    shutil.copytree(tmp_path / "one", tmp_path / "many")
    out = subprocess.run(
        [sys.executable, "-c", SPAWNED, str(tmp_path / "one"), str(tmp_path / "many")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout) == {"same": True, "written": 4, "spawn": True}
