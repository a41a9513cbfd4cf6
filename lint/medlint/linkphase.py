"""The run-wide link phase: links that need other files or the network to judge.

Document-scope rules judge what one page shows alone. Here every link of the run is collected
once, so each distinct URL is checked once and the result is mapped back to every place it
appears. The content-rules and link-checker modules plug in below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medlint.config import Config
    from medlint.engine import FileResult, Settings
    from medlint.runmemo import Observed
    from medlint.runner import RunOptions, RunResult


def link_phase(
    results: list[FileResult],
    settings: Settings,
    config: Config,
    options: RunOptions,
    out: RunResult,
) -> Observed:
    """Add run-scope findings to each FileResult (before suppressions are applied).

    Returns what the local part read from the disk besides the pages, for the run memo."""
    # Local part (content rules): links to files and anchors of the repository, no network.
    from medlint.checks.relative_link import run_phase as local_links

    observed = local_links(results, settings)
    # Remote part: each distinct http(s) URL of the run checked once over the network.
    from medlint.checks.broken_link import run_phase as remote_links

    remote_links(results, settings, config, options, out)
    return observed
