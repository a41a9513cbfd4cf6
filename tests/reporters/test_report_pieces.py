"""The JSON, SARIF, GitLab, GitHub and JUnit reports are written in pieces, a finding at a
time (a 100,000-page run's JSON report made whole took 255 MB, its JUnit report 308 MB): the
pieces are exactly the document `json.dumps` (or ElementTree) gives for the whole report, and
writing them never holds every finding."""

from __future__ import annotations

import dataclasses
import json
import random
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from medlint.findings import Finding, Severity
from medlint.reporters import github, gitlab, junit, sarif, stream
from medlint.reporters import json as json_reporter
from medlint.reporters.base import PageInfo, Report
from tests.reporters.conftest import finding, report, safe_fix


def _canonical(text: str) -> str:
    """What json.dumps makes of the document `text` holds, as the reports spell JSON."""
    return json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def _shapes(folder: Path) -> Iterator[Report]:
    """Reports with no finding, one, and many over a few files (some of them on disk, for
    SARIF's fix regions and line hashes), with and without statistics and unchecked links."""
    (folder / "a.md").write_text("one\ntwo é\n  two é  \nthree\n", encoding="utf-8")
    (folder / "b.md").write_text("x\n", encoding="utf-8")
    paths = [str(folder / "a.md"), str(folder / "b.md"), "gone.md", "c\u2028d.md"]
    many = [
        finding(
            paths[i % 4],
            f'finding {i} \u00e9 "quoted" \\ \n{"two lines" if i % 4 else ""}',
            line=i % 3 + 1,
            code=("ML101", "ML102")[i % 2],
            rule=("mojibake", "placeholder")[i % 2],
            help="do this" if i % 3 else None,
            severity=(Severity.ERROR, Severity.WARNING, Severity.INFO)[i % 3],
            fix=safe_fix(0, 3, "ONE\n") if i % 5 == 0 else None,
        )
        for i in range(29)
    ]
    # Pages without a finding, before, between and after those with one (JUnit's test cases).
    pages = tuple(PageInfo(path) for path in ("0.md", str(folder / "a0.md"), "z.md"))
    for findings in ([], many[:1], many):
        for statistics in (False, True):
            made = report(*findings, statistics=statistics)
            yield made
            yield dataclasses.replace(made, unchecked_links=3, unchecked_reason="offline")
            yield report(*findings, statistics=statistics, pages=pages)


@pytest.mark.parametrize("per_piece", [1, 2, 512])
def test_json_sarif_and_gitlab_pieces_are_the_whole_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_piece: int
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(stream, "_PER_PIECE", per_piece)
    for made in _shapes(tmp_path):
        for module in (json_reporter, sarif, gitlab):
            got = list(module.pieces(made))
            whole = "".join(got)
            assert whole == module.render(made)
            assert whole == _canonical(whole)  # exactly json.dumps's spelling
            if per_piece == 1 and len(made.findings) > 20:
                assert len(got) > 10  # really in pieces
        findings = json.loads(json_reporter.render(made))["findings"]
        assert findings == [json_reporter.finding_dict(f) for f in made.findings]
        assert json.loads(sarif.render(made)) == json.loads(json.dumps(sarif.build(made)))
        assert json.loads(gitlab.render(made)) == gitlab.build(made)


@pytest.mark.parametrize("per_piece", [1, 2, 256])
def test_junit_pieces_are_the_whole_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_piece: int
) -> None:
    monkeypatch.setattr(junit, "_PER_PIECE", per_piece)
    for made in _shapes(tmp_path):
        root = junit.build(made)
        ET.indent(root, space="  ")
        whole = f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, encoding="unicode")}\n'
        got = list(junit.pieces(made))
        assert "".join(got) == whole == junit.render(made)
        cases = len(root.findall("testsuite/testcase"))
        assert root.get("tests") == str(cases)
        if per_piece == 1 and cases > 3:
            assert len(got) > 3  # really in pieces


@pytest.mark.parametrize("lines", [1, 2, 2048])
def test_github_pieces_are_its_whole_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: int
) -> None:
    monkeypatch.chdir(tmp_path)
    for made in _shapes(tmp_path):
        whole = github.render(made)
        monkeypatch.setattr(github, "_LINES", lines)
        got = list(github.pieces(made))
        monkeypatch.undo()
        monkeypatch.chdir(tmp_path)
        assert "".join(got) == whole
        assert all(piece.endswith("\n") for piece in got)  # whole lines only
        if lines == 1 and len(made.findings) > 20:
            assert len(got) > 20


