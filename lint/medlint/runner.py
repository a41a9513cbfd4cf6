"""One whole `check` run: discover, lint every file, the run-wide link phase, suppressions.

Kept apart from the CLI so tests, the fixer and the benchmarks drive exactly what users run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from medlint import __version__
from medlint.config import Config
from medlint.discovery import Discovered, discover
from medlint.engine import FileResult, Settings, finalize, lint_file
from medlint.findings import Finding
from medlint.reporters.base import PageInfo, Report


@dataclass(slots=True)
class RunOptions:
    offline: bool = False
    statistics: bool = False
    no_cache: bool = False
    allow_private: tuple[str, ...] = ()
    progress: Callable[[int, int], None] | None = None


@dataclass(slots=True)
class RunResult:
    findings: list[Finding]
    files: int
    pages: list[PageInfo] = field(default_factory=list)
    unchecked_links: int = 0
    unchecked_reason: str | None = None


def collect(paths: list[Path], cwd: Path, config: Config, config_root: Path) -> list[Discovered]:
    return list(
        discover(
            paths,
            cwd,
            exclude=[*config.exclude, *config.extend_exclude],
            config_root=config_root,
            respect_gitignore=config.respect_gitignore,
        )
    )


def page_info(result: FileResult) -> PageInfo:
    doc = result.document
    if doc is None:
        return PageInfo(result.path)
    meta = doc.meta
    from medlint.review import review_dates

    last, due = review_dates(meta)
    title = meta.get("title")
    source = meta.get("source")
    return PageInfo(
        result.path,
        title=title if isinstance(title, str) else None,
        source=source if isinstance(source, str) else None,
        last_reviewed=last,
        review_due=due,
    )


def run_check(
    items: list[Discovered], settings: Settings, config: Config, options: RunOptions
) -> RunResult:
    results: list[FileResult] = []
    total = len(items)
    for i, item in enumerate(items, 1):
        results.append(lint_file(item, settings, keep_document=True))
        if options.progress is not None:
            options.progress(i, total)
    out = RunResult(findings=[], files=len(items))
    from medlint.linkphase import link_phase

    link_phase(results, settings, config, options, out)
    for result in results:
        out.findings.extend(finalize(result, settings))
        out.pages.append(page_info(result))
        result.document = None
    out.findings.sort(key=Finding.sort_key)
    return out


def make_report(run: RunResult, settings: Settings, *, statistics: bool) -> Report:
    from medlint.registry import all_rules

    meta = {
        name: (cls.code, cls.summary, cls.fix, cls.severity.label)
        for name, cls in all_rules().items()
    }
    return Report(
        findings=tuple(run.findings),
        files=run.files,
        version=__version__,
        today=settings.ctx.today,
        statistics=statistics,
        unchecked_links=run.unchecked_links,
        unchecked_reason=run.unchecked_reason,
        pages=tuple(run.pages),
        rule_meta=meta,
    )


def today_default() -> dt.date:
    return dt.date.today()
