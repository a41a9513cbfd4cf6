"""Shared test helpers: run the CLI in-process (click's runner) and as the installed program."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
TODAY = "2026-01-15"


def invoke(args: Sequence[str], cwd: Path | None = None) -> Result:
    """Run `medlint ARGS` in-process, in `cwd`, with a fixed date."""
    from medlint.cli import main

    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), env={"MEDLINT_TODAY": TODAY, "NO_COLOR": "1"})
    finally:
        os.chdir(old)


def run_medlint(
    args: Sequence[str], cwd: Path, *, module: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the installed `medlint` program (or `python -m medlint`) as a user would."""
    env = {**os.environ, "MEDLINT_TODAY": TODAY, "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "medlint", *args] if module else ["medlint", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


VALID_PAGE = """\
---
audienceLevel: patient
cancerTypes:
- breast
citation: NCI, 2025
language: en
lastReviewed: '2025-12-30'
license: public_domain
reviewFrequency: quarterly
reviewedBy:
- Ilana Schlam, MD, MPH
source: NCI
sourceType: 02_nci_core
status: active
tags:
- treatment
title: Trastuzumab
url: https://www.cancer.gov/about-cancer/treatment/drugs/trastuzumab
version: v1
---

# Trastuzumab

Trastuzumab is a targeted therapy for HER2-positive breast cancer.
See [the NCI page](https://www.cancer.gov/about-cancer/treatment/drugs/trastuzumab).
"""


@pytest.fixture
def valid_page() -> str:
    return VALID_PAGE


# A program that runs the CLI on its arguments and then prints, on stderr, every module it
# imported: what the startup tests hold the one-page and warm paths to.
MODULES_PROBE = """
import json, sys
from medlint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("MODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def probe_run(
    args: Sequence[str], cwd: Path, probe: str = MODULES_PROBE, key: str = "MODULES"
) -> tuple[str, object]:
    """Run `probe` (a script that drives medlint and prints `KEY=<json>` to stderr, as
    MODULES_PROBE does) with `args` in `cwd`: its stdout and that JSON value."""
    env = {**os.environ, "MEDLINT_TODAY": TODAY, "NO_COLOR": "1"}
    out = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    line = next((x for x in out.stderr.splitlines() if x.startswith(f"{key}=")), None)
    assert line is not None, out.stderr
    return out.stdout, json.loads(line.removeprefix(f"{key}="))


def imported(args: Sequence[str], cwd: Path, probe: str = MODULES_PROBE) -> set[str]:
    """The top-level packages a medlint command line imported (see `probe_run`)."""
    modules = probe_run(args, cwd, probe)[1]
    assert isinstance(modules, list)
    return {m.split(".")[0] for m in modules}


def bench_generator() -> ModuleType:
    """bench/corpus.py, the benchmark's deterministic corpus generator (not a package)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
