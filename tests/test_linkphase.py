"""The link phase judges pages as they arrive; links into pages not arrived yet wait.

Whatever order pages come back in (workers finish in any order), a link into another page's
heading must be judged against that page's headings, and each page reported exactly once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from medlint.checks.relative_link import RunPages
from medlint.config import load_config
from medlint.discovery import Discovered
from medlint.engine import build_settings
from medlint.runner import RunOptions, collect, run_check
from tests.conftest import TODAY, VALID_PAGE


class ListPages:
    """`RunPages` over a list of (display, absolute path as discovered)."""

    def __init__(self, pages: list[tuple[str, str]]) -> None:
        self.pages = pages
        self.numbers = {fspath: where for where, (_, fspath) in enumerate(pages)}

    def __len__(self) -> int:
        return len(self.pages)

    def display(self, where: int) -> str:
        return self.pages[where][0]

    def fspath(self, where: int) -> str:
        return self.pages[where][1]

    def number(self, fspath: str) -> int | None:
        return self.numbers.get(fspath)


def test_list_pages_are_run_pages() -> None:
    pages: RunPages = ListPages([("a.md", "/x/a.md")])
    assert pages.number("/x/a.md") == 0 and pages.number("/x/b.md") is None


def write_site(root: Path, pages: int, more: Callable[[int], list[str]] = lambda i: []) -> Path:
    """Pages a/p<i>.md linking into b/p<i>.md's headings (one that exists, one that does not,
    one in an unreadable page, their own) and back with a misspelt one, and `more(i)` links."""
    (root / "a").mkdir(exist_ok=True)
    (root / "b").mkdir(exist_ok=True)
    for i in range(pages):
        links = "\n".join(
            [
                f"[next](../b/p{(i + 1) % pages}.md#dosing)",  # a heading every b page has
                f"[gone](../b/p{(i + 2) % pages}.md#no-such-heading)",
                "[bad](../b/unreadable.md#dosing)",
                f"[self](p{i}.md#side-effects)",
                *more(i),
            ]
        )
        (root / "a" / f"p{i}.md").write_text(
            VALID_PAGE + f"\n## Side effects\n\n{links}\n", encoding="utf-8"
        )
        (root / "b" / f"p{i}.md").write_text(
            VALID_PAGE + f"\n## Dosing\n\n[back](../a/p{i}.md#side-efects)\n", encoding="utf-8"
        )
    (root / "b" / "unreadable.md").write_bytes(b"# Dosing\n\xff\xfe not UTF-8\n")
    return root


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_site(tmp_path, 6)


def _findings(
    folder: Path, seed: int | None, extra: Sequence[Discovered] = ()
) -> list[tuple[str, int, str]]:
    """relative-link's findings of a run over `folder` (and `extra` files), its pages shuffled
    by `seed` (None: in the order found)."""
    loaded = load_config(None, folder)
    when = dt.date.fromisoformat(TODAY)
    settings = build_settings(loaded.config, config_root=loaded.root, today=when)
    items = [*collect([Path(".")], folder, loaded.config, loaded.root), *extra]
    if seed is not None:
        random.Random(seed).shuffle(items)
    run = run_check(items, settings, loaded.config, RunOptions(offline=True, no_cache=True, jobs=1))
    return [(f.path, f.span.line, f.message) for f in run.findings if f.rule == "relative-link"]


def test_links_into_pages_in_any_order_are_judged_alike(site: Path) -> None:
    reference = _findings(site, None)
    for seed in range(8):
        assert _findings(site, seed) == reference
    messages = [m for _, _, m in reference]
    # Each a page reports its missing heading once, and nothing for the heading that exists.
    assert sum("#no-such-heading" in m for m in messages) == 6
    assert not any("#dosing" in m for m in messages)  # the unreadable page is not judged
    assert not any(m.startswith("`#side-effects`") for m in messages)
    # Links from b into a (often arriving before a) are judged against a's headings.
    assert sum("`#side-efects`" in m and "did you mean `#side-effects`" in m for m in messages) == 6


def test_a_page_whose_discovered_path_is_not_its_key_is_still_a_page_of_the_run(
    site: Path,
) -> None:
    """The phase keys pages by the absolute path discovery gives them, to hold no string of
    its own per page, when that equals the page's normalised path under the resolved working
    folder; when it does not, the key is used, and the page is still known as a run page."""
    from medlint.checks.relative_link import RelativeLink, RunLinks
    from medlint.engine import FileResult

    settings = build_settings(load_config(None, site).config, config_root=site)
    rule = settings.rule(RelativeLink.name)
    assert rule is not None
    key = str(site.resolve() / "b" / "p1.md")
    odd = str(site) + "/b/./p1.md"  # the same file, spelt otherwise
    pages = ListPages([("b/p1.md", odd), ("b/p2.md", str(site.resolve() / "b" / "p2.md"))])
    phase = RunLinks(rule, pages)
    assert phase.files.odd == {key: 0}  # the other page's key is its discovered path
    assert key in phase._waiting
    phase.add(FileResult("b/p1.md"), "dosing", 0)
    assert key not in phase._waiting
    assert phase.files.anchors(key) == frozenset({"dosing"})


def test_the_folder_of_a_page_is_what_dirname_gives() -> None:
    """`_dirname` takes a shortcut for plain POSIX paths; on any path it must agree with
    os.path.dirname (doubled slashes, trailing slashes, the root, relative paths)."""
    import os

    from medlint.checks.relative_link import _dirname

    rng = random.Random(6)
    cases = ["/a/b", "/a", "/", "a/b", "a", "", "/a/b/", "//a", "/a//b", "../a/b", "/a/"]
    cases += ["".join(rng.choice("/a.b") for _ in range(rng.randint(0, 9))) for _ in range(5000)]
    for path in cases:
        assert _dirname(path) == os.path.dirname(path), path


@pytest.mark.parametrize("bound", [0, 3, 17])
def test_link_memos_that_start_again_judge_alike(
    site: Path, bound: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answers worked out from listings (kinds, resolved paths, anchor sets) start again
    past a bound, so that a large run does not hold a string or two per link target to its
    end: what they forget is worked out again, to the same findings in any order of pages."""
    from medlint.checks import relative_link

    reference = _findings(site, None)
    monkeypatch.setattr(relative_link, "_MEMO_BOUND", bound)
    for seed in (None, 1, 2):
        assert _findings(site, seed) == reference
