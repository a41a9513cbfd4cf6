"""What `fix` sees of the disk around a page: its file links, and redirects `check` cached.

The checks are built once per fix run in each process (not once per page): folder listings are
then read once for the whole run. That holds because a fix replaces pages but never adds or
removes one. The anchors of a page a link points into are keyed by what that file is on disk,
so a page another fix rewrote meanwhile is read again and judged as it now is, exactly as when
every page built its own view.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

from medlint.checks.relative_link import LocalFiles, RelativeLink, _read_anchors, disk_check
from medlint.document import Document
from medlint.engine import Settings
from medlint.findings import Finding

# Checks that need more than the page (a root-relative link needs the repository's files).
# The CLI passes ones that look at the disk; tests pass fakes. Each returns findings for `doc`.
ExtraCheck = Callable[[Document], list[Finding]]


class FixFiles(LocalFiles):
    """The repository as a fix run sees it: listings for the run, anchors while unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self._stamped: dict[str, tuple[tuple[int, ...], frozenset[str] | None]] = {}

    def anchors(self, path: str) -> frozenset[str] | None:
        key = os.path.normpath(path)
        try:
            st = os.stat(key)
        except OSError:
            return None
        # A rewrite gives a new inode (the writer renames a new file in), new times or size.
        stamp = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        known = self._stamped.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
        found = _read_anchors(key)
        self._stamped[key] = (stamp, found)
        return found


def disk_checks(settings: Settings) -> list[ExtraCheck]:
    """The checks that look at the disk around a page, for fixing pages that live on disk.

    One list serves any number of pages of one run (see the module's docstring).
    """
    from medlint.checks.broken_link import RedirectedLink, cached_redirects_check

    checks: list[ExtraCheck] = []
    rule = settings.rule(RelativeLink.name)
    if rule is not None:
        checks.append(disk_check(rule, FixFiles()))
    moved = settings.rule(RedirectedLink.name)
    if moved is not None and settings.link_cache is not None:
        redirects = cached_redirects_check(moved, settings.link_cache)
        if redirects is not None:
            checks.append(redirects)
    return checks


# A fix run's token: (pid of the process that started it, a number). A worker process keeps
# the checks of the run it is working for, so it never reuses another run's view of the disk
# (a forked worker inherits whatever its parent had).
RunToken = tuple[int, int]
RUNS = itertools.count()
_CURRENT: tuple[RunToken, list[ExtraCheck]] | None = None


def new_run() -> RunToken:
    return os.getpid(), next(RUNS)


def checks_for(run: RunToken, settings: Settings) -> list[ExtraCheck]:
    """The run's disk checks in this process: built for its first page, then reused."""
    global _CURRENT
    if _CURRENT is None or _CURRENT[0] != run:
        _CURRENT = (run, disk_checks(settings))
    return _CURRENT[1]
