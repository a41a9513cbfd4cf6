"""What `medlint fix` does to files that are not plain pages it may rewrite.

- read-only pages (as a non-root user: root ignores permissions) and read-only folders: left as
  they are (bytes, mode, owner), reported, the run goes on;
- symlinks: stay links; a link (or a linked folder) leading outside the folders being fixed is
  never written through, even when named on the command line;
- hard links: never silently split into two files;
- a page edited between medlint's read and its write: the edit is kept, a conflict reported.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import medlint.fixer
from medlint.config import Config
from medlint.discovery import Discovered
from medlint.engine import build_settings
from medlint.fixer import FixOutcome, fix_roots, run_fix
from tests.robust.helpers import as_nobody, json_findings, run_medlint, shared_dir
from tests.robust.pages import SAFE_FIX_PAGE

PAGE = SAFE_FIX_PAGE


def _state(path: Path) -> tuple[bytes, int, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_mode, st.st_uid, st.st_ino


def _temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".medlint-tmp")]


def test_read_only_pages_and_folders_are_reported_and_kept() -> None:
    prefix = as_nobody()
    top = shared_dir("readonly")
    try:
        for name in ("writable.md", "readonly.md"):
            (top / name).write_bytes(PAGE)
        (top / "writable.md").chmod(0o666)
        (top / "readonly.md").chmod(0o444)
        locked = top / "locked"
        locked.mkdir()
        (locked / "inside.md").write_bytes(PAGE)
        (locked / "inside.md").chmod(0o666)
        locked.chmod(0o555)  # the page is writable, its folder is not: no temporary file
        before = {p: _state(p) for p in (top / "readonly.md", locked / "inside.md")}
        proc = run_medlint(["fix", "--no-cache", "."], top, prefix=prefix)
        assert proc.returncode == 1, (proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert "readonly.md: file is read-only: not written" in proc.stderr
        assert "locked/inside.md: cannot create a temporary file" in proc.stderr
        for path, state in before.items():
            assert _state(path) == state, path  # bytes, mode, owner, inode: untouched
        assert (top / "writable.md").read_bytes() != PAGE  # the run went on and fixed it
        assert "2 files left untouched" in proc.stdout
        assert not _temp_files(top)
    finally:
        (top / "locked").chmod(0o755)
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """tree/ holds pages and links; outside/ holds what links point to beyond the tree."""
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    (tree / "sub").mkdir(parents=True)
    (outside / "dir").mkdir(parents=True)
    for path in (tree / "page.md", tree / "sub" / "target.md", outside / "secret.md"):
        path.write_bytes(PAGE)
    (outside / "dir" / "also.md").write_bytes(PAGE)
    (tree / "inner-link.md").symlink_to("sub/target.md")
    (tree / "outer-link.md").symlink_to("../outside/secret.md")
    (tree / "linked-dir").symlink_to("../outside/dir", target_is_directory=True)
    (tree / "dangling.md").symlink_to("nowhere.md")
    (tree / "loop.md").symlink_to("loop.md")
    return tmp_path


def test_symlinks_stay_links_and_never_lead_outside(linked: Path) -> None:
    tree, outside = linked / "tree", linked / "outside"
    secret, also = outside / "secret.md", outside / "dir" / "also.md"
    proc = run_medlint(["fix", "--no-cache", "tree"], linked)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "outer-link.md: is a link to a file outside the folders being fixed" in proc.stderr
    assert "linked-dir/also.md: is a link to a file outside" in proc.stderr
    assert secret.read_bytes() == PAGE and also.read_bytes() == PAGE
    # A link inside the tree stays a link; its target (inside) is fixed.
    assert os.readlink(tree / "inner-link.md") == "sub/target.md"
    assert (tree / "sub" / "target.md").read_bytes() != PAGE
    assert (tree / "page.md").read_bytes() != PAGE
    for name in ("outer-link.md", "dangling.md", "loop.md"):
        assert (tree / name).is_symlink(), name
    # A link named explicitly (as the pre-commit hook names files): still not written through.
    proc = run_medlint(["fix", "--no-cache", "outer-link.md", "page.md"], tree)
    assert "outer-link.md: is a link to a file outside the folders being fixed" in proc.stderr
    assert secret.read_bytes() == PAGE and also.read_bytes() == PAGE
    assert not _temp_files(linked)


def test_hard_links_are_never_split(tmp_path: Path) -> None:
    first = tmp_path / "first.md"
    first.write_bytes(PAGE)
    os.link(first, tmp_path / "second.md")
    proc = run_medlint(["fix", "--no-cache", "."], tmp_path)
    assert proc.returncode == 1
    assert "first.md: file has 2 hard links; replacing it would split them" in proc.stderr
    one, two = first.stat(), (tmp_path / "second.md").stat()
    assert one.st_ino == two.st_ino and one.st_nlink == 2
    assert first.read_bytes() == PAGE
    assert not _temp_files(tmp_path)


def test_an_edit_between_read_and_write_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor saves the page while medlint is fixing it: the save wins, medlint reports."""
    page = tmp_path / "page.md"
    page.write_bytes(PAGE)
    saved = PAGE.replace(b"shared decision-making", b"SHARED DECISION-MAKING")
    real_fix_text = medlint.fixer.fix_text

    def fix_then_editor_saves(*args: object, **kwargs: object) -> FixOutcome:
        outcome = real_fix_text(*args, **kwargs)  # type: ignore[arg-type]
        page.write_bytes(saved)
        return outcome

    monkeypatch.setattr(medlint.fixer, "fix_text", fix_then_editor_saves)
    settings = build_settings(Config(), config_root=tmp_path, today=dt.date(2026, 11, 22))
    items = [Discovered(page, "page.md")]
    run = run_fix(
        items, settings, unsafe=False, write=True, diff=False, roots=fix_roots([tmp_path], tmp_path)
    )
    [result] = run.files
    assert result.problem is not None and "changed on disk since it was read" in result.problem
    assert not result.written
    assert page.read_bytes() == saved
    assert not _temp_files(tmp_path)


