"""The findings store: any put order gives the sorted findings, packed or held as objects, and a
packed sequence reads (iterates, indexes, slices, compares, goes through the memo) as the list
a run held before did."""

from __future__ import annotations

import datetime as dt
import marshal
import random

import pytest

from medlint import findstore
from medlint.findings import Applicability, Edit, Finding, Fix, Severity, Span
from medlint.findstore import FindingStore, PackedFindings, pack
from medlint.reporters.base import Report


def _finding(path: str, line: int, code: str = "ML101", *, n: int = 0, **extra: object) -> Finding:
    span = Span(
        start=line * 10, end=line * 10 + 3, line=line, column=n + 1, end_line=line, end_column=n + 4
    )
    return Finding(
        path=path,
        code=code,
        rule={"ML101": "mojibake", "ML103": "placeholder", "ML302": "stale-review"}[code],
        severity=Severity.WARNING if code == "ML103" else Severity.ERROR,
        span=span,
        message=f"problem {line % 3} here",
        **extra,  # type: ignore[arg-type]
    )


def _pages(count: int, seed: int = 1) -> list[list[Finding]]:
    """Each page's findings as finalize returns them (sorted), with fixes, help and data."""
    rng = random.Random(seed)
    pages = []
    for p in range(count):
        path = f"s{p % 7}/page-{p:04d}.md"
        found = []
        for k in range(rng.randrange(0, 5)):
            line = rng.randrange(1, 40)
            code = rng.choice(["ML101", "ML103", "ML302"])
            extra: dict[str, object] = {}
            if k % 2:
                extra["fix"] = Fix(
                    title="Replace `a` with `b`",
                    edits=(Edit(start=line, end=line + 1, replacement=f"b{k}"),),
                    applicability=rng.choice(list(Applicability)),
                )
            if k % 3 == 2:
                extra["help"] = "How to fix it."
                extra["data"] = (("url", f"https://example.org/{p}/{k}"),)
            found.append(_finding(path, line, code, n=k, **extra))
        found.sort(key=Finding.sort_key)
        pages.append(found)
    return pages


def _expected(pages: list[list[Finding]]) -> list[Finding]:
    return sorted((f for page in pages for f in page), key=Finding.sort_key)


def _order(pages: list[list[Finding]]) -> list[int]:
    return sorted(range(len(pages)), key=lambda w: f"s{w % 7}/page-{w:04d}.md")


@pytest.mark.parametrize("keep", [findstore.KEEP, 0, 5])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_put_order_gives_the_sorted_findings(keep: int, seed: int) -> None:
    pages = _pages(60, seed)
    store = FindingStore(len(pages), keep=keep)
    puts = list(range(len(pages)))
    random.Random(seed).shuffle(puts)
    for where in puts:
        store.put(where, pages[where])
    out = store.ordered(_order(pages))
    expected = _expected(pages)
    assert list(out) == expected
    assert [f.data for f in out] == [f.data for f in expected]  # data is not compared by ==
    assert isinstance(out, PackedFindings) == (keep < sum(map(len, pages)))


@pytest.mark.parametrize("keep", [findstore.KEEP, 0])
def test_a_page_put_twice_is_merged_in_order(keep: int) -> None:
    pages = _pages(30)
    store = FindingStore(len(pages), keep=keep)
    for where, page in enumerate(pages):
        store.put(where, page[1:])
    for where, page in enumerate(pages):
        store.put(where, page[:1])
    assert list(store.ordered(_order(pages))) == _expected(pages)


@pytest.mark.parametrize("keep", [findstore.KEEP, 0])
def test_findings_that_are_not_their_pages_are_still_sorted(keep: int) -> None:
    # Page 1 carries a finding of page 0's path: pages in order no longer give the order.
    pages = _pages(20)
    stray = _finding(pages[0][0].path if pages[0] else "s0/page-0000.md", 99)
    pages[1] = sorted([*pages[1], stray], key=Finding.sort_key)
    store = FindingStore(len(pages), keep=keep)
    for where in reversed(range(len(pages))):
        store.put(where, pages[where])
    assert list(store.ordered(_order(pages))) == _expected(pages)


def test_a_packed_sequence_reads_like_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _expected(_pages(80))
    for kept in (True, False):
        monkeypatch.setattr(findstore, "KEEP", 10_000 if kept else 3)
        packed = pack(expected)
        assert len(packed) == len(expected)
        for _ in range(3):  # reports, exit codes and statistics each iterate
            assert list(packed) == expected
        assert [packed[i] for i in range(len(packed))] == expected
        assert packed[-1] == expected[-1] and packed[-len(expected)] == expected[0]
        assert packed[3:17] == expected[3:17] and packed[::-5] == expected[::-5]
        with pytest.raises(IndexError):
            packed[len(expected)]
        assert packed == expected and expected == packed and packed == tuple(expected)
        assert packed != expected[:-1]


def test_the_memo_form_round_trips() -> None:
    expected = _expected(_pages(50))
    again = PackedFindings.unpacked(marshal.loads(marshal.dumps(pack(expected).packed())))
    assert list(again) == expected
    assert [f.data for f in again] == [f.data for f in expected]
    empty = PackedFindings.unpacked(marshal.loads(marshal.dumps(pack([]).packed())))
    assert len(empty) == 0 and list(empty) == []


def test_values_past_the_tables_and_past_32_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(findstore, "TABLE_BOUND", 2)
    far = Span(start=2**40, end=2**40 + 1, line=1, column=1, end_line=1, end_column=2)
    found = [
        Finding(
            path="a.md",
            code=f"ML{k}",
            rule=f"r{k}",
            severity=Severity.INFO,
            span=far,
            message=f"message {k}",
            help=f"help {k}",
        )
        for k in range(5)
    ]
    assert (
        list(PackedFindings.unpacked(marshal.loads(marshal.dumps(pack(found).packed())))) == found
    )


def test_a_packed_store_holds_a_few_dozen_bytes_a_finding() -> None:
    pages = _pages(400)
    store = FindingStore(len(pages), keep=0)
    for where, page in enumerate(pages):
        store.put(where, page)
    out = store.ordered(_order(pages))
    assert isinstance(out, PackedFindings)
    blob = out.packed()[2]
    assert isinstance(blob, bytes | bytearray)
    # Two findings in three carry a fix or data here, far more than a corpus does (one in eight).
    assert len(blob) / len(out) < 80


FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown", "html")


def test_reports_take_the_packed_sequence_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from medlint.cli import render

    monkeypatch.setattr(findstore, "KEEP", 3)
    expected = _expected(_pages(40))
    packed = pack(expected)
    reports = [
        Report(findings=f, files=40, version="1", today=dt.date(2026, 11, 22), statistics=True)
        for f in (tuple(expected), packed)
    ]
    assert reports[1].findings is packed
    for fmt in FORMATS:  # every format, byte for byte, as from the tuple a report held before
        assert render(reports[1], fmt) == render(reports[0], fmt), fmt
    assert reports[1].by_rule() == reports[0].by_rule()
    assert reports[1].fixable() == reports[0].fixable()
    assert reports[1].files_with_findings == len({f.path for f in expected})
    for severity in Severity:
        assert reports[1].count(severity) == sum(1 for f in expected if f.severity == severity)
