"""`--format`, `--output` and `--report FORMAT=PATH`: several reports from one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medlint.cli import FORMATS
from tests.conftest import run_medlint
from tests.reporters.conftest import TODAY, check


def test_several_reports_from_one_run_leave_the_exit_code_alone(seeds: Path) -> None:
    plain = check(seeds, "seeds")
    args = [a for fmt in FORMATS for a in ("--report", f"{fmt}=reports/{fmt}.out")]
    run = check(seeds, "seeds", "--format", "json", *args)
    assert run.exit_code == plain.exit_code == 1
    findings = json.loads(run.stdout)["findings"]
    for fmt in FORMATS:
        assert (seeds / "reports" / f"{fmt}.out").stat().st_size > 0, fmt
    assert json.loads(run.read("reports/json.out")) == json.loads(run.stdout)
    sarif = run.json("reports/sarif.out")
    assert len(sarif["runs"][0]["results"]) == len(findings)
    assert run.read("reports/text.out") == plain.stdout, "a text file report has no colour"


def test_output_writes_the_main_report_to_a_new_folder(seeds: Path) -> None:
    run = check(seeds, "seeds", "--format", "markdown", "--output", "deep/er/summary.md")
    assert run.stdout == ""
    assert run.read("deep/er/summary.md").startswith("## ❌ medlint:")


def test_the_installed_program_writes_reports(seeds: Path) -> None:
    done = run_medlint(
        [
            "check",
            "--offline",
            "--today",
            TODAY,
            "seeds",
            "--format",
            "github",
            "--report",
            "sarif=out.sarif",
            "--report",
            "markdown=summary.md",
        ],
        cwd=seeds,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=seeds/")
    assert (seeds / "out.sarif").is_file() and (seeds / "summary.md").is_file()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sarif", "is not FORMAT=PATH"),
        ("sarif=", "is not FORMAT=PATH"),
        ("pdf=out.pdf", "unknown format `pdf`"),
    ],
)
def test_bad_report_values_are_usage_errors(seeds: Path, value: str, message: str) -> None:
    run = check(seeds, "seeds", "--report", value)
    assert run.exit_code == 2
    assert message in run.stdout
    assert "Traceback" not in run.stdout


def test_an_unwritable_report_is_an_error_but_the_others_are_written(seeds: Path) -> None:
    (seeds / "blocker").write_text("a file, not a folder", encoding="utf-8")
    run = check(seeds, "seeds", "--report", "json=blocker/out.json", "--report", "markdown=ok.md")
    assert run.exit_code == 2
    assert "cannot write json report to blocker/out.json" in run.stdout
    assert (seeds / "ok.md").is_file()


def test_html_links_are_relative_to_where_the_report_is_written(seeds: Path) -> None:
    check(seeds, "seeds", "--report", "html=here.html", "--report", "html=a/b/there.html")
    here = (seeds / "here.html").read_text(encoding="utf-8")
    there = (seeds / "a" / "b" / "there.html").read_text(encoding="utf-8")
    assert '"seeds/nci-ado-trastuzumab-emtansine.md"' in here
    assert '"../../seeds/nci-ado-trastuzumab-emtansine.md"' in there
