"""User regexes cannot hang a run: linear-time patterns, or a clear refusal at load.

Rule packs (placeholder and boilerplate patterns) and the link `exclude` setting hold patterns
written by editors and other teams, run against pages and URLs written by strangers. Patterns
that make a backtracking engine take exponential time run in linear time (RE2); patterns RE2
cannot express (backreferences, lookaround, atomic groups) are refused when the pack or config
is loaded, with a message naming the file and the key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import invoke
from tests.robust.helpers import json_findings, run_medlint

# Each takes exponential (or high polynomial) time in Python's `re` on the text below.
CATASTROPHIC = (
    "(a+)+$",
    "(a|a)*b",
    "(a|aa)+$",
    "(x+x+)+y",
    "^(([a-z])+.)+[A-Z]([a-z])+$",
    "(.*a){12}$",
    "(\\w+\\s?)+$",
)
EVIL_TEXT = "a" * 30_000 + "!" + " x" * 10_000 + "!"

REFUSED = (
    "(a)\\1",
    "(?P<n>a)(?P=n)",
    "(?=x)y",
    "(?!x)y",
    "(?<=x)y",
    "(?<!x)y",
    "(?>a+)b",
    "a++b",
    "[unclosed",
    "((a{1000}){1000}){1000}",
)


@pytest.mark.parametrize("kind", ["placeholders", "boilerplate"])
@pytest.mark.parametrize("pattern", REFUSED)
def test_pattern_refused_at_load_names_pack_and_key(
    tmp_path: Path, kind: str, pattern: str
) -> None:
    (tmp_path / "medlint.toml").write_text('rule-packs = ["team.yaml"]\n', encoding="utf-8")
    pack = f"{kind}:\n  patterns:\n    - 'fine'\n    - '{pattern}'\n"
    (tmp_path / "team.yaml").write_text(pack, encoding="utf-8")
    (tmp_path / "a.md").write_text("# a\n", encoding="utf-8")
    result = invoke(["check", "--offline", "--no-cache", "a.md"], cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert f"team.yaml: `{kind}.patterns[1]` `{pattern}`:" in result.output, result.output


def test_catastrophic_patterns_run_in_linear_time(tmp_path: Path) -> None:
    """Under the hang guard: Python's `re` would need longer than the universe's age."""
    (tmp_path / "medlint.toml").write_text('rule-packs = ["team.yaml"]\n', encoding="utf-8")
    lines = "".join(f"    - '{p}'\n" for p in CATASTROPHIC)
    pack = f"placeholders:\n  patterns:\n{lines}boilerplate:\n  patterns:\n{lines}"
    (tmp_path / "team.yaml").write_text(pack, encoding="utf-8")
    for i in range(3):
        (tmp_path / f"p{i}.md").write_text(f"# Page\n\n{EVIL_TEXT}\n\n{EVIL_TEXT}b\n", "utf-8")
    proc = run_medlint(["check", "--offline", "--no-cache", "--format", "json", "."], tmp_path)
    findings = json_findings(proc)
    assert {f["rule"] for f in findings} >= {"missing-frontmatter", "placeholder"}
    assert not [f for f in findings if f["rule"] == "internal-error"]


def test_link_exclude_patterns_cannot_hang_the_link_phase(tmp_path: Path) -> None:
    """A catastrophic `exclude` meets a long URL from a page: linear time, still excluded."""
    excludes = ", ".join(f"'{p}'" for p in (*CATASTROPHIC, "^https?://excluded\\.example/"))
    (tmp_path / "medlint.toml").write_text(f"[links]\nexclude = [{excludes}]\n", "utf-8")
    url = "https://excluded.example/" + "a" * 20_000 + "!"
    (tmp_path / "a.md").write_text(f"# A\n\n<{url}>\n", encoding="utf-8")
    proc = run_medlint(["check", "--no-cache", "--format", "json", "a.md"], tmp_path)
    findings = json_findings(proc)
    assert not [f for f in findings if f["rule"] in ("broken-link", "internal-error")]


@pytest.mark.parametrize("pattern", ["(a)\\1", "(?<=x)y"])
def test_link_exclude_pattern_refused_at_load(tmp_path: Path, pattern: str) -> None:
    (tmp_path / "medlint.toml").write_text(f"[links]\nexclude = ['{pattern}']\n", "utf-8")
    (tmp_path / "a.md").write_text("# A\n\n<https://www.cancer.gov/x>\n", encoding="utf-8")
    proc = run_medlint(["check", "--no-cache", "a.md"], tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert f"link exclude pattern '{pattern}'" in proc.stderr.replace("\\\\", "\\")
