"""The link phase holds a few bytes a run page; everything else is bounded or on disk.

Run pages are known by number (`RunPages`): whether each is in its folder's listing and where
its anchors are in a spill file. Listings keep only the entries that are not run pages, within
a bound; the answers worked out from them start again past another. Whatever the bounds, and
whatever order pages arrive in, the findings are the same.
"""

from __future__ import annotations

import dataclasses
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from medlint.checks import relative_link
from medlint.checks.relative_link import LocalFiles, RelativeLink, RunLinks
from medlint.config import load_config
from medlint.discovery import Discovered
from medlint.document import Document
from medlint.engine import FileResult, build_settings
from tests.test_linkphase import ListPages, write_site
from tests.test_linkphase import _findings as linkphase_findings


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two folders of pages linking into each other's headings, a folder with an image and a
    subfolder, links to missing files, to an unreadable page and to a page named on the
    command line that does not exist."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c" / "sub").mkdir(parents=True)
    (tmp_path / "c" / "figure.png").write_bytes(b"png")
    return write_site(
        tmp_path,
        8,
        lambda i: [
            "[figure](../c/figure.png) [sub](../c/sub) [nofig](../c/figure.jpg)",
            f"[missing](../c/missing-{i}.md) [ghost](../ghost.md)",
            "[site](../b/p3) [index](/a/p1.md#side-effects)",
        ],
    )


def _findings(folder: Path, seed: int | None) -> list[tuple[str, int, str]]:
    # Named on the command line, though it does not exist: a run page all the same.
    ghost = Discovered(folder.resolve() / "ghost.md", "ghost.md")
    return linkphase_findings(folder, seed, [ghost])


def test_what_the_site_reports(site: Path) -> None:
    messages = [m for _, _, m in _findings(site, None)]
    assert sum("#no-such-heading" in m for m in messages) == 8
    assert sum("did you mean `#side-effects`" in m for m in messages) == 8
    assert sum("`../c/missing-" in m for m in messages) == 8
    assert sum("`../c/figure.jpg`" in m for m in messages) == 8
    # A run page that does not exist is not taken to exist because discovery named it.
    assert sum("`../ghost.md` resolves to no file" in m for m in messages) == 8
    assert not any("figure.png" in m or "`../c/sub`" in m or "../b/p3`" in m for m in messages)
    assert not any("#dosing" in m or "`/a/p1.md" in m for m in messages)


@pytest.mark.parametrize(("memo", "listings", "chunk"), [(0, 0, 1), (1, 1, 2), (5, 3, 40)])
def test_any_bounds_and_any_order_judge_alike(
    site: Path, monkeypatch: pytest.MonkeyPatch, memo: int, listings: int, chunk: int
) -> None:
    reference = _findings(site, None)
    monkeypatch.setattr(relative_link, "_MEMO_BOUND", memo)
    monkeypatch.setattr(relative_link, "_LISTING_BOUND", listings)
    monkeypatch.setattr(relative_link, "_SPILL_CHUNK", chunk)
    for seed in (None, 1, 2, 3):
        assert _findings(site, seed) == reference


def _pages(site: Path) -> ListPages:
    root = site.resolve()
    names = [f"{f}/p{i}.md" for f in ("a", "b") for i in range(8)]
    return ListPages([(name, str(root / name)) for name in names])


def test_anchors_are_read_back_as_they_were_kept(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(relative_link, "_SPILL_CHUNK", 7)  # most of them from the file
    pages = _pages(site)
    files = LocalFiles(pages=pages)
    kept: list[frozenset[str]] = []
    rng = random.Random(3)
    for where in range(len(pages)):
        words = ["", "dosing", "side-effects", "é-naïve", "\udcff", "x" * 300]
        anchors = frozenset(rng.sample(words[1:], rng.randint(0, 4)))
        kept.append(anchors)
        if where % 3 == 0:
            files.keep_anchors(where, "\x00".join(sorted(anchors)))
        elif where % 3 == 1:
            files.keep_anchors(where, sorted(anchors))
        else:
            files.keep_anchors(where, anchors | {"with\x00nul"})
            kept[-1] = anchors | {"with\x00nul"}
    for where in reversed(range(len(pages))):
        assert files.anchors(pages.fspath(where)) == kept[where]
    # Spelt otherwise, the same page.
    assert files.anchors(str(site.resolve()) + "/a/./p1.md") == kept[1]
    files.close()


def _listed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    listed: list[str] = []
    real = os.scandir

    def scandir(path: str) -> Iterator[os.DirEntry[str]]:
        listed.append(os.path.abspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return listed


def test_a_link_to_a_run_page_keeps_nothing_of_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run page is known by its number: its name is not kept in its folder's listing, and
    links to it add nothing to the memos; each folder is listed once, and recorded for the run
    memo as before."""
    pages = _pages(site)
    settings = build_settings(load_config(None, site).config, config_root=site)
    rule = settings.rule(RelativeLink.name)
    assert rule is not None
    links = RunLinks(rule, pages)
    files = links.files
    listed = _listed(monkeypatch)
    root = str(site.resolve())
    for _ in range(2):
        for where in range(len(pages)):
            assert files.resolve(pages.fspath(where)) == pages.fspath(where)
    assert sorted(listed) == [root, root + "/a", root + "/b"]  # each once
    assert set(files.observed.folders) == {root, root + "/a", root + "/b"}
    assert files._listings[root + "/a"] == (frozenset(), frozenset())
    assert files._listings[root + "/b"] == (frozenset({"unreadable.md"}), frozenset())
    assert not any(p in files._kinds or p in files._resolved for p in map(pages.fspath, range(16)))
    assert files.resolve(root + "/b/unreadable.md") == root + "/b/unreadable.md"
    assert files.resolve(root + "/b/p9.md") is None
    assert len(listed) == 3 and files.relisted == 0


def test_listings_past_their_bound_are_listed_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(relative_link, "_LISTING_BOUND", 2)
    monkeypatch.setattr(relative_link, "_MEMO_BOUND", 0)
    files = LocalFiles(pages=_pages(site))
    root = str(site.resolve())
    for _ in range(3):
        assert files.kind(root + "/c/figure.png") == "file"
        assert files.kind(root + "/b/unreadable.md") == "file"
        assert files.resolve(root + "/a/p0.md") == root + "/a/p0.md"
        files._bound()
    assert files.relisted > 0
    assert files._listed_names <= 2 + 2  # the one listing kept past the bound is the last


def test_an_unreadable_page_is_judged_from_the_disk(site: Path) -> None:
    pages = ListPages([("b/unreadable.md", str(site.resolve() / "b" / "unreadable.md"))])
    settings = build_settings(load_config(None, site).config, config_root=site)
    rule = settings.rule(RelativeLink.name)
    assert rule is not None
    links = RunLinks(rule, pages)
    unreadable = FileResult("b/unreadable.md")
    doc = Document("b/unreadable.md", "")
    found = rule.finding(doc, doc.span(0, 0), "cannot read")
    unreadable.findings.append(dataclasses.replace(found, rule="unreadable-file"))
    links.add(unreadable, "dosing", 0)
    assert not links._waiting
    assert links.files.anchors(pages.fspath(0)) is None  # read from the disk: not UTF-8
    assert pages.fspath(0) in links.files.observed.pages
