"""The result cache: reused only while bytes and settings are unchanged; never fatal."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from medlint import cache, parallel
from medlint.config import load_config
from medlint.engine import Settings, build_settings
from medlint.findings import Finding
from medlint.runner import RunOptions, collect, run_check
from tests.conftest import TODAY, VALID_PAGE

PLACEHOLDER = VALID_PAGE + "\nTODO: add the dosing table.\n"


class Counter:
    """Counts the pages really checked (not answered from the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real = parallel.check_one

        def counting(
            path: str, display: str, settings: Settings, where: int = -1
        ) -> parallel.Checked:
            self.paths.append(display)
            return real(path, display, settings, where)

        monkeypatch.setattr(parallel, "check_one", counting)

    def take(self) -> list[str]:
        out, self.paths = sorted(self.paths), []
        return out


def _run(folder: Path, today: str = TODAY, *, no_cache: bool = False) -> list[Finding]:
    loaded = load_config(None, folder)
    when = dt.date.fromisoformat(today)
    settings = build_settings(loaded.config, config_root=loaded.root, today=when)
    items = collect([folder], folder, loaded.config, loaded.root)
    options = RunOptions(offline=True, no_cache=no_cache, jobs=1, cache_dir=folder / ".cache")
    return run_check(items, settings, loaded.config, options).findings


def _pages(folder: Path, **texts: str) -> None:
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def _set_old_mtime(path: Path) -> None:
    """Make a file look saved long before the check, so its stat is trusted."""
    old = path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(path, ns=(old, old))


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Counter:
    return Counter(monkeypatch)


def test_warm_run_checks_nothing_and_reports_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counter: Counter
) -> None:
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, a=VALID_PAGE, b=PLACEHOLDER, c="no frontmatter\n")
    cold = _run(tmp_path)
    assert counter.take() == ["a.md", "b.md", "c.md"]
    assert _run(tmp_path) == cold
    assert counter.take() == []
    assert {f.rule for f in cold} >= {"placeholder", "missing-frontmatter"}


def test_a_cold_run_reads_no_bucket_and_stores_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counter: Counter
) -> None:
    # Nothing was ever written: no bucket is there to read, each bucket is written after its
    # last page, and every page is kept.
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, **{f"p{i:03}": VALID_PAGE if i % 3 else PLACEHOLDER for i in range(300)})
    read: list[Path] = []
    real = cache._read_bucket

    def reading(path: Path) -> dict[str, cache.Row]:
        if path.exists():
            read.append(path)
        return real(path)

    monkeypatch.setattr(cache, "_read_bucket", reading)
    cold = _run(tmp_path)
    assert not read  # no bucket was there to read, and none was read back
    assert len(counter.take()) == 300
    assert len(list((tmp_path / ".cache").rglob("*.bin"))) > 100  # written as they filled
    assert _run(tmp_path) == cold
    assert counter.take() == []  # the next run finds every page
    assert read  # ...by reading the buckets


def test_a_changed_page_alone_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counter: Counter
) -> None:
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, a=VALID_PAGE, b=VALID_PAGE)
    assert _run(tmp_path) == []
    counter.take()
    (tmp_path / "b.md").write_text(PLACEHOLDER, encoding="utf-8")
    found = _run(tmp_path)
    assert counter.take() == ["b.md"]
    assert [(f.path, f.rule) for f in found] == [("b.md", "placeholder")]