def _value(rnd: random.Random, depth: int = 0) -> object:
    kind = rnd.randrange(7 if depth < 3 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return rnd.choice([0, -1, 2.5, True])
    if kind == 2:
        return rnd.choice(["", "a\nb", "é\u2028\x00", '"\\', stream.HOLE[1:]])
    if kind == 3:
        return {}
    if kind == 4:
        return []
    if kind == 5:
        return {f"k{n}": _value(rnd, depth + 1) for n in range(rnd.randrange(1, 4))}
    return [_value(rnd, depth + 1) for _ in range(rnd.randrange(1, 4))]


def _placed(shape: int, items: object, before: object, after: object) -> object:
    """`items` at the top, in an object, or deep in objects and lists."""
    if shape == 0:
        return items
    if shape == 1:
        return {"before": before, "findings": items, "after": after}
    if shape == 2:
        return {"runs": [{"tool": before, "results": items, "more": after}]}
    return [before, {"deep": [{"results": items}]}, after]


def test_spliced_is_json_dumps_wherever_the_list_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any entries, wherever the list stands: the same text as json.dumps of the document
    with the list in place."""
    monkeypatch.setattr(stream, "_PER_PIECE", 2)
    rnd = random.Random(7)
    for _ in range(2000):
        entries = [_value(rnd) for _ in range(rnd.randrange(6))]
        shape, before, after = rnd.randrange(4), _value(rnd), _value(rnd)
        whole = _placed(shape, entries, before, after)
        want = json.dumps(whole, ensure_ascii=False, indent=2) + "\n"
        document = _placed(shape, stream.HOLE, before, after)
        assert "".join(stream.spliced(document, iter(entries))) == want


def _packed(count: int) -> Sequence[Finding]:
    """Many findings packed as a large run packs them (findstore), each decoded as it is read."""
    from medlint.findstore import FindingStore

    pages = count // 3
    store = FindingStore(pages, keep=0)
    for page in range(pages):
        path = f"section/page-{page:06}.md"
        store.put(page, [finding(path, f"placeholder left in {page}", line=n) for n in (1, 2, 3)])
    return store.ordered(range(pages))


@pytest.mark.parametrize("module", [json_reporter, sarif, gitlab, github, junit])
def test_writing_a_large_report_holds_a_piece_not_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object
) -> None:
    """6,000 findings in pieces of 100: megabytes of report, written with a small part of
    that in memory (the piece being made, never every finding)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(stream, "_PER_PIECE", 100)
    monkeypatch.setattr(github, "_LINES", 100)
    monkeypatch.setattr(junit, "_PER_PIECE", 100)
    made = dataclasses.replace(report(), findings=_packed(6_000), files=7_000)
    for _ in made.findings:  # the packed findings' decoder and its tables, which runs have too
        pass
    # What one report of any size makes once: the rules' modules (SARIF describes every rule).
    "".join(module.pieces(report(finding("page.md"))))  # type: ignore[attr-defined]
    size = 0
    tracemalloc.start()
    try:
        for piece in module.pieces(made):  # type: ignore[attr-defined]
            size += len(piece.encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 700_000
    assert peak < size / 5


def test_a_runs_pages_are_made_as_they_are_read_and_not_kept() -> None:
    """Going through a run's page facts makes each PageInfo as it is reached (the Markdown
    summary's one pass held 100,000 of them); taking one by its place makes them all once."""
    import datetime as dt
    import marshal
    from array import array

    from medlint.runmemo import LazyPages, PackedRows

    rows = [(f"p{i}.md", f"Title {i}", None, 739000 + i, None) for i in range(5)]
    blobs = [marshal.dumps(row) for row in rows]
    starts = array("q", [sum(map(len, blobs[:i])) for i in range(5)])
    ends = array("q", [start + len(blob) for start, blob in zip(starts, blobs, strict=True)])
    pages = LazyPages(PackedRows(b"".join(blobs), starts, ends))
    for n, page in enumerate(pages):
        assert page.path == f"p{n}.md"
        assert page.last_reviewed == dt.date.fromordinal(739000 + n)
    assert pages._pages is None  # none kept
    assert pages[3].path == "p3.md" and pages[3] is pages[3]  # made once, for reading by place
    assert [page.title for page in pages] == [f"Title {i}" for i in range(5)]
