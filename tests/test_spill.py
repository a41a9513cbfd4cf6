"""What a large run keeps per page goes to a temporary file, and comes back the same.

Page rows, findings and stats are appended to spills (spill.py) as pages arrive, and read back
after the workers are done: a run whose spills wrote files must give exactly what a run that
held everything in memory gives, its memo too; the files must be gone when the run is; and a
file that cannot be written (a full disk) must cost memory, not the run.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from medlint import findstore, spill
from medlint.config import load_config
from medlint.engine import build_settings
from medlint.findstore import FindingStore
from medlint.runmemo import RowPacker
from medlint.runner import RunOptions, RunResult, Stats, collect, run_check
from medlint.spill import Spill
from tests.conftest import TODAY, bench_generator
from tests.test_findstore import _expected, _order, _pages


def _open_files() -> set[str]:
    """What this process's descriptors point at (an unlinked temporary file ends in
    "(deleted)")."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            continue
    return found


class _Full(io.BytesIO):
    """A temporary file on a disk that fills up after `room` bytes."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.room:
            super().write(bytes(data)[: max(0, self.room - self.tell())])  # in part, as a disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def _parts(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [bytes([k % 251]) * rng.randrange(0, 40) for k in range(count)]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_what_is_appended_reads_back_by_offset_and_whole(chunk: int) -> None:
    kept = Spill(chunk=chunk)
    parts = _parts(300, chunk)
    places = [kept.append(part) for part in parts]
    assert len(kept) == sum(map(len, parts))
    for at, part in reversed(list(zip(places, parts, strict=True))):
        assert kept.read(at, len(part)) == part
    assert kept.whole() == b"".join(parts)
    kept.close()
    assert len(kept) == 0 and kept.whole() == b""


@pytest.mark.parametrize("chunk", [1, 28, 100, 1 << 20])
def test_pieces_read_everything_back_in_order_and_keep_records_whole(chunk: int) -> None:
    """`pieces` is `whole` a few at a time; records of one length that divides the piece size
    are never cut, on either side of what went to the file and what is held."""
    kept = Spill(chunk=chunk)
    records = [bytes([k % 256]) * 7 for k in range(500)]
    for record in records:
        kept.append(record)
    for size in (7, 70, 7 * 64, 1 << 20):
        got = list(kept.pieces(size))
        assert b"".join(got) == kept.whole() == b"".join(records)
        assert all(piece and len(piece) <= size and len(piece) % 7 == 0 for piece in got)
    kept.close()
    assert list(kept.pieces(7)) == []


def test_a_small_spill_never_makes_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**_: object) -> None:
        raise AssertionError("a temporary file for less than a chunk")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    kept = Spill()
    kept.append(b"x" * (spill.CHUNK - 1))
    assert kept.whole() == b"x" * (spill.CHUNK - 1)


@pytest.mark.parametrize("room", [0, 5, 100])
def test_a_full_disk_keeps_the_rest_in_memory(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    disk = _Full(room)
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **_: disk)
    kept = Spill(chunk=16)
    parts = _parts(200, room)
    places = [kept.append(part) for part in parts]
    assert kept.whole() == b"".join(parts)
    assert all(kept.read(at, len(p)) == p for at, p in zip(places, parts, strict=True))
    assert disk.tell() <= room


def test_no_temporary_folder_keeps_everything_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    def unwritable(**_: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", unwritable)
    kept = Spill(chunk=4)
    parts = _parts(50, 9)
    for part in parts:
        kept.append(part)
    assert kept.whole() == b"".join(parts)


def test_rows_findings_and_stats_spilled_read_back_as_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = _pages(300, 4)
    rows = [(f"s{w % 7}/page-{w:04d}.md", f"T{w}", None, w or None, None) for w in range(300)]
    arrival = list(range(len(pages)))
    random.Random(5).shuffle(arrival)
    order = _order(pages)
    results = []
    for chunk in (1 << 30, 1, 50):
        monkeypatch.setattr(spill, "CHUNK", chunk)
        packer, found, stats = RowPacker(len(rows)), FindingStore(len(pages), keep=0), Stats(300)
        for where in arrival:
            packer.put(where, rows[where])
            found.put(where, pages[where][1:])
            stats.put(where, (where, 2 * where, 3 * where))
        for where in arrival:  # a page put twice: its records merged
            found.put(where, pages[where][:1])
        got = (list(packer.rows(order)), list(found.ordered(order)), stats.complete())
        assert got[0] == [rows[w] for w in order]
        assert got[1] == _expected(pages)
        assert got[2] is not None and list(got[2]) == [n * k for n in range(300) for k in (1, 2, 3)]
        results.append(got)
    assert results[0] == results[1] == results[2]


def _run(folder: Path, **how: Any) -> RunResult:
    loaded = load_config(None, folder)
    settings = build_settings(
        loaded.config, config_root=loaded.root, today=dt.date.fromisoformat(TODAY)
    )
    items = collect([folder], folder, loaded.config, loaded.root)
    options = RunOptions(
        offline=True, cache_dir=folder / ".medlint_cache", memo_key="spill tests", **how
    )
    return run_check(items, settings, loaded.config, options)


def _seen(run: RunResult) -> tuple[list[object], list[object]]:
    return [(f, f.fix, f.data) for f in run.findings], list(run.pages)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spilled") / "pages"
    bench_generator().build(folder, 260, seed=7, defective=0.4)
    old = (dt.datetime.now().timestamp() - 3600) * 10**9  # stats the memo may trust
    for root, dirs, files in os.walk(folder):
        for name in [*files, *dirs]:
            os.utime(os.path.join(root, name), ns=(int(old), int(old)))
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_spilled_run_reports_what_a_held_one_does(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    shutil.rmtree(corpus / ".medlint_cache", ignore_errors=True)
    held = _run(corpus, no_cache=True, jobs=jobs)
    assert len(held.findings) > 100
    monkeypatch.setattr(spill, "CHUNK", 256)  # every spill of the run writes its file
    monkeypatch.setattr(findstore, "KEEP", 10)  # findings packed (and spilled) too
    before = _open_files()
    made: list[object] = []
    real = tempfile.TemporaryFile

    def counted(**kw: Any) -> Any:
        made.append(kw.get("prefix"))
        return real(**kw)

    monkeypatch.setattr(tempfile, "TemporaryFile", counted)
    for _ in range(2):  # the first run writes the memo, the second is answered from it
        spilled = _run(corpus, jobs=jobs)
        assert _seen(spilled) == _seen(held)
        assert spilled.memo is not None
    assert {"medlint-rows-", "medlint-findings-", "medlint-stats-"} <= set(made)
    assert _open_files() == before  # every temporary file closed, so gone
