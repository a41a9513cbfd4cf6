"""The run-wide link phase: links that need other files or the network to judge.

Document-scope rules judge what one page shows alone. Links to files are judged here page by
page as pages arrive (content rules: `checks/relative_link.RunLinks`), so a run never holds its
pages for a phase at the end; remote links are collected so that each distinct URL of the run
is checked once and the result mapped back to every place it appears (`checks/broken_link`).
A page leaves the phase as soon as nothing about it waits; the runner then finalizes it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from medlint.runmemo import Observed

if TYPE_CHECKING:
    from medlint.checks.relative_link import RunLinks, RunPages
    from medlint.config import Config
    from medlint.engine import FileResult, Settings
    from medlint.runner import RunOptions, RunResult


class LinkPhase:
    def __init__(
        self,
        pages: RunPages,
        settings: Settings,
        config: Config,
        options: RunOptions,
        out: RunResult,
    ) -> None:
        """`pages`: every page of the run; `add` names a page by its number there."""
        from medlint.checks.broken_link import BrokenLink, RedirectedLink
        from medlint.checks.relative_link import RelativeLink, RunLinks

        self.settings, self.config, self.options, self.out = settings, config, options, out
        rule = settings.rule(RelativeLink.name)
        self.local: RunLinks | None = RunLinks(rule, pages) if rule is not None else None
        self.remote = not options.offline and any(
            settings.rule(name) is not None for name in (BrokenLink.name, RedirectedLink.name)
        )
        self._online: list[FileResult] = []  # pages with links to check over the network

    @property
    def observed(self) -> Observed:
        """What the local part read from the disk besides the pages (for the run memo)."""
        return self.local.files.observed if self.local is not None else Observed()

    def add(self, result: FileResult, anchors: str | Collection[str], where: int) -> bool:
        """Take one page, its anchors and its number in the run's pages; True when it is
        final now, False when kept."""
        final = self.local.add(result, anchors, where) if self.local is not None else True
        if self.remote and result.document is not None:
            from medlint.checks.broken_link import _is_remote

            if any(_is_remote(link.target) for link in result.links):
                self._online.append(result)
                return False
        return final

    def finish(self) -> list[FileResult]:
        """Judge what waited; every page the phase kept, each once, now final."""
        kept = self.local.finish() if self.local is not None else []
        if self._online:
            from medlint.checks.broken_link import run_phase as remote_links

            self._online.sort(key=lambda r: r.path)
            remote_links(self._online, self.settings, self.config, self.options, self.out)
        seen = {id(r) for r in kept}
        kept.extend(r for r in self._online if id(r) not in seen)
        return kept
