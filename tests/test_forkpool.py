"""The forked workers of a large run: every item answered once, and failures stop the run.

`parallel.map_unordered` forks workers that talk to the main process through pipes (see
`parallel._forked`). What could break: an item lost or answered twice when chunks are handed out
two at a time, a worker's error turned into a hang, a worker that dies (killed, out of memory)
leaving the run waiting forever, or workers left behind when the caller stops early.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import cast
from unittest import mock

import pytest

from medlint import parallel
from medlint.config import Config
from medlint.engine import Settings, build_settings

pytestmark = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="forked workers are the Linux path"
)

SETTINGS = build_settings(Config(), config_root=Path.cwd())


def _square(item: int, settings: Settings) -> tuple[int, int, int]:
    return item, item * item, os.getpid()


def _fails_at_77(item: int, settings: Settings) -> int:
    if item == 77:
        raise ValueError("page 77 is cursed")
    return item


def _dies_at_77(item: int, settings: Settings) -> int:
    if item == 77:
        os._exit(3)  # as a worker killed by the kernel: no message, just the pipe's end
    return item


def _many(
    func: Callable[[int, Settings], object], count: int, jobs: int = 2
) -> Generator[object, None, None]:
    with mock.patch.object(parallel, "PARALLEL_THRESHOLD", 4):
        yield from parallel.map_unordered(func, list(range(count)), SETTINGS, jobs)


def test_every_item_once_from_more_than_one_worker() -> None:
    got = [cast(tuple[int, int, int], row) for row in _many(_square, 1000)]
    assert sorted(item for item, _, _ in got) == list(range(1000))
    assert all(square == item * item for item, square, _ in got)
    workers = {pid for _, _, pid in got}
    assert os.getpid() not in workers and len(workers) == 2


def test_a_worker_error_stops_the_run_with_its_traceback() -> None:
    with pytest.raises(parallel.WorkerFailed, match="page 77 is cursed"):
        list(_many(_fails_at_77, 400))


def test_a_worker_that_dies_stops_the_run() -> None:
    with pytest.raises(parallel.WorkerFailed, match="ended unexpectedly"):
        list(_many(_dies_at_77, 400))


def _echo_big(item: str, settings: Settings) -> tuple[int, str]:
    return len(item), item[:1] * 300_000


def test_chunks_and_answers_larger_than_the_pipes_get_through() -> None:
    # Chunks of 200 KB items outgrow a task pipe (64 KB) and answers of 300 KB fill the result
    # pipe (1 MB): a main process blocked writing tasks to a worker blocked writing answers
    # would wait forever. Task pipes do not block, so this ends.
    items = [chr(ord("a") + i % 26) * 200_000 for i in range(120)]
    with mock.patch.object(parallel, "PARALLEL_THRESHOLD", 4):
        got = list(parallel.map_unordered(_echo_big, items, SETTINGS, 2))
    assert sorted(got) == sorted((200_000, item[:1] * 300_000) for item in items)


def _private_mb(item: str, settings: Settings) -> int:
    """This worker's private dirty memory (MB), read at every 5,000th item (reading is slow)."""
    if not item.endswith("000.md") or item[-7] not in "05":
        return 0
    with open("/proc/self/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1]) // 1024
    return -1


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="needs smaps_rollup")
def test_workers_do_not_copy_the_items_they_inherit() -> None:
    # 400,000 items of about 36 MB in this process. A worker that read them where they lie
    # would write each one's reference count and so copy the pages they are on (about 26 MB
    # each when they did); the items travel to the workers through their task pipes instead
    # (1 MB each).
    items = [f"/corpus/section-{i // 100:04d}/page-{i:06d}.md" for i in range(400_000)]
    with mock.patch.object(parallel, "PARALLEL_THRESHOLD", 4):
        answers = list(parallel.map_unordered(_private_mb, items, SETTINGS, 2))
    assert len(answers) == len(items)
    assert 0 <= max(answers) < 8, max(answers)


def _children() -> set[int]:
    """Pids of this process's live children (from /proc)."""
    me = str(os.getpid())
    found: set[int] = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me and fields[0] != "Z":
                found.add(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc")
def test_workers_are_reaped_when_the_caller_stops_early() -> None:
    before = _children()
    results = _many(_square, 5000)
    next(results)
    results.close()  # as a caller that raises or breaks out of its loop
    assert _children() == before


BROKEN_RUN = """
import sys
from medlint import cli, parallel

def broken(path, display, settings, where=-1):
    raise MemoryError("no room for " + display)

parallel.check_one = broken  # as a worker that fails outside any rule (rules' errors are findings)
sys.exit(cli.main(["check", "--offline", "--no-cache", sys.argv[1]]))
"""


def test_the_cli_says_a_worker_failed_and_exits_2(tmp_path: Path) -> None:
    for i in range(parallel.PARALLEL_THRESHOLD + 10):
        (tmp_path / f"p{i}.md").write_text(f"# Page {i}\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", BROKEN_RUN, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("medlint: internal error in a worker process:\n")
    assert "MemoryError: no room for" in out.stderr
    assert out.stderr.count("Traceback") == 1  # the worker's, quoted; not one of our own


@pytest.mark.parametrize("count", [1, 2, 3, 50, 201, 1000, 9999, 100_000])
@pytest.mark.parametrize("workers", [1, 2, 3, 8])
def test_chunks_cover_every_item_once_and_shrink_towards_the_end(count: int, workers: int) -> None:
    size = max(1, min(parallel.MAX_CHUNK, count // (workers * 8)))
    bounds = parallel._shrinking_chunks(count, size, workers)
    assert bounds[0][0] == 0 and bounds[-1][1] == count
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(bounds))
    sizes = [end - start for start, end in bounds]
    assert all(0 < n <= max(size, 2) for n in sizes)
    assert all(a >= b for a, b in itertools.pairwise(sizes))
    if count >= 1000:  # a large run ends on small chunks, so the workers finish together
        assert max(sizes[-workers * 2 :]) <= 4
