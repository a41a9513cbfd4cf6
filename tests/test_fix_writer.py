"""Atomic writes on a real file system: mode, symlinks, mtime, concurrent edits, hard links."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from medlint.writer import WriteBehind, WriteRefused, encode, write_atomic


def test_replaces_content_keeps_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"old\r\n")
    page.chmod(0o640)
    assert write_atomic(page, b"new\r\n", b"old\r\n") is True
    assert page.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(page.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md"]


def test_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"same\n")
    os.utime(page, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = page.stat()
    assert write_atomic(page, b"same\n", b"same\n") is False
    after = page.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_file_changed_since_read_is_not_overwritten(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"edited by someone else\n")
    with pytest.raises(WriteRefused, match="changed on disk"):
        write_atomic(page, b"fixed\n", b"what we read\n")
    assert page.read_bytes() == b"edited by someone else\n"


def test_symlink_stays_a_symlink_and_its_target_is_written(tmp_path: Path) -> None:
    target = tmp_path / "real" / "page.md"
    target.parent.mkdir()
    target.write_bytes(b"old\n")
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "page.md")
    assert write_atomic(link, b"new\n", b"old\n")
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("real") / "page.md")
    assert target.read_bytes() == b"new\n"


def test_hard_linked_file_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"old\n")
    os.link(page, tmp_path / "other.md")
    with pytest.raises(WriteRefused, match="hard links"):
        write_atomic(page, b"new\n", b"old\n")
    assert page.read_bytes() == b"old\n"


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(WriteRefused):
        write_atomic(tmp_path / "gone.md", b"x", b"")
    with pytest.raises(WriteRefused, match="regular file"):
        write_atomic(tmp_path, b"x", b"")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_read_only_folder_is_a_clear_refusal(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    page = folder / "page.md"
    page.write_bytes(b"old\n")
    folder.chmod(0o555)
    try:
        with pytest.raises(WriteRefused, match="temporary file"):
            write_atomic(page, b"new\n", b"old\n")
    finally:
        folder.chmod(0o755)
    assert page.read_bytes() == b"old\n"


def test_encode_keeps_the_bom() -> None:
    assert encode("x\r\n", bom=True) == b"\xef\xbb\xbfx\r\n"
    assert encode("é", bom=False) == "é".encode()


def test_write_behind_runs_jobs_in_order_and_waits_for_all() -> None:
    done: list[int] = []
    with WriteBehind(limit=2) as writes:
        for n in range(10):
            writes.submit(lambda n=n: done.append(n))  # type: ignore[misc]
    assert done == list(range(10))


def test_write_behind_reraises_a_failed_job() -> None:
    def broken() -> None:
        raise RuntimeError("bug in a write job")

    with pytest.raises(RuntimeError, match="bug in a write job"), WriteBehind() as writes:
        writes.submit(broken)


def test_write_behind_drops_jobs_not_started_when_the_caller_fails() -> None:
    done: list[str] = []
    started, queued_too = threading.Event(), threading.Event()

    def interrupted_run() -> None:
        with WriteBehind() as writes:

            def slow() -> None:  # under way when the caller fails: it is finished
                started.set()
                queued_too.wait(10)
                queued = writes._pending[-1]
                for _ in range(1000):  # until the caller's failure cancelled the queued job
                    if queued.cancelled():
                        break
                    time.sleep(0.01)
                done.append("slow")

            writes.submit(slow)
            writes.submit(lambda: done.append("queued"))
            queued_too.set()
            started.wait(10)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert done == ["slow"]  # the write under way finished; the queued one never ran
