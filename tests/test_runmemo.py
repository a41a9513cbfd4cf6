"""The run memo: a whole offline run reused only while every file and folder it read holds.

Each test makes a run whose stats are old enough to be trusted (mtimes set an hour back, as
for a corpus that was not just written), checks that the second run is answered from the memo
(no page looked up or checked), then changes one thing the outcome depends on and checks that
the next run works it out again and reports what a run without any cache reports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from medlint import cache, runmemo, runner
from medlint.cache import bucket_of
from medlint.config import load_config
from medlint.engine import build_settings
from medlint.findings import Finding
from medlint.runner import RunOptions, RunResult, collect, run_check
from tests.conftest import TODAY, VALID_PAGE

KEY = "settings of these tests"  # the CLI's is runmemo.run_key of config, flags and date
LINKING = VALID_PAGE + "\nSee [the guide](guide/intro.md#dosing) and [old](/Common/x.aspx).\n"


def _run(folder: Path, *, offline: bool = True, no_cache: bool = False) -> RunResult:
    loaded = load_config(None, folder)
    settings = build_settings(
        loaded.config, config_root=loaded.root, today=dt.date.fromisoformat(TODAY)
    )
    items = collect([folder], folder, loaded.config, loaded.root)
    options = RunOptions(
        offline=offline,
        no_cache=no_cache,
        jobs=1,
        cache_dir=folder / ".medlint_cache",
        memo_key=KEY,
    )
    return run_check(items, settings, loaded.config, options)


def _age(root: Path) -> None:
    """Set every file's and folder's mtime an hour back: stats the memo may trust."""
    old = (dt.datetime.now().timestamp() - 3600) * 10**9
    for folder, dirs, files in os.walk(root):
        for name in [*files, *dirs]:
            os.utime(os.path.join(folder, name), ns=(int(old), int(old)))
    os.utime(root, ns=(int(old), int(old)))


class Calls:
    """Counts runs that were worked out (pages looked up or checked) rather than remembered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = runner._payloads

        def counting(*args: object, **kwargs: object) -> object:
            self.count += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(runner, "_payloads", counting)

    def take(self) -> int:
        out, self.count = self.count, 0
        return out


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "intro.md").write_text(VALID_PAGE + "\n## Dosing\n", encoding="utf-8")
    (tmp_path / "page.md").write_text(LINKING, encoding="utf-8")
    (tmp_path / "todo.md").write_text(VALID_PAGE + "\nTODO: write this.\n", encoding="utf-8")
    _age(tmp_path)
    return tmp_path


def _rules(findings: list[Finding]) -> list[tuple[str, str, int]]:
    return [(f.path, f.rule, f.span.line) for f in findings]


def _fresh_equals_memo(folder: Path, calls: Calls) -> RunResult:
    """A run after a change is worked out again, and equals a run without any cache."""
    again = _run(folder)
    assert calls.take() == 1
    assert again.findings == _run(folder, no_cache=True).findings
    calls.take()
    return again


