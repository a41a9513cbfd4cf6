"""RunItems: the run's files packed, read back exactly as discovery found them."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from medlint.config import load_config
from medlint.discovery import Discovered, RunItems, _may_repeat, discover, found, run_items
from medlint.runner import collect

ODD = [
    Discovered("/work/a.md", "a.md"),
    Discovered("/elsewhere/b.md", "../elsewhere/b.md"),  # not under the working folder
    Discovered("/work/caf\udce9.md", "caf\\xe9.md"),  # a name that is not UTF-8
    Discovered("/work/locked", "locked", error="Permission denied"),
    Discovered(Path("/work/sub/c.md"), "sub/c.md"),
    Discovered("/work/d.md", "/work/d.md"),  # named by its absolute path
]


def test_every_item_reads_back_as_it_went_in() -> None:
    items = RunItems(ODD, base="/work")
    assert len(items) == len(ODD)
    assert list(items) == ODD and items == ODD
    assert items[-1] == ODD[-1] and items[1:3] == ODD[1:3]
    for where, item in enumerate(ODD):
        assert items.fspath(where) == item.fspath
        assert items.display(where) == item.display
        assert items.errors.get(where) == item.error
    assert list(items.iter_fspaths()) == [i.fspath for i in ODD]
    assert items.errors == {3: "Permission denied"}
    with pytest.raises(IndexError):
        items[len(ODD)]


def test_number_finds_each_file_by_its_exact_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RunItems, "_BLOCK", 3)  # records across many blocks
    many = [Discovered(f"/work/s{i % 7}/p{i}.md", f"s{i % 7}/p{i}.md") for i in range(200)]
    items = RunItems([*many, *ODD], base="/work")
    assert list(items.iter_fspaths()) == [i.fspath for i in [*many, *ODD]]  # odd ones past block 0
    for where, item in enumerate([*many, *ODD]):
        expected = None if item.error is not None else where
        assert items.number(item.fspath) == expected
    assert items.number("/work/s1/P8.md") is None  # exact spelling only
    assert items.number("/work/s2/p8.md") is None
    assert items.number("/work/nowhere.md") is None
    assert items.number("/work/s1/p1.md") == 1


def test_items_read_while_they_are_appended(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RunItems, "_BLOCK", 4)
    items = RunItems(base="/w")
    made = []
    for i in range(23):
        made.append(Discovered(f"/w/{i}.md", f"{i}.md"))
        items.append(made[-1])
        assert items[i] == made[-1] and list(items) == made
        assert items.number(made[0].fspath) == 0


def test_collect_packs_what_discovery_finds(tmp_path: Path) -> None:
    for name in ("b.md", "a.md", "sub/c.md", "sub/deeper/d.markdown", "skip.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    loaded = load_config(None, tmp_path)
    items = collect([Path(".")], tmp_path, loaded.config, loaded.root)
    assert isinstance(items, RunItems)
    found = list(
        discover([Path(".")], tmp_path, exclude=[], config_root=loaded.root, respect_gitignore=True)
    )
    assert items == found and [i.display for i in items] == [
        "a.md",
        "b.md",
        "sub/c.md",
        "sub/deeper/d.markdown",
    ]
    assert run_items(items) is items and run_items(found) == found


def test_named_paths_that_nest_or_repeat_give_each_file_once(tmp_path: Path) -> None:
    for name in ("a.md", "sub/c.md", "sub/deeper/d.md", "other/e.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)  # the tree again
    named = [Path("sub/c.md"), Path("sub"), Path("."), Path("a.md"), Path("sub/deeper")]
    loaded = load_config(None, tmp_path)
    shown = [d for _, d, _ in found(named, tmp_path, exclude=[], config_root=loaded.root)]
    assert shown == ["sub/c.md", "sub/deeper/d.md", "a.md", "other/e.md"]
    # Folders that do not nest: nothing can come twice, and each is walked as before.
    apart = [Path("other"), Path("sub")]
    shown = [d for _, d, _ in found(apart, tmp_path, exclude=[], config_root=loaded.root)]
    assert shown == ["other/e.md", "sub/c.md", "sub/deeper/d.md"]
    # One folder whose tree reaches itself through a link: each file once, by one spelling.
    shown = [d for _, d, _ in found([Path(".")], tmp_path, exclude=[], config_root=loaded.root)]
    assert sorted(shown) == ["a.md", "other/e.md", "sub/c.md", "sub/deeper/d.md"]


def test_which_named_paths_can_repeat_a_file() -> None:
    assert not _may_repeat(["/w"])
    assert not _may_repeat(["/w/a", "/w/b", "/w/ab", "/w/a.md"])
    assert _may_repeat(["/w/a", "/w/a/b"]) and _may_repeat(["/w/a/b", "/w/a"])
    assert _may_repeat(["/w/b", "/w/a/c.md", "/w/a"])  # not next to each other as named
    assert _may_repeat(["/w/a.md", "/w/a.md"]) and _may_repeat(["/", "/w"])


def test_one_walk_holds_no_path_it_has_given(tmp_path: Path) -> None:
    """A walk of one folder keeps no set of the paths it found (19 MB for 100,000 pages, let
    go just before the workers fork: memory freed then costs twice, see discovery.found)."""
    for folder in range(40):
        for page in range(100):
            target = tmp_path / f"section-{folder:03}" / f"page-with-a-long-name-{page:04}.md"
            target.parent.mkdir(exist_ok=True)
            target.touch()
    loaded = load_config(None, tmp_path)
    tracemalloc.start()
    try:
        count = 0
        for _ in found([Path(".")], tmp_path, exclude=[], config_root=loaded.root):
            count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 4000
    assert peak < 150_000  # a set of the 4,000 paths alone is over 500 KB


def test_a_file_costs_a_few_dozen_bytes() -> None:
    """What a large run holds for each file to its end (a Discovered and two strings were
    0.24 KB); no Python object per file."""
    made = (
        Discovered(f"/srv/corpus/section-{i // 100:04}/page-{i:06}.md", "") for i in range(50_000)
    )
    tracemalloc.start()
    try:
        items = RunItems(
            (Discovered(d.fspath, d.fspath.removeprefix("/srv/corpus/")) for d in made),
            base="/srv/corpus",
        )
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(items) == 50_000
    assert held / len(items) < 40  # 24 characters of display path and a 4-byte offset


def test_the_signature_names_exactly_this_list_of_files() -> None:
    """The run memo is named for it, and keeps no list of paths of its own."""
    same = RunItems(ODD, base="/work").signature()
    assert RunItems(list(ODD), base="/work").signature() == same
    assert RunItems(ODD[::-1], base="/work").signature() != same  # order: stats are in it
    assert RunItems(ODD[:-1], base="/work").signature() != same
    moved = [Discovered("/else" + d.fspath[5:], d.display, d.error) for d in ODD]
    assert RunItems(moved, base="/else").signature() != same  # same displays, other files
    renamed = [*ODD[:-1], Discovered("/work/d.md", "d.md")]  # same file, shown otherwise
    assert RunItems(renamed, base="/work").signature() != same


def test_a_path_whose_hash_matches_is_still_compared() -> None:
    # The table keeps 32 bits of each path's hash: a path that hashes alike is not the file.
    items = RunItems(base="/work")
    items.extend([("/work/a.md", "a.md", None), ("/work/b.md", "b.md", None)])

    class Alike(str):
        __slots__ = ()

        def __hash__(self) -> int:
            return hash("/work/b.md")

    assert items.number(Alike("/work/c.md")) is None
    assert items.number(Alike("/work/b.md")) == 1 and items.number("/work/a.md") == 0