def test_same_size_and_mtime_is_caught_by_content_while_the_mtime_is_fresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counter: Counter
) -> None:
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "a.md"
    _pages(tmp_path, a=PLACEHOLDER)
    assert [f.rule for f in _run(tmp_path)] == ["placeholder"]
    before = page.stat()
    # Same length, same mtime (as an editor saving within one clock tick would leave it).
    page.write_text(PLACEHOLDER.replace("TODO: add", "Note: add"), encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size
    assert _run(tmp_path) == []
    assert counter.take() == ["a.md", "a.md"]


def test_trusted_stat_skips_reading_and_a_new_mtime_rechecks_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counter: Counter
) -> None:
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, a=VALID_PAGE)
    _set_old_mtime(tmp_path / "a.md")
    _run(tmp_path)
    counter.take()
    opened: list[str] = []
    real_open = open

    def spying_open(file: object, *args: object, **kwargs: object) -> object:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", spying_open)
    _run(tmp_path)
    assert not [p for p in opened if p.endswith("a.md")]  # stat alone answered
    os.utime(tmp_path / "a.md")  # touched, unchanged: read and hashed, not checked
    _run(tmp_path)
    assert counter.take() == []
    assert [p for p in opened if p.endswith("a.md")]


def test_other_settings_or_another_day_check_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counter: Counter
) -> None:
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, a=VALID_PAGE)
    assert _run(tmp_path, "2026-01-15") == []
    stale = _run(tmp_path, "2027-06-01")
    assert [f.rule for f in stale] == ["stale-review"]
    assert counter.take() == ["a.md", "a.md"]
    assert len(list((tmp_path / ".cache" / "results").iterdir())) == 2


def test_damaged_cache_files_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counter: Counter
) -> None:
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, a=PLACEHOLDER, b=VALID_PAGE)
    expected = _run(tmp_path)
    buckets = list((tmp_path / ".cache" / "results").glob("*/*.bin"))
    assert buckets
    for i, bucket in enumerate(buckets):
        data = bucket.read_bytes()
        damaged = [data[: len(data) // 2], b"garbage", data[:-1] + bytes([data[-1] ^ 1])][i % 3]
        bucket.write_bytes(damaged)
    counter.take()
    assert _run(tmp_path) == expected
    assert counter.take() == ["a.md", "b.md"]
    assert _run(tmp_path) == expected  # and the cache was written again, whole
    assert counter.take() == []


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, a=VALID_PAGE)
    _run(tmp_path, no_cache=True)
    assert not (tmp_path / ".cache").exists()


def test_unusable_cache_folder_is_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, a=PLACEHOLDER)
    (tmp_path / ".cache").write_text("a file where the cache folder should be")
    assert [f.rule for f in _run(tmp_path)] == ["placeholder"]


def test_a_page_named_differently_is_not_answered_with_the_old_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = tmp_path / "sub"
    _pages(sub, a=PLACEHOLDER)
    monkeypatch.chdir(tmp_path)
    loaded = load_config(None, tmp_path)
    settings = build_settings(loaded.config, config_root=loaded.root)
    options = RunOptions(offline=True, jobs=1, cache_dir=tmp_path / ".cache")
    first = run_check(
        collect([Path("sub")], tmp_path, loaded.config, tmp_path), settings, loaded.config, options
    )
    assert {f.path for f in first.findings} == {"sub/a.md"}
    monkeypatch.chdir(sub)
    second = run_check(
        collect([Path(".")], sub, loaded.config, tmp_path), settings, loaded.config, options
    )
    assert {f.path for f in second.findings} == {"a.md"}


def test_concurrent_runs_share_one_cache(tmp_path: Path) -> None:
    for i in range(40):
        _pages(tmp_path, **{f"p{i:02d}": PLACEHOLDER if i % 4 == 0 else VALID_PAGE})
    env = {**os.environ, "MEDLINT_TODAY": TODAY, "NO_COLOR": "1"}
    argv = [sys.executable, "-m", "medlint", "check", "--offline", "--format", "json", "."]
    runs = [
        subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1]
    assert outputs[0] == outputs[1] == outputs[2]
    buckets = list((tmp_path / ".medlint_cache" / "results").glob("*/*.bin"))
    rows = [row for bucket in buckets for row in cache._read_bucket(bucket).values()]
    assert len(rows) == 40  # every bucket whole and readable: renames, never half-written files
    assert not list((tmp_path / ".medlint_cache" / "results").glob("*/*.tmp"))
    again = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.stdout == outputs[0]


