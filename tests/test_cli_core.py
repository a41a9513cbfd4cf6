"""The `check` command: output contract, exit codes, selection, config, as users run it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEEDS, VALID_PAGE, invoke, run_medlint


def _page(tmp_path: Path, name: str = "page.md", text: str = VALID_PAGE) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_page_exits_0_with_clean_summary(tmp_path: Path) -> None:
    _page(tmp_path)
    result = invoke(["check", "--offline", "page.md"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output == "All checks passed: 1 file, no findings.\n"


def test_json_contract_on_seeds(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = invoke(["check", "--offline", "--format", "json", "seeds/"], cwd=tmp_path)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"version", "findings", "summary"}
    assert data["summary"]["files"] == 2
    assert data["summary"]["findings"] == len(data["findings"])
    keys = {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "rule",
        "severity",
        "message",
        "fix",
    }
    for f in data["findings"]:
        assert set(f) == keys
        assert f["path"].startswith("seeds/")
        assert f["line"] >= 1 and f["column"] >= 1
        assert f["severity"] in ("error", "warning", "info")
        assert f["fix"] is None or set(f["fix"]) == {"applicability", "title"}
    rules = {(f["path"], f["rule"]) for f in data["findings"]}
    assert ("seeds/lbbc-ado-trastuzumab-emtansine.md", "missing-frontmatter") in rules


def test_fail_on_warning_and_info(tmp_path: Path) -> None:
    _page(
        tmp_path,
        text=VALID_PAGE + "\n<!-- medlint-disable-next-line invalid-frontmatter -->\nText.\n",
    )
    assert invoke(["check", "--offline", "page.md"], cwd=tmp_path).exit_code == 0
    warn = invoke(["check", "--offline", "--fail-on", "warning", "page.md"], cwd=tmp_path)
    assert warn.exit_code == 1
    assert "unused-suppression" in warn.output


def test_select_and_ignore_by_name_and_code(tmp_path: Path) -> None:
    _page(tmp_path, text="no frontmatter\n")
    only = invoke(["check", "--offline", "--select", "ML001", "page.md"], cwd=tmp_path)
    assert "missing-frontmatter" in only.output and only.exit_code == 1
    ignored = invoke(
        ["check", "--offline", "--ignore", "missing-frontmatter,ML001", "page.md"], cwd=tmp_path
    )
    assert "missing-frontmatter" not in ignored.output


def test_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    _page(tmp_path)
    result = invoke(["check", "--select", "nonsense", "page.md"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown rule `nonsense`" in result.output


def test_config_unknown_key_names_the_key_path(tmp_path: Path) -> None:
    _page(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.medlint.links]\ntimout = 3\n")
    result = invoke(["check", "page.md"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown key `tool.medlint.links.timout`" in result.output


def test_config_found_upward_and_ignore_applies(tmp_path: Path) -> None:
    (tmp_path / "medlint.toml").write_text('ignore = ["missing-frontmatter"]\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    _page(sub, text="no frontmatter\n")
    result = invoke(["check", "--offline", "page.md"], cwd=sub)
    assert result.exit_code == 0, result.output


def test_per_file_ignores_and_exclude(tmp_path: Path) -> None:
    (tmp_path / "medlint.toml").write_text(
        'exclude = ["drafts/"]\n[per-file-ignores]\n"legacy/*.md" = ["missing-frontmatter"]\n'
    )
    for folder in ("drafts", "legacy", "live"):
        (tmp_path / folder).mkdir()
        _page(tmp_path / folder, text="no frontmatter\n")
    result = invoke(["check", "--offline", "--format", "json", "."], cwd=tmp_path)
    paths = {f["path"] for f in json.loads(result.output)["findings"]}
    assert paths == {"live/page.md"}


def test_gitignore_is_honoured_but_explicit_files_are_always_checked(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("scraped/\n")
    (tmp_path / "scraped").mkdir()
    _page(tmp_path / "scraped", text="no frontmatter\n")
    walked = invoke(["check", "--offline", "."], cwd=tmp_path)
    assert walked.exit_code == 0 and "0 files" in walked.output
    named = invoke(["check", "--offline", "scraped/page.md"], cwd=tmp_path)
    assert named.exit_code == 1


def test_rule_options_and_severity_from_config(tmp_path: Path) -> None:
    (tmp_path / "medlint.toml").write_text('[rules.missing-frontmatter]\nseverity = "warning"\n')
    _page(tmp_path, text="no frontmatter\n")
    result = invoke(["check", "--offline", "page.md"], cwd=tmp_path)
    assert result.exit_code == 0
    assert "(warning)" in result.output
    (tmp_path / "medlint.toml").write_text("[rules.missing-frontmatter]\nbogus = 1\n")
    bad = invoke(["check", "--offline", "page.md"], cwd=tmp_path)
    assert bad.exit_code == 2
    assert "rules.missing-frontmatter.bogus" in bad.output


def test_today_flag_env_and_bad_date(tmp_path: Path) -> None:
    _page(tmp_path)
    bad = invoke(["check", "--offline", "--today", "2026-02-30", "page.md"], cwd=tmp_path)
    assert bad.exit_code == 2
    assert "not a date" in bad.output


def test_rules_and_rule_commands() -> None:
    listing = invoke(["rules"])
    assert listing.exit_code == 0
    assert "ML001" in listing.output and "missing-frontmatter" in listing.output
    rows = json.loads(invoke(["rules", "--format", "json"]).output)
    assert {"code", "name", "fix", "severity", "summary"} <= set(rows[0])
    explained = invoke(["rule", "invalid-frontmatter"])
    for heading in ("## What it does", "## Why it matters", "## Example", "## Fix"):
        assert heading in explained.output
    assert invoke(["rule", "nope"]).exit_code == 2


def test_schema_command_matches_shipped_schema(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[1] / "schemas" / "frontmatter.schema.json"
    printed = invoke(["schema"], cwd=tmp_path)
    assert printed.exit_code == 0
    assert json.loads(printed.output) == json.loads(shipped.read_text()), (
        "schemas/frontmatter.schema.json is stale: run `medlint schema > "
        "schemas/frontmatter.schema.json` from a folder without medlint config"
    )


def test_installed_program_and_module_entry_point(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    for module in (False, True):
        proc = run_medlint(["check", "--offline", "seeds/"], tmp_path, module=module)
        assert proc.returncode == 1, proc.stderr
        assert (
            "seeds/lbbc-ado-trastuzumab-emtansine.md:1:1: ML001 [missing-frontmatter]"
            in proc.stdout
        )
        assert proc.stderr == ""


@pytest.mark.parametrize("args", [["check", "--format", "nope"], ["frobnicate"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert invoke(args).exit_code == 2
