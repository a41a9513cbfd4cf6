"""Helpers for the report tests: real runs over copies of the seeds and of a generated corpus,
and hand-made findings for the cases no rule produces on demand (hostile text, gone files)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from medlint.findings import Applicability, Edit, Finding, Fix, Severity, Span
from medlint.reporters.base import PageInfo, Report
from tests.conftest import SEEDS, VALID_PAGE, invoke
from tests.reporters.corpus import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACTS = ROOT / "test-artifacts"
TODAY = "2026-11-22"
# The core's valid page, reviewed recently enough to be current on TODAY.
GOOD_PAGE = VALID_PAGE.replace("lastReviewed: '2025-12-30'", "lastReviewed: '2026-10-01'")
assert GOOD_PAGE != VALID_PAGE


@dataclass(frozen=True)
class Run:
    """One `medlint check` in `cwd` with a main output and extra reports."""

    cwd: Path
    exit_code: int
    stdout: str

    def read(self, name: str) -> str:
        return (self.cwd / name).read_text(encoding="utf-8")

    def json(self, name: str) -> object:
        return json.loads(self.read(name))


def check(cwd: Path, *args: str) -> Run:
    result = invoke(["check", "--offline", "--today", TODAY, *args], cwd=cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return Run(cwd, result.exit_code, result.output)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A working directory holding a copy of seeds/ (reports re-read the files they name)."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The 1,000-page generated corpus, checked once with every report written to out/.

    Built once per test session: under pytest-xdist the workers share it through their common
    base folder, the first one building it while holding a lock.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    cwd, done = base / "report-corpus", base / "report-corpus.json"
    with (base / "report-corpus.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            generate(cwd / "corpus", 1000, today=dt.date.fromisoformat(TODAY))
            formats = ["json", "sarif", "junit", "gitlab", "markdown", "html"]
            args = [a for fmt in formats for a in ("--report", f"{fmt}=out/report.{fmt}")]
            run = check(cwd, "corpus", "--statistics", *args)
            done.write_text(json.dumps([run.exit_code, run.stdout]), encoding="utf-8")
    exit_code, stdout = json.loads(done.read_text(encoding="utf-8"))
    return Run(cwd, exit_code, stdout)


def span(line: int = 1, column: int = 1, end_column: int = 2, start: int = 0) -> Span:
    return Span(
        start=start,
        end=start + end_column - column,
        line=line,
        column=column,
        end_line=line,
        end_column=end_column,
    )


def finding(
    path: str = "page.md",
    message: str = "something is wrong",
    *,
    code: str = "ML101",
    rule: str = "mojibake",
    severity: Severity = Severity.ERROR,
    line: int = 1,
    fix: Fix | None = None,
    help: str | None = None,
) -> Finding:
    return Finding(
        path=path,
        code=code,
        rule=rule,
        severity=severity,
        span=span(line),
        message=message,
        fix=fix,
        help=help,
    )


def safe_fix(start: int, end: int, replacement: str) -> Fix:
    edit = Edit(start=start, end=end, replacement=replacement)
    return Fix(title="replace it", edits=(edit,), applicability=Applicability.SAFE)


def report(
    *findings: Finding,
    pages: tuple[PageInfo, ...] = (),
    statistics: bool = False,
    files: int | None = None,
) -> Report:
    paths = {f.path for f in findings} | {p.path for p in pages}
    return Report(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        files=len(paths) if files is None else files,
        version="0.0-test",
        today=dt.date.fromisoformat(TODAY),
        statistics=statistics,
        pages=pages,
    )


# Text a hostile page could put into a finding: markup, script, a URL scheme, command syntax of
# the CI formats, control characters and the JavaScript line separators.
HOSTILE = (
    "</script><script>document.title='pwned'</script><img src=x onerror=alert(1)>"
    " [click](javascript:alert(1)) | cell | ::error::x %0A \r\n::warning::y \x00\x1b[31m"
    " \u2028\u2029 ]]> & &amp; $x$"
)
