"""Shared helpers of the robustness suite: settings, subprocess runs, users, hostile servers.

Everything runs the real program: `python -m medlint` in a subprocess where a crash (a signal,
a traceback) must be observable without taking pytest down with it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import settings

import tests.robust.conftest  # noqa: F401  (registers the suite's Hypothesis profiles)

TODAY = "2026-11-22"
# A hang guard for subprocesses, not a performance assertion: far above any honest run.
HANG_GUARD = 300.0


def robust_settings(examples: int) -> settings:
    """The suite's profile with `examples` examples (times MEDLINT_ROBUST_SCALE)."""
    explore = os.environ.get("MEDLINT_ROBUST_PROFILE") == "explore"
    parent = settings.get_profile("medlint-robust-explore" if explore else "medlint-robust")
    scale = float(os.environ.get("MEDLINT_ROBUST_SCALE", "1"))
    return settings(parent, max_examples=max(1, int(examples * scale)))


def medlint_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDLINT_")}
    env.update(MEDLINT_TODAY=TODAY, NO_COLOR="1", PYTHONFAULTHANDLER="1")
    env.update(extra)
    return env


def run_medlint(
    args: Sequence[str],
    cwd: Path,
    *,
    prefix: Sequence[str] = (),
    timeout: float = HANG_GUARD,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m medlint ARGS` in `cwd`, as a user runs it (optionally as another user)."""
    cmd = [*(prefix or [sys.executable]), "-m", "medlint", *args]
    return subprocess.run(
        cmd,
        cwd=cwd,
        env=env or medlint_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def json_findings(proc: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    """The findings of a `--format json` run that must have exited normally (0 or 1)."""
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-3000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    data = json.loads(proc.stdout)
    findings = data["findings"]
    assert isinstance(findings, list)
    return findings


def as_nobody() -> list[str]:
    """Command prefix running this Python as `nobody`: permissions mean nothing to root."""
    if os.geteuid() != 0:
        return [sys.executable]
    if not shutil.which("setpriv"):
        pytest.skip("needs setpriv (util-linux) to drop root")
    prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable]
    probe = subprocess.run([*prefix, "-c", "import medlint.cli"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("`nobody` cannot run this Python (.ci/run grants traverse on /root)")
    return prefix


def shared_dir(name: str) -> Path:
    """A fresh world-traversable folder under /tmp (pytest's tmp_path is 0700, root-only)."""
    top = Path("/tmp") / f"medlint-robust-{name}-{os.getpid()}"
    shutil.rmtree(top, ignore_errors=True)
    top.mkdir(parents=True)
    top.chmod(0o777)
    return top