def test_symlink_loops_end_and_each_page_is_seen_once(tmp_path: Path) -> None:
    """`docs/all -> ..` and `docs/self -> .` made discovery endless (and exponential: each
    level doubled the paths). Each folder is now walked once, by its device and inode."""
    tree = tmp_path / "tree"
    (tree / "docs").mkdir(parents=True)
    (tree / "docs" / "page.md").write_bytes(PAGE)
    (tree / "docs" / "self").symlink_to(".", target_is_directory=True)
    (tree / "docs" / "all").symlink_to("..", target_is_directory=True)
    (tree / "up").symlink_to("..", target_is_directory=True)
    args = ["check", "--offline", "--no-cache", "--format", "json", "tree"]
    findings = json_findings(run_medlint(args, tmp_path, timeout=60))
    assert {f["path"] for f in findings} == {"tree/docs/page.md"}
    proc = run_medlint(["fix", "--no-cache", "tree"], tmp_path, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    assert (tree / "docs" / "page.md").read_bytes() != PAGE


def test_a_symlink_loop_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    """`medlint check a` where `a -> b -> a`: pathlib's resolve raised and the run ended with a
    traceback; a page that is such a link, found by the walk, was skipped without a word (a
    dangling one was reported). Now each is an unreadable file, and the rest is checked."""
    (tmp_path / "ok.md").write_bytes(PAGE)
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop.md").symlink_to("loop.md")  # found by the walk, not named
    (tmp_path / "sub" / "gone.md").symlink_to("nowhere.md")
    args = ["check", "--offline", "--no-cache", "--format", "json", "ok.md", "a", "a/x.md", "sub"]
    findings = json_findings(run_medlint(args, tmp_path))
    unreadable = {f["path"] for f in findings if f["rule"] == "unreadable-file"}
    assert unreadable == {"a", "a/x.md", "sub/loop.md", "sub/gone.md"}
    assert any(f["path"] == "ok.md" for f in findings)
    loops = [f for f in findings if f["path"] in ("a", "a/x.md", "sub/loop.md")]
    assert len(loops) == 3 and all("symbolic links" in str(f["message"]) for f in loops)
    proc = run_medlint(["fix", "--no-cache", "ok.md", "a"], tmp_path)
    assert "Traceback" not in proc.stderr and proc.returncode in (0, 1), proc.stderr
    # A report asked for inside the loop: one clear line (the html report resolved its folder
    # to link the pages from there, and raised).
    proc = run_medlint(["check", "--offline", "ok.md", "--report", "html=a/r.html"], tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "cannot write html report to a/r.html" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_named_like_a_page_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    """`mkfifo pipe.md`: reading it waits for a writer, and check and fix waited forever
    (the walk and the link phase, which reads a linked page's headings, alike)."""
    (tmp_path / "ok.md").write_bytes(PAGE + b"\nSee [the pipe](pipe.md#part).\n")
    os.mkfifo(tmp_path / "pipe.md")
    for args in (["."], ["pipe.md", "ok.md"]):
        run = ["check", "--offline", "--no-cache", "--format", "json", *args]
        findings = json_findings(run_medlint(run, tmp_path, timeout=60))
        special = [f for f in findings if f["path"] == "pipe.md"]
        assert [f["rule"] for f in special] == ["unreadable-file"]
        assert "not a regular file" in str(special[0]["message"])
        assert any(f["path"] == "ok.md" for f in findings)
    proc = run_medlint(["fix", "--no-cache", "."], tmp_path, timeout=60)
    assert "Traceback" not in proc.stderr and proc.returncode in (0, 1), proc.stderr
    assert "pipe.md:1:1: ML010" in proc.stdout + proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipes_as_config_ignore_file_or_rule_pack_are_refused(tmp_path: Path) -> None:
    """A config, a .gitignore or a rule pack that is a named pipe: the read waited forever.
    A config or pack is one clear error (exit 2); a .gitignore that cannot be read is none."""
    (tmp_path / "ok.md").write_bytes(PAGE)
    os.mkfifo(tmp_path / "pipe.toml")
    proc = run_medlint(["check", "--offline", "--config", "pipe.toml", "."], tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "pipe.toml: cannot read config: not a regular file" in proc.stderr
    os.mkfifo(tmp_path / ".gitignore")
    findings = json_findings(
        run_medlint(["check", "--offline", "--format", "json", "."], tmp_path, timeout=60)
    )
    assert {f["path"] for f in findings} == {"ok.md"}
    os.mkfifo(tmp_path / "pack.yaml")
    (tmp_path / "medlint.toml").write_text('rule-packs = ["pack.yaml"]\n', encoding="utf-8")
    proc = run_medlint(["check", "--offline", "."], tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "pack.yaml: cannot read rule pack: not a regular file" in proc.stderr
    (tmp_path / "pack.yaml").unlink()
    (tmp_path / "pack.yaml").write_bytes(b"\xff\xfe placeholders: []\n")  # was a traceback
    proc = run_medlint(["check", "--offline", "."], tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "pack.yaml: rule pack is not UTF-8 text" in proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "args",
    [["check", "--offline", "."], ["check", "--offline", "--format", "json", "."], ["rules"]],
)
def test_output_that_cannot_be_written_is_one_line_not_a_traceback(
    tmp_path: Path, args: list[str]
) -> None:
    """`medlint check > file` on a full disk: the write of the output raised, and the run
    ended with a traceback (a closed pipe, `| head`, already ended quietly)."""
    (tmp_path / "ok.md").write_bytes(PAGE)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "medlint", *args],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "medlint: error: [Errno 28] No space left on device"
    ]
