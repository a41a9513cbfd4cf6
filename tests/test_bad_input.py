"""Hostile and broken input: a finding or one clear line per file, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import invoke

CASES: dict[str, bytes] = {
    "broken-yaml.md": b"---\ntitle: [unclosed\n---\n# x\n",
    "binary.md": bytes(range(256)) * 8,
    "latin1.md": "caf\u00e9 au lait\n".encode("latin-1"),
    "nesting.md": b"---\nx: " + b"[" * 100_000 + b"]" * 100_000 + b"\n---\n",
    "alias-bomb.md": (
        b"---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode()
            for i in range(8)
        )
        + b"---\n"
    ),
    "python-tag.md": b"---\nx: !!python/object/apply:os.system ['touch PWNED']\n---\n",
    "duplicate-key.md": b"---\ntitle: a\ntitle: b\n---\n",
    "list-frontmatter.md": b"---\n- a\n- b\n---\n",
    "unterminated.md": b"---\ntitle: a\n",
    "brackets.md": b"[" * 100_000 + b"\n" + b"*a" * 50_000 + b"\n" + b"`" * 50_000 + b"\n",
    "many-keys.md": b"---\n" + b"".join(b"k%d: v\n" % i for i in range(200_000)) + b"---\n",
}

EXPECTED_RULE = {
    "broken-yaml.md": ("invalid-frontmatter", 3),
    "binary.md": ("unreadable-file", 1),
    "latin1.md": ("unreadable-file", 1),
    "nesting.md": ("invalid-frontmatter", 2),
    "alias-bomb.md": ("invalid-frontmatter", 3),
    "python-tag.md": ("invalid-frontmatter", 2),
    "duplicate-key.md": ("invalid-frontmatter", 3),
    "list-frontmatter.md": ("invalid-frontmatter", 2),
    "unterminated.md": ("invalid-frontmatter", 1),
    "many-keys.md": ("invalid-frontmatter", 1),
}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    for name, data in CASES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "huge.md").write_bytes(b"x" * (50 * 1024 * 1024 + 1))
    return tmp_path


def test_each_bad_file_gets_a_finding_and_the_run_goes_on(hostile: Path) -> None:
    result = invoke(["check", "--offline", "--format", "json", "."], cwd=hostile)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    findings = json.loads(result.output)["findings"]
    by_path: dict[str, set[tuple[str, int]]] = {}
    for f in findings:
        by_path.setdefault(f["path"], set()).add((f["rule"], f["line"]))
    for name, expected in EXPECTED_RULE.items():
        assert expected in by_path[name], (name, by_path.get(name))
    assert ("unreadable-file", 1) in by_path["huge.md"]
    assert "brackets.md" in by_path  # parsed in bounded time: it just lacks frontmatter
    assert not (hostile / "PWNED").exists()


def test_python_tag_never_executes(tmp_path: Path) -> None:
    sentinel = tmp_path / "sentinel"
    page = tmp_path / "p.md"
    page.write_text(f"---\nx: !!python/object/apply:os.system ['touch {sentinel}']\n---\n")
    result = invoke(["check", "--offline", "p.md"], cwd=tmp_path)
    assert "YAML tag `!!python/object/apply:os.system` is not allowed" in result.output
    assert not sentinel.exists()


def test_subprocess_prints_no_traceback(hostile: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "medlint", "check", "--offline", "."],
        cwd=hostile,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout


def _as_nobody() -> list[str]:
    """Command prefix that runs Python as `nobody` (permissions mean nothing to root)."""
    if os.geteuid() != 0:
        return [sys.executable]
    prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable]
    if not shutil.which("setpriv"):
        pytest.skip("needs setpriv (util-linux) to drop root")
    probe = subprocess.run([*prefix, "-c", "import medlint.cli"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("`nobody` cannot run this Python (.ci/run grants traverse on /root)")
    return prefix


def test_unreadable_folder_is_reported_and_run_continues(tmp_path: Path) -> None:
    prefix = _as_nobody()
    top = Path("/tmp") / f"medlint-perm-{os.getpid()}"
    shutil.rmtree(top, ignore_errors=True)
    (top / "locked").mkdir(parents=True)
    (top / "locked" / "a.md").write_text("x\n")
    (top / "open.md").write_text("no frontmatter\n")
    (top / "secret.md").write_text("no frontmatter\n")
    try:
        top.chmod(0o777)
        (top / "locked").chmod(0o000)
        (top / "secret.md").chmod(0o000)
        args = ["check", "--offline", "--no-cache", "--format", "json", "."]
        cmd = [*prefix, "-m", "medlint", *args]
        env = {**os.environ, "HOME": str(top)}
        proc = subprocess.run(cmd, cwd=top, capture_output=True, text=True, timeout=120, env=env)
        assert "Traceback" not in proc.stderr
        found = {(f["path"], f["rule"]) for f in json.loads(proc.stdout)["findings"]}
        assert ("locked", "unreadable-file") in found
        assert ("secret.md", "unreadable-file") in found
        assert ("open.md", "missing-frontmatter") in found
    finally:
        (top / "locked").chmod(0o755)
        shutil.rmtree(top, ignore_errors=True)