def test_parts_come_back_as_written_and_any_damage_reads_as_nothing(tmp_path: Path) -> None:
    """The run memo is written part by part (never whole in memory); reading it back checks
    the same checksum as every other cache file, and a length that runs past the end, a
    flipped byte or a cut file reads as no memo at all."""
    import marshal

    target = tmp_path / "memo.bin"
    parts: list[object] = [(2, "x"), tuple(f"page-{i}.md" for i in range(1000)), b"\x00" * 9]
    cache.write_parts(target, iter(parts))
    back = cache.read_parts(target)
    assert back is not None and [marshal.loads(p) for p in back] == parts
    data = target.read_bytes()
    for damaged in (data[:-1], data[:-5] + b"\xff" + data[-4:], data + b"\x01"):
        target.write_bytes(damaged)
        assert cache.read_parts(target) is None
    assert cache.read_parts(tmp_path / "absent.bin") is None


def test_raw_parts_are_written_as_they_are(tmp_path: Path) -> None:
    """The run memo's packed records go in as the bytes they are (marshal copied each whole);
    read back, a raw part is those bytes, between marshalled ones that still load."""
    import marshal
    from array import array

    numbers = array("q", [3, -1, 1 << 40])
    raws = [b"records\x00", bytearray(b"rows"), memoryview(b"xviewx")[1:5], numbers, b""]
    target = tmp_path / "memo.bin"
    cache.write_parts(target, iter([("head", 1), *map(cache.Raw, raws), ["tail"]]))
    back = cache.read_parts(target)
    assert back is not None and len(back) == 7
    assert marshal.loads(back[0]) == ("head", 1) and marshal.loads(back[6]) == ["tail"]
    assert [bytes(part) for part in back[1:6]] == [
        b"records\x00",
        b"rows",
        b"view",
        numbers.tobytes(),
        b"",
    ]


def test_a_leftover_temporary_file_of_the_same_name_does_not_stop_a_write(tmp_path: Path) -> None:
    """Writes go through `<file>.<pid>.tmp`; one left by a killed process that had this
    process's number is neither reused nor in the way."""
    target = tmp_path / "bucket.bin"
    leftover = tmp_path / f"bucket.bin.{os.getpid()}.tmp"
    leftover.write_bytes(b"half a bucket")
    cache.write_checked(target, b"body")
    assert cache.read_checked(target) == b"body"
    assert leftover.read_bytes() == b"half a bucket"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bucket.bin", leftover.name]
    cache.write_checked(target, b"again")  # and the usual name leaves nothing behind
    assert cache.read_checked(target) == b"again"
    assert len(list(tmp_path.iterdir())) == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cold_run_writes_each_bucket_as_soon_as_its_pages_are_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    # Pages are checked bucket by bucket: in the order found, every bucket had pages all
    # through the run, and the cache held every payload to its end.
    monkeypatch.chdir(tmp_path)
    _pages(tmp_path, **{f"p{i:04}": VALID_PAGE for i in range(1200)})
    held: list[int] = []
    real = cache.ResultCache.put_row  # what a run stores each checked page through

    def storing(self: cache.ResultCache, path: str, row: cache.Row, index: int) -> None:
        real(self, path, row, index)
        held.append(sum(map(len, self._buckets.values())))  # entries not written yet

    monkeypatch.setattr(cache.ResultCache, "put_row", storing)
    loaded = load_config(None, tmp_path)
    settings = build_settings(loaded.config, config_root=loaded.root, today=dt.date(2026, 1, 1))
    items = collect([tmp_path], tmp_path, loaded.config, loaded.root)
    options = RunOptions(offline=True, jobs=jobs, cache_dir=tmp_path / ".cache")
    run_check(items, settings, loaded.config, options)
    assert len(held) == 1200
    # Held at most: the buckets whose pages are with the workers (a chunk holds 64 pages, and
    # each of two workers holds two). In the order found: every page, at the end.
    assert max(held) < 400
    assert len(list((tmp_path / ".cache").rglob("*.bin"))) > 200