def test_second_run_is_remembered_and_identical(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    first = _run(corpus)
    assert calls.take() == 1
    second = _run(corpus)
    assert calls.take() == 0
    assert second.findings == first.findings
    assert list(second.pages) == list(first.pages)
    assert second.files == first.files == 3
    assert {"placeholder", "relative-link"} <= {f.rule for f in second.findings}


def test_a_changed_page_is_worked_out_again(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    _run(corpus)
    _run(corpus)
    calls.take()
    (corpus / "todo.md").write_text(VALID_PAGE, encoding="utf-8")
    again = _fresh_equals_memo(corpus, calls)
    assert "placeholder" not in {f.rule for f in again.findings}


def test_a_new_file_that_a_link_names_is_seen(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The link target is not a page of the run: only its folder's listing says it exists."""
    (corpus / "page.md").write_text(VALID_PAGE + "\n![chart](img/chart.png)\n", encoding="utf-8")
    (corpus / "img").mkdir()
    _age(corpus)
    calls = Calls(monkeypatch)
    before = _run(corpus)
    assert ("page.md", "relative-link", 27) in _rules(before.findings)
    _run(corpus)
    assert calls.take() == 1
    (corpus / "img" / "chart.png").write_bytes(b"\x89PNG")
    again = _fresh_equals_memo(corpus, calls)
    assert ("page.md", "relative-link", 27) not in _rules(again.findings)


def test_a_changed_heading_in_a_linked_page_is_seen(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    before = _run(corpus)
    _run(corpus)
    assert calls.take() == 1
    fragment = [f for f in before.findings if "#dosing" in f.message]
    assert not fragment
    (corpus / "guide" / "intro.md").write_text(VALID_PAGE + "\n## Doses\n", encoding="utf-8")
    again = _fresh_equals_memo(corpus, calls)
    assert any("#dosing" in f.message for f in again.findings)


def test_a_page_read_outside_the_run_for_its_anchors_is_watched(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking one folder: the page a link points into is outside the run and read for its
    headings; editing it must undo the memo."""
    loaded = load_config(None, corpus)
    settings = build_settings(
        loaded.config, config_root=loaded.root, today=dt.date.fromisoformat(TODAY)
    )
    (corpus / "docs").mkdir()
    (corpus / "docs" / "a.md").write_text(
        VALID_PAGE + "\n[intro](../guide/intro.md#dosing)\n", encoding="utf-8"
    )
    _age(corpus)
    options = RunOptions(offline=True, jobs=1, cache_dir=corpus / ".medlint_cache", memo_key=KEY)

    def run() -> RunResult:
        items = collect([corpus / "docs"], corpus, loaded.config, loaded.root)
        return run_check(items, settings, loaded.config, options)

    calls = Calls(monkeypatch)
    assert not [f for f in run().findings if f.rule == "relative-link"]
    run()
    assert calls.take() == 1
    (corpus / "guide" / "intro.md").write_text(VALID_PAGE, encoding="utf-8")
    assert [f for f in run().findings if f.rule == "relative-link"]
    assert calls.take() == 1


def test_a_new_git_folder_moves_the_root_of_root_relative_links(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/guide/intro.md` resolves against the nearest folder holding `.git`."""
    (corpus / "site").mkdir()
    (corpus / "site" / "guide").mkdir()
    (corpus / "site" / "guide" / "intro.md").write_text(VALID_PAGE, encoding="utf-8")
    (corpus / "site" / "p.md").write_text(VALID_PAGE + "\n[g](/guide/intro.md)\n", "utf-8")
    _age(corpus)
    calls = Calls(monkeypatch)
    first = _run(corpus)
    assert ("site/p.md", "relative-link", 27) not in _rules(first.findings)
    _run(corpus)
    assert calls.take() == 1
    (corpus / ".git").mkdir()  # the root is now the corpus: /guide/intro.md still exists there
    (corpus / "guide" / "intro.md").unlink()
    again = _fresh_equals_memo(corpus, calls)
    assert ("site/p.md", "relative-link", 27) in _rules(again.findings)


def test_fresh_files_leave_no_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file saved within the racy window could change without its stat changing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(VALID_PAGE, encoding="utf-8")
    calls = Calls(monkeypatch)
    _run(tmp_path)
    _run(tmp_path)
    assert calls.take() == 2
    assert not list(tmp_path.glob(".medlint_cache/runs/*.bin"))


def test_online_runs_and_no_cache_runs_do_not_use_it(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    _run(corpus, no_cache=True)
    _run(corpus, no_cache=True)
    assert calls.take() == 2
    assert not (corpus / ".medlint_cache").exists()


def test_a_damaged_memo_is_a_miss(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _run(corpus)
    (memo,) = corpus.glob(".medlint_cache/runs/*.bin")
    calls = Calls(monkeypatch)
    for damage in (b"", b"MLRC" + b"\x00" * 40, memo.read_bytes()[:-7] + b"garbage"):
        memo.write_bytes(damage)
        assert _run(corpus).findings == first.findings
        assert calls.take() == 1


def test_a_removed_page_is_not_reported_from_the_memo(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(corpus)
    (corpus / "todo.md").unlink()
    again = _run(corpus)
    assert again.files == 2
    assert all(f.path != "todo.md" for f in again.findings)


def test_only_a_few_memos_are_kept(corpus: Path) -> None:
    for i in range(runmemo.KEEP + 3):
        (corpus / f"extra{i}.md").write_text(VALID_PAGE, encoding="utf-8")
        _age(corpus)
        _run(corpus)
    assert len(list(corpus.glob(".medlint_cache/runs/*.bin"))) == runmemo.KEEP


def test_changes_above_the_working_folder_do_not_undo_it(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folders above the working folder (/tmp, a home folder) change all the time; links
    are judged below it, so those listings are never read nor watched."""
    calls = Calls(monkeypatch)
    _run(corpus)
    (corpus.parent / f"{corpus.name}-neighbour.txt").write_text("x", encoding="utf-8")
    _run(corpus)
    assert calls.take() == 1


def test_a_folder_touched_without_changes_keeps_it(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new mtime on a folder sends the memo to the listing itself, which is unchanged."""
    calls = Calls(monkeypatch)
    _run(corpus)
    os.utime(corpus / "guide")
    os.utime(corpus)
    _run(corpus)
    assert calls.take() == 1


PROBE = """
import json, sys
from medlint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    print("EXIT=" + str(exc.code), file=sys.stderr)
print("MODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _cli(folder: Path, *args: str) -> tuple[str, int, set[str]]:
    env = {**os.environ, "MEDLINT_TODAY": TODAY, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "check", "--offline", *args, "."],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stderr.splitlines()
    code = int(next(x for x in lines if x.startswith("EXIT=")).removeprefix("EXIT="))
    modules = json.loads(
        next(x for x in lines if x.startswith("MODULES=")).removeprefix("MODULES=")
    )
    return done.stdout, code, set(modules)


def test_the_program_answers_an_unchanged_run_without_building_settings(corpus: Path) -> None:
    """The second run prints the same report and exit status, importing no rule, no page
    parser, no YAML library and no pydantic; other flags or settings are not answered by it."""
    first, code, cold = _cli(corpus)
    assert {"medlint.engine", "yaml", "medlint.checks.placeholder"} <= cold
    second, code2, warm = _cli(corpus)
    assert (second, code2) == (first, code) and code == 1 and "placeholder" in first
    for module in ("medlint.engine", "medlint.document", "medlint.registry", "yaml", "pydantic"):
        assert module not in warm, module
    assert not any(m.startswith("medlint.checks.") for m in warm)
    only, _, again = _cli(corpus, "--select", "relative-link")
    assert "placeholder" not in only and "relative-link" in only
    assert "medlint.engine" in again  # another selection is another run
    (corpus / "medlint.toml").write_text('[rules.placeholder]\nseverity = "warning"\n', "utf-8")
    _, code3, changed = _cli(corpus, "--select", "placeholder")
    assert code3 == 0 and "medlint.engine" in changed  # new config: worked out again


def test_the_first_run_in_a_folder_leaves_a_memo_the_second_can_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache folder appears in the folder root-relative links resolve against: it must be
    there before that folder is listed, or the listing the memo keeps is stale at once. Two
    pages share a cache bucket, so the first is judged before the bucket is written."""
    monkeypatch.chdir(tmp_path)
    names = [f"p{i:03d}.md" for i in range(400)]
    by_bucket: dict[int, list[str]] = {}
    for name in names:
        by_bucket.setdefault(bucket_of(str(tmp_path / name)), []).append(name)
    first_name, second_name = next(pair for pair in by_bucket.values() if len(pair) > 1)[:2]
    (tmp_path / first_name).write_text(VALID_PAGE + "\n[x](/Common/x.aspx)\n", "utf-8")
    (tmp_path / second_name).write_text(VALID_PAGE, encoding="utf-8")
    _age(tmp_path)
    first, _, cold = _cli(tmp_path)
    second, _, warm = _cli(tmp_path)
    assert first == second and "relative-link" in first
    assert "medlint.engine" in cold and "medlint.engine" not in warm


def test_an_unchanged_run_prints_what_it_printed_without_decoding_findings(
    corpus: Path,
) -> None:
    """The output is kept beside the memo for each way of showing it (format, flags); a run
    with the same memo and the same way prints it again, and any other way is worked out."""
    first, code, _ = _cli(corpus)
    second, code2, warm = _cli(corpus)
    assert (second, code2) == (first, code) and "todo.md" in first
    for module in ("medlint.reporters.text", "medlint.findings", "medlint.wire"):
        assert module not in warm, module
    as_json, code3, rendered = _cli(corpus, "--format", "json")
    assert code3 == code and "medlint.reporters.json" in rendered  # decoded, then rendered
    again, _, kept = _cli(corpus, "--format", "json")
    assert again == as_json and "medlint.reporters.json" not in kept
    fresh, _, _ = _cli(corpus, "--format", "json", "--no-cache")
    assert json.loads(as_json) == json.loads(fresh)
    counted, _, _ = _cli(corpus, "--statistics")
    assert counted != first and counted.startswith(first.rpartition("\n\n")[0])


def test_output_kept_for_an_older_memo_is_not_printed(corpus: Path) -> None:
    """The memo is rewritten when a page changes; output kept for the memo before (here: the
    new run wrote its report to a file, so nothing was kept for the new memo) never pairs with
    the new one, although both are kept under the same names."""
    before, _, _ = _cli(corpus)
    (corpus / "todo.md").write_text(VALID_PAGE, encoding="utf-8")
    _age(corpus)
    _cli(corpus, "-o", str(corpus.parent / "report.txt"))
    after, _, warm = _cli(corpus)
    assert "medlint.engine" not in warm  # answered from the new memo
    assert "todo.md" in before and "todo.md" not in after
    assert after == (corpus.parent / "report.txt").read_text(encoding="utf-8")


def test_page_rows_packed_as_they_arrive_read_back_in_path_order() -> None:
    """A run keeps its page rows marshalled in one buffer, put as pages arrive in any order
    and read in path order; the memo stores and loads them as they are."""
    import marshal
    import random

    from medlint.runmemo import PackedRows, RowPacker

    rows = [
        (f"s{i % 7}/p{i}.md", None if i % 5 == 0 else f"Título {i} \udcff", None, i or None, None)
        for i in range(300)
    ]
    packer = RowPacker(len(rows))
    arrival = list(range(len(rows)))
    random.Random(3).shuffle(arrival)
    for where in arrival:
        packer.put(where, rows[where])
    order = sorted(range(len(rows)), key=lambda w: rows[w][0])
    packed = packer.rows(order)
    expected = sorted(rows)
    assert list(packed) == expected
    assert [packed[i] for i in range(len(packed))] == expected
    assert packed[5:9] == expected[5:9] and packed[-1] == expected[-1]
    again = PackedRows.unpacked(marshal.loads(marshal.dumps(packed.packed())))
    assert list(again) == expected


def test_the_run_paths_are_read_only_when_a_memo_is_there(tmp_path: Path) -> None:
    """A run without a memo (every cold run) does not go through its paths: made into a list
    they were 10 MB of a 100,000-page run before its workers forked."""

    def untouchable() -> Iterator[str]:
        raise AssertionError("paths read with no memo to compare them with")
        yield ""  # a generator

    assert runmemo.load(tmp_path / "absent.bin", 3, untouchable()) is None
    (tmp_path / "damaged.bin").write_bytes(b"not a memo")
    assert runmemo.load(tmp_path / "damaged.bin", 3, untouchable()) is None


def test_the_memo_is_written_without_a_copy_of_the_records(tmp_path: Path) -> None:
    """At the end of a large run the main process alone holds the most: writing the memo
    marshalled each part whole, a copy of every page row (10 MB at 100,000 pages) and of every
    finding record, besides the stats gathered in memory. The records and stats now go to the
    file as they are, and come back the same."""
    import tracemalloc
    from array import array

    from medlint.findstore import pack
    from medlint.runmemo import LazyPages, Outcome, RowPacker

    count = 20_000
    packer = RowPacker(count)
    for w in range(count):
        packer.put(
            w, (f"section-{w // 100:03}/page-{w:05}.md", f"Page {w}", None, 730_000 + w, None)
        )
    pages = LazyPages(packer.rows(range(count)))
    found = pack([])
    stats = array("q", [1]) * (3 * count)
    outcome = Outcome(found, pages, count, dt.date(2026, 1, 1), runner.rule_meta())
    target = tmp_path / "runs" / "memo.bin"
    size = len(pages.rows.packed()[0])
    tracemalloc.start()
    try:
        assert runmemo.store(target, stats, runmemo.Observed(), outcome, 10**19)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert size > 500_000 and peak < size / 4
    parts = cache.read_parts(target)
    assert parts is not None and bytes(parts[1]) == stats.tobytes()
    recalled = runmemo.Recalled(
        target, 10**19, count, dt.date(2026, 1, 1), {}, parts[5:9], parts[9:]
    )
    assert list(recalled.outcome().pages) == list(pages) and list(recalled.outcome().findings) == []
