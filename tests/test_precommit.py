"""The pre-commit hooks other repositories use (.pre-commit-hooks.yaml), run for real.

The slow test installs medlint from a snapshot of this checkout the way pre-commit does for a
user (a git repository, `language: python`, pip install) and runs the real `pre-commit try-repo`
against a temporary content repository. Installing the hook environment takes most of its time,
so it makes one run over a bad page and a good page together and reads the outcome of each from
the output; the fast tests run the hook entries themselves on each page apart.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import click
import pytest
import yaml

from medlint.cli import main
from tests.reporters.conftest import GOOD_PAGE, TODAY

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
BAD_PAGE = GOOD_PAGE.replace("audienceLevel: patient\n", "audienceLevel: patients\n").replace(
    "Trastuzumab is", "Trastuzumab is an antibodyâ€“drug conjugate. It is"
)
# What `pip install <snapshot>` needs; everything else of the checkout stays out.
PACKAGE_FILES = ["pyproject.toml", "README.md", "LICENSE", "lint", "rules", "schemas"]


def hooks() -> dict[str, dict[str, object]]:
    data = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in data}


def env() -> dict[str, str]:
    git = {
        "GIT_AUTHOR_NAME": "medlint tests",
        "GIT_AUTHOR_EMAIL": "tests@medlint.invalid",
        "GIT_COMMITTER_NAME": "medlint tests",
        "GIT_COMMITTER_EMAIL": "tests@medlint.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return {**os.environ, **git, "MEDLINT_TODAY": TODAY, "NO_COLOR": "1"}


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env(), check=True, capture_output=True)


def test_the_manifest_is_valid_for_pre_commit() -> None:
    from pre_commit.clientlib import load_manifest

    manifest = {hook["id"]: hook for hook in load_manifest(str(HOOKS))}
    assert set(manifest) == {"medlint", "medlint-fix"}
    for hook in manifest.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["markdown"]
        assert hook["require_serial"] is True


@pytest.mark.parametrize("hook_id", ["medlint", "medlint-fix"])
def test_hook_entries_call_commands_and_options_that_exist(hook_id: str) -> None:
    program, command, *options = shlex.split(str(hooks()[hook_id]["entry"]))
    assert program == "medlint"
    cmd = main.commands[command]
    known = {opt for param in cmd.params if isinstance(param, click.Option) for opt in param.opts}
    assert set(options) <= known, set(options) - known
    assert "--offline" in options, "a commit never waits on the network"


def _entry(hook_id: str, files: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a hook's entry on files as pre-commit does: entry words, then the file names."""
    cmd = [*shlex.split(str(hooks()[hook_id]["entry"])), *files]
    return subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True, timeout=120)


def test_check_hook_fails_a_bad_page_and_passes_a_good_one(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD_PAGE, encoding="utf-8")
    (tmp_path / "bad.md").write_text(BAD_PAGE, encoding="utf-8")
    good = _entry("medlint", ["good.md"], tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _entry("medlint", ["bad.md"], tmp_path)
    assert bad.returncode == 1
    assert "bad.md:" in bad.stdout and "frontmatter-schema" in bad.stdout


def test_fix_hook_fixes_what_is_safe(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(GOOD_PAGE.replace("is a targeted", "is an antibodyâ€“drug targeted"), "utf-8")
    done = _entry("medlint-fix", ["page.md"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert page.read_text(encoding="utf-8") == GOOD_PAGE.replace(
        "is a targeted", "is an antibody–drug targeted"
    )


def _snapshot(dest: Path) -> Path:
    """This checkout's package as a one-commit git repository, as pre-commit clones a hook repo."""
    dest.mkdir()
    for name in [*PACKAGE_FILES, HOOKS.name]:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(
                src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        elif src.exists():
            shutil.copy2(src, dest / name)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=dest)
    return dest


@pytest.mark.slow
def test_pre_commit_try_repo_blocks_a_bad_page_and_lets_a_good_one_through(
    tmp_path: Path,
) -> None:
    if shutil.which("pre-commit") is None:
        pytest.fail("pre-commit is not installed (it is in the test extra)")
    repo = _snapshot(tmp_path / "medlint")
    content = tmp_path / "content"
    content.mkdir()
    git("init", "-q", cwd=content)
    (content / "good.md").write_text(GOOD_PAGE, encoding="utf-8")
    (content / "bad.md").write_text(BAD_PAGE, encoding="utf-8")
    git("add", "good.md", "bad.md", cwd=content)
    home = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    cmd = ["pre-commit", "try-repo", str(repo), "medlint", "--color", "never"]
    done = subprocess.run(
        [*cmd, "--files", "bad.md", "good.md"],
        cwd=content,
        env={**env(), **home},
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "medlint" in out and "Failed" in out
    assert "bad.md:" in out and "frontmatter-schema" in out and "mojibake" in out
    assert "good.md:" not in out, "the good page has no finding"
    assert "in 1 of 2 files" in out, "both pages were checked"
