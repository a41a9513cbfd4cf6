"""The CI recipes in docs/workflows: valid YAML, and every command they run exists as written.

Each `medlint` command line is parsed by medlint's own command-line parser (so a misspelt option,
format or `--report` value fails here), rule names must be registered or be contract names from
DESIGN.md, and the files the jobs upload are the files the commands write.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import click
import pytest
import yaml

from medlint.cli import main
from medlint.registry import lookup
from tests.reporters.conftest import ROOT

WORKFLOWS = ROOT / "docs" / "workflows"
GITHUB = WORKFLOWS / "github-actions.yml"
GITLAB = WORKFLOWS / "gitlab-ci.yml"
# Rule names DESIGN.md fixes as a contract; a recipe may name one before its rule is built.
CONTRACT_RULES = {
    "missing-frontmatter",
    "invalid-frontmatter",
    "frontmatter-schema",
    "mojibake",
    "placeholder",
    "relative-link",
    "broken-link",
    "missing-reviewer",
    "stale-review",
}
ENV = {
    "GITHUB_STEP_SUMMARY": "/tmp/summary.md",
    "BASE_REF": "main",
    "MEDLINT": "medlint",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
}


def load(path: Path) -> dict[object, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def github_scripts() -> Iterator[str]:
    jobs = load(GITHUB)["jobs"]
    assert isinstance(jobs, dict)
    for job in jobs.values():
        for step in job["steps"]:
            if "run" in step:
                yield step["run"]


def gitlab_scripts() -> Iterator[str]:
    for name, job in load(GITLAB).items():
        if isinstance(job, dict) and not str(name).startswith("variables"):
            for key in ("before_script", "script"):
                yield from job.get(key, [])


def commands(script: str, program: str) -> list[list[str]]:
    """The argument lists of every `program …` line, with variables expanded as a shell does."""
    out = []
    for line in script.replace("\\\n", " ").splitlines():
        if not line.strip():
            continue
        words = shlex.split(re.sub(r"\$\{?(\w+)\}?", lambda m: ENV.get(m.group(1), "x"), line))
        if words[:1] == [program]:
            out.append(words[1:])
        elif words[:3] == ["python", "-m", program]:
            out.append(words[3:])
    return out


def all_commands(program: str) -> list[list[str]]:
    scripts = [*github_scripts(), *gitlab_scripts()]
    return [c for script in scripts for c in commands(script, program)]


def test_workflow_files_are_yaml_of_the_expected_shape() -> None:
    github = load(GITHUB)
    triggers = github.get("on", github.get(True))  # YAML 1.1 reads a bare `on` as true
    assert isinstance(triggers, dict)
    assert {"pull_request", "push", "schedule"} <= set(triggers)
    for name, job in github["jobs"].items():
        assert job["runs-on"] == "ubuntu-latest", name
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), (name, step)
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", step["uses"]), step["uses"]
    gitlab = load(GITLAB)
    jobs = {k: v for k, v in gitlab.items() if isinstance(v, dict) and "script" in v}
    assert {"pre-commit", "medlint", "links"} <= set(jobs)
    assert all(job.get("rules") for job in jobs.values()), "every job says when it runs"


def test_every_medlint_command_parses() -> None:
    found = all_commands("medlint")
    assert len(found) >= 4
    for args in found:
        command = main.commands[args[0]]
        with click.Context(main) as parent:
            ctx = command.make_context(args[0], args[1:], parent=parent)
        for value in ctx.params.get("select", ()) + ctx.params.get("ignore", ()):
            for name in value.split(","):
                assert lookup(name) is not None or name in CONTRACT_RULES, name


@pytest.mark.parametrize("program", ["pre-commit", "pip"])
def test_every_other_command_parses(program: str) -> None:
    """`pre-commit run …` and `pip install …` as written (their own parsers, no work done)."""
    found = all_commands(program)
    assert found
    for args in found:
        if program == "pip":
            assert args[0] == "install"
            continue
        from pre_commit.main import main as pre_commit_main

        with pytest.raises(SystemExit) as exit_info:
            pre_commit_main([*args, "--help"])
        assert exit_info.value.code == 0, args


def _reports(script: str) -> dict[str, str]:
    """FORMAT -> PATH of the `--report` options of a script's medlint commands."""
    out = {}
    for args in commands(script, "medlint"):
        for flag, value in pairwise(args):
            if flag == "--report":
                fmt, _, path = value.partition("=")
                out[fmt] = path
    return out


def test_uploaded_files_are_the_files_written() -> None:
    check = load(GITHUB)["jobs"]["check"]
    (script,) = [s["run"] for s in check["steps"] if s.get("name") == "medlint check"]
    written = _reports(script)
    upload = {s["uses"].split("@")[0]: s.get("with", {}) for s in check["steps"] if "uses" in s}
    assert upload["github/codeql-action/upload-sarif"]["sarif_file"] == written["sarif"]
    assert written["html"].startswith(upload["actions/upload-artifact"]["path"])
    assert check["permissions"]["security-events"] == "write"

    medlint = load(GITLAB)["medlint"]
    written = _reports("\n".join(medlint["script"]))
    artifacts = medlint["artifacts"]
    assert artifacts["reports"]["codequality"] == written["gitlab"]
    assert artifacts["reports"]["junit"] == written["junit"]
    assert any(written["html"].startswith(p) for p in artifacts["paths"])


def test_the_documented_check_runs(tmp_path: Path) -> None:
    """The pull request check, as the GitHub recipe writes it, on a real page."""
    (tmp_path / "page.md").write_text("no frontmatter\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    args = next(c for c in all_commands("medlint") if "--format" in c and "--offline" in c)
    env = {**os.environ, "MEDLINT_TODAY": "2026-11-22"}
    args = [a.replace(ENV["GITHUB_STEP_SUMMARY"], str(summary)) for a in args]
    done = subprocess.run(["medlint", *args], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=page.md,")
    assert summary.read_text(encoding="utf-8").startswith("## ❌ medlint")
    assert (tmp_path / "medlint.sarif").is_file()
    assert (tmp_path / "medlint-report" / "index.html").is_file()
