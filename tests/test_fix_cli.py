"""`medlint fix` as users run it: the seeds' done criteria, --diff, --check, selection, summary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SEEDS, VALID_PAGE, invoke, run_medlint


def _seeds(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path / "seeds"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_unsafe_diff_on_the_seeds_shows_every_promised_fix_and_writes_nothing(
    tmp_path: Path,
) -> None:
    seeds = _seeds(tmp_path)
    before = _snapshot(seeds)
    result = run_medlint(["fix", "--unsafe-fixes", "--diff", "seeds/"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    diff = result.stdout
    assert (
        "+Ado-trastuzumab emtansine is a type of targeted therapy drug called an antibody–drug"
        in diff
    )
    assert "-Placeholder slot\n" in diff
    removed = [
        line for line in diff.splitlines() if line.startswith("-") and "/Common/PopUps/" in line
    ]
    assert removed and all("](/Common/PopUps/" in line for line in removed)
    added = [
        line for line in diff.splitlines() if line.startswith("+") and "/Common/PopUps/" in line
    ]
    assert added and all("](/Common/" not in line for line in added)
    assert diff.count("](https://www.cancer.gov/Common/PopUps/popDefinition.aspx?id=") == 9
    assert "+title: Ado-trastuzumab emtansine\n" in diff
    assert "+reviewedBy:\n+- Ilana Schlam, MD, MPH\n" in diff
    assert "-- Medical Review: Ilana Schlam, MD, MPH\n" in diff
    assert "Would fix" in result.stderr
    assert _snapshot(seeds) == before


def test_fixing_the_seeds_for_real_leaves_only_what_a_person_must_decide(tmp_path: Path) -> None:
    _seeds(tmp_path)
    result = invoke(["fix", "--unsafe-fixes", "seeds/"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert "Fixed 14 findings in 2 files; 14 remain." in result.output
    check = invoke(["check", "--offline", "--format", "json", "seeds/"], cwd=tmp_path)
    rules = sorted({f["rule"] for f in json.loads(check.output)["findings"]})
    # Unknown metadata (url, source, license, …), who reviewed the NCI page, and whether the
    # NCI page is really about liver cancer: decisions for a person, not for a fixer.
    assert rules == ["cancer-type-unmentioned", "frontmatter-schema", "missing-reviewer"]
    again = invoke(["fix", "--unsafe-fixes", "--check", "seeds/"], cwd=tmp_path)
    assert "Would fix 0 findings in 0 files" in again.output


def test_safe_by_default_and_the_summary_counts_unsafe_leftovers(tmp_path: Path) -> None:
    _seeds(tmp_path)
    result = invoke(["fix", "seeds/"], cwd=tmp_path)
    assert "Fixed 10 findings in 1 file; " in result.output
    assert "fixable with --unsafe-fixes)" in result.output
    text = (tmp_path / "seeds" / "nci-ado-trastuzumab-emtansine.md").read_text(encoding="utf-8")
    assert "antibody–drug" in text and "Placeholder slot" in text


def test_check_mode_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    before = _snapshot(seeds)
    result = invoke(["fix", "--check", "--select", "mojibake", "seeds/"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "Would fix 1 finding in 1 file; 0 remain." in result.output
    assert _snapshot(seeds) == before


def test_select_and_ignore_limit_what_is_fixed(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    invoke(["fix", "--ignore", "relative-link", "seeds/"], cwd=tmp_path)
    text = (seeds / "nci-ado-trastuzumab-emtansine.md").read_text(encoding="utf-8")
    assert "antibody–drug" in text and "](/Common/PopUps/" in text


def test_clean_page_is_left_alone_with_its_mtime(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(VALID_PAGE, encoding="utf-8")
    mtime = page.stat().st_mtime_ns
    result = invoke(["fix", "--unsafe-fixes", "page.md"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output == "Fixed 0 findings in 0 files; 0 remain.\n"
    assert page.stat().st_mtime_ns == mtime
    check = invoke(["fix", "--check", "page.md"], cwd=tmp_path)
    assert check.exit_code == 0


def test_unreadable_file_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "latin1.md").write_bytes(b"caf\xe9\n")
    result = invoke(["fix", "latin1.md"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "unreadable-file" in result.output
    assert (tmp_path / "latin1.md").read_bytes() == b"caf\xe9\n"


def test_symlinked_page_is_fixed_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("---\ntitle: T\n---\n\ncafÃ©\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to("real.md")
    result = invoke(["fix", "--select", "mojibake", "link.md"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link.md").is_symlink()
    assert real.read_text(encoding="utf-8").endswith("café\n")


def test_no_progress_bar_when_not_on_a_terminal(tmp_path: Path) -> None:
    for i in range(310):
        (tmp_path / f"p{i:03d}.md").write_text(VALID_PAGE, encoding="utf-8")
    result = invoke(["fix", "--select", "mojibake", "."], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.output == "Fixed 0 findings in 0 files; 0 remain.\n"


def test_worker_processes_fix_exactly_what_one_process_fixes(tmp_path: Path) -> None:
    from medlint.parallel import PARALLEL_THRESHOLD

    outputs = []
    for jobs in ("1", "2"):
        folder = tmp_path / f"j{jobs}"
        folder.mkdir()
        for i in range(PARALLEL_THRESHOLD + 10):
            text = VALID_PAGE.replace("targeted therapy", f"targeted therapy nº{i} â€” cafÃ©")
            (folder / f"p{i:03d}.md").write_text(text, encoding="utf-8")
        result = invoke(["fix", "-j", jobs, "."], cwd=folder)
        assert result.exit_code == 0, result.output
        outputs.append((result.output, _snapshot(folder)))
    assert outputs[0] == outputs[1]
    assert (
        outputs[0][0] == f"Fixed {2 * (PARALLEL_THRESHOLD + 10)} findings in "
        f"{PARALLEL_THRESHOLD + 10} files; 0 remain.\n"
    )
