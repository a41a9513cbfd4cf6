"""A built wheel carries every subpackage and every data file (rule packs, schemas, assets)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_every_subpackage_and_data_file(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("medlint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for source, package in [
        (ROOT / "lint" / "medlint", "medlint"),
        (ROOT / "rules", "medlint/rules"),
        (ROOT / "schemas", "medlint/schemas"),
    ]:
        for path in source.rglob("*"):
            if (
                path.is_file()
                and "__pycache__" not in path.parts
                and path.suffix in (".py", ".yaml", ".json", ".typed", ".html", ".js", ".css")
            ):
                expected.add(f"{package}/{path.relative_to(source).as_posix()}")
    missing = sorted(expected - names)
    assert not missing, f"missing from the wheel: {missing}"
    assert "medlint/rules/vocabulary.yaml" in names
    assert "medlint/schemas/frontmatter.schema.json" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_data_packages_are_not_shadowed() -> None:
    """lint/medlint/rules or lint/medlint/schemas would shadow the mapped data packages."""
    assert not (ROOT / "lint" / "medlint" / "rules").exists()
    assert not (ROOT / "lint" / "medlint" / "schemas").exists()
