"""Disk full and file too large while `medlint fix` writes: the page stays, nothing is left over.

Three ways in, from the most real to the most precise:

- a real full file system (a tmpfs mounted for the test; skipped where mounting is not allowed),
  out of space and out of inodes;
- a real per-process file-size limit (RLIMIT_FSIZE with SIGXFSZ ignored, so writes past it fail
  with EFBIG as on a quota or a FAT volume);
- ENOSPC and EFBIG injected in-process at each seam the writer uses (the temporary file's
  write, its fsync, the rename), on one page of a run, so the test knows which page must fail.

Every time: the failing page is byte-identical to its original, no temporary file is left, the
run names the page and its reason, and fixes every other page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from medlint.config import Config
from medlint.discovery import Discovered
from medlint.engine import build_settings
from medlint.fixer import fix_roots, run_fix
from tests.robust.helpers import medlint_env, run_medlint
from tests.robust.pages import SAFE_FIX_PAGE as PAGE

SETTINGS = build_settings(Config(), config_root=Path("."), today=dt.date(2026, 11, 22))


def _temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".medlint-tmp")]


@contextlib.contextmanager
def _tmpfs(where: Path, options: str) -> Iterator[Path]:
    where.mkdir()
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mount.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path) -> None:
    """Write until the file system says no: it is then full."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    code = None
    try:
        while code is None:
            try:
                os.write(fd, b"\0" * 512)
            except OSError as exc:
                code = exc.errno
    finally:
        os.close(fd)
    assert code == errno.ENOSPC


@pytest.mark.parametrize("full", ["space", "inodes"])
def test_real_full_disk(tmp_path: Path, full: str) -> None:
    options = "size=256k,nr_inodes=64" if full == "space" else "size=4m,nr_inodes=8"
    with _tmpfs(tmp_path / "mnt", options) as disk:
        pages = [disk / f"page{i}.md" for i in range(3)]
        for page in pages:
            page.write_bytes(PAGE)
        if full == "space":
            _fill(disk)
        else:  # use up the inodes: no temporary file can be created
            with contextlib.suppress(OSError):
                for i in range(64):
                    (disk / f"empty{i}").touch()
        proc = run_medlint(["fix", "--no-cache", *(p.name for p in pages)], disk)
        assert proc.returncode == 1, (proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        why = "cannot write file" if full == "space" else "cannot create a temporary file beside it"
        for page in pages:
            assert page.read_bytes() == PAGE
            assert f"{page.name}: {why}: No space left on device" in proc.stderr
        assert not _temps(disk)
        # Room again (a filler removed): the same command now fixes every page.
        (disk / ("filler" if full == "space" else "empty0")).unlink()
        proc = run_medlint(["fix", "--no-cache", *(p.name for p in pages)], disk)
        assert "left untouched" not in proc.stdout, proc.stderr
        assert all(page.read_bytes() != PAGE for page in pages)
        assert not _temps(disk)


def test_real_file_size_limit(tmp_path: Path) -> None:
    """Pages whose fixed form exceeds RLIMIT_FSIZE fail with EFBIG; smaller ones are fixed."""
    small = tmp_path / "small.md"
    big = tmp_path / "big.md"
    small.write_bytes(PAGE)
    big.write_bytes(PAGE + b"\n" + b"Long text about treatment. " * 400 + b"\n")
    limit = len(big.read_bytes()) - 100  # the original fits (it is only read), the fix does not

    def limit_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "medlint", "fix", "--no-cache", "small.md", "big.md"],
        cwd=tmp_path,
        env=medlint_env(),
        capture_output=True,
        text=True,
        preexec_fn=limit_size,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "big.md: cannot write file: File too large" in proc.stderr
    assert big.read_bytes().startswith(PAGE)
    assert small.read_bytes() != PAGE
    assert not _temps(tmp_path)


# In-process injection: which seam fails, with which error, on the second page of three.
Seam = Callable[[pytest.MonkeyPatch, Callable[[], bool], int], None]


def _at_write(monkeypatch: pytest.MonkeyPatch, due: Callable[[], bool], code: int) -> None:
    real = os.fdopen

    class Failing:
        def __init__(self, handle: IO[bytes]) -> None:
            self.handle = handle

        def __enter__(self) -> Failing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            if due():
                self.handle.write(data[: len(data) // 2])  # a partial write, then the error
                self.handle.flush()
                raise OSError(code, os.strerror(code))
            return self.handle.write(data)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Failing(real(*a, **k)))


def _at_fsync(monkeypatch: pytest.MonkeyPatch, due: Callable[[], bool], code: int) -> None:
    real = os.fsync

    def fsync(fd: int) -> None:
        import stat

        if stat.S_ISREG(os.fstat(fd).st_mode) and due():  # the page's data, not its folder
            raise OSError(code, os.strerror(code))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def _at_rename(monkeypatch: pytest.MonkeyPatch, due: Callable[[], bool], code: int) -> None:
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        if due():
            raise OSError(code, os.strerror(code))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


SEAMS: dict[str, Seam] = {"write": _at_write, "fsync": _at_fsync, "rename": _at_rename}


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG], ids=["ENOSPC", "EFBIG"])
@pytest.mark.parametrize("seam", sorted(SEAMS))
def test_injected_fault_at_each_seam(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seam: str, code: int
) -> None:
    pages = [tmp_path / f"page{i}.md" for i in range(3)]
    for page in pages:
        page.write_bytes(PAGE)
    calls = {"n": 0}

    def due() -> bool:
        calls["n"] += 1
        return calls["n"] == 2  # the second page's write / fsync / rename fails

    SEAMS[seam](monkeypatch, due, code)
    items = [Discovered(page, page.name) for page in pages]
    run = run_fix(
        items, SETTINGS, unsafe=False, write=True, diff=False, roots=fix_roots([tmp_path], tmp_path)
    )
    monkeypatch.undo()
    failed = [f for f in run.files if f.problem is not None]
    assert [f.display for f in failed] == ["page1.md"]
    assert failed[0].problem == f"cannot write file: {os.strerror(code)}"
    assert pages[1].read_bytes() == PAGE
    assert pages[0].read_bytes() != PAGE and pages[2].read_bytes() != PAGE
    assert not _temps(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in pages]
