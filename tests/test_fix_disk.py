"""What `fix` sees of the disk: one view per run and process, never a stale one.

A fix run builds its disk checks once per process (folder listings read once for the run), not
once per page; a page a link points into is read again when it changed on disk; and a second
run never reuses the first run's view.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from medlint import fixdisk
from medlint.config import Config
from medlint.discovery import Discovered
from medlint.engine import Settings, build_settings
from medlint.fixdisk import FixFiles
from medlint.fixer import run_fix

PAGE = "---\ntitle: {title}\n---\n\n# {title}\n\n{body}\n"


def _settings(root: Path) -> Settings:
    return build_settings(
        Config(), config_root=root, select=["relative-link"], today=dt.date(2026, 11, 22)
    )


def _items(root: Path) -> list[Discovered]:
    return [Discovered(p, p.relative_to(root).as_posix()) for p in sorted(root.rglob("*.md"))]


def _messages(
    root: Path, settings: Settings | None = None, items: list[Discovered] | None = None
) -> list[str]:
    settings = settings or _settings(root)
    items = _items(root) if items is None else items
    run = run_fix(items, settings, unsafe=False, write=True, diff=False)
    return [f"{f.path}: {f.message}" for f in run.remaining]


def test_listings_are_read_once_per_run_not_once_per_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    for n in range(6):
        body = f"[next](page{n + 1}.md) and [gone](missing{n}.md)"
        (tmp_path / "docs" / f"page{n}.md").write_text(PAGE.format(title=f"P{n}", body=body))
    settings, items = _settings(tmp_path), _items(tmp_path)
    listed: list[str] = []
    real_listdir, real_scandir = os.listdir, os.scandir

    def listdir(path: str) -> list[str]:
        listed.append(os.path.abspath(path))
        return real_listdir(path)

    def scandir(path: str) -> Iterator[os.DirEntry[str]]:
        listed.append(os.path.abspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(os, "scandir", scandir)
    messages = _messages(tmp_path, settings, items)
    assert len(messages) == 7  # page5 -> page6.md is missing too
    listed = [path for path in listed if path.startswith(str(tmp_path))]
    assert listed and len(listed) == len(set(listed))  # each folder listed once in the run


def test_a_new_run_does_not_reuse_the_last_runs_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(PAGE.format(title="A", body="[b](b.md)"))
    assert _messages(tmp_path) == ["a.md: relative link `b.md` resolves to no file"]
    (tmp_path / "b.md").write_text(PAGE.format(title="B", body="text"))
    assert _messages(tmp_path) == []
    (tmp_path / "b.md").unlink()
    assert _messages(tmp_path) == ["a.md: relative link `b.md` resolves to no file"]


def test_anchors_of_a_page_rewritten_meanwhile_are_read_again(tmp_path: Path) -> None:
    page = tmp_path / "b.md"
    page.write_text(PAGE.format(title="Old heading", body="text"))
    files = FixFiles()
    assert files.anchors(str(page)) == frozenset({"old-heading"})
    assert files.anchors(str(page)) == frozenset({"old-heading"})  # unchanged: from memory
    new = tmp_path / ".b.md.tmp"  # as the writer does it: a new file renamed over the page
    new.write_text(PAGE.format(title="New heading", body="text"))
    os.replace(new, page)
    assert files.anchors(str(page)) == frozenset({"new-heading"})
    page.unlink()
    assert files.anchors(str(page)) is None


def test_each_run_has_its_own_token() -> None:
    first, second = fixdisk.new_run(), fixdisk.new_run()
    assert first != second and first[0] == second[0] == os.getpid()
