"""The text output is printed piece by piece (a 100,000-page run's text is tens of MB, and
made whole it was that run's largest peak of memory): the pieces are the whole text, and the
output kept beside the run memo is kept piece by piece, and only when it was all printed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from medlint import runmemo
from medlint.findings import Severity
from medlint.reporters import text
from medlint.reporters.base import Report
from tests.reporters.conftest import finding, report, safe_fix


def _shapes() -> Iterator[Report]:
    many = [
        finding(
            f"p{i:03}.md",
            f"finding {i}",
            line=i % 7 + 1,
            help="do this" if i % 3 else None,
            severity=(Severity.ERROR, Severity.WARNING, Severity.INFO)[i % 3],
            fix=safe_fix(0, 1, "x") if i % 5 == 0 else None,
        )
        for i in range(23)
    ]
    for findings in ([], many[:1], many):
        for statistics in (False, True):
            made = report(*findings, statistics=statistics)
            yield made
            yield dataclasses.replace(made, unchecked_links=3, unchecked_reason="offline")


@pytest.mark.parametrize("quiet", [False, True])
@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("lines", [1, 2, 3, 10_000])
def test_the_pieces_are_the_whole_text(
    monkeypatch: pytest.MonkeyPatch, lines: int, colour: bool, quiet: bool
) -> None:
    for made in _shapes():
        whole = text.render(made, colour=colour, quiet=quiet)
        monkeypatch.setattr(text, "_LINES", lines)
        got = list(text.pieces(made, colour=colour, quiet=quiet))
        monkeypatch.undo()
        assert "".join(got) == whole
        assert all(piece.endswith("\n") for piece in got)  # whole lines only
        if lines < 10_000 and len(made.findings) > 20:
            assert len(got) > 2  # really in pieces


class _Memo:
    def __init__(self, folder: Path) -> None:
        self.target = folder / "runs" / "memo.bin"
        self.written = 42


def test_kept_output_is_read_back_whole(tmp_path: Path) -> None:
    memo = _Memo(tmp_path)
    memo.target.parent.mkdir()
    runmemo.remember_shown(memo.target, memo.written, "how", 1, iter(["a\n", "b\n", "c\n"]))
    assert runmemo.shown(memo, "how") == (1, "a\nb\nc\n")  # type: ignore[arg-type]
    assert runmemo.shown(memo, "other") is None


def test_nothing_is_kept_when_printing_fails(tmp_path: Path) -> None:
    memo = _Memo(tmp_path)
    memo.target.parent.mkdir()

    def printed() -> Iterator[str]:
        yield "a\n"
        raise BrokenPipeError

    with pytest.raises(BrokenPipeError):
        runmemo.remember_shown(memo.target, memo.written, "how", 1, printed())
    assert runmemo.shown(memo, "how") is None  # type: ignore[arg-type]
    assert list(memo.target.parent.iterdir()) == []  # no temporary file left either


def test_everything_is_printed_when_the_output_cannot_be_kept(tmp_path: Path) -> None:
    memo = _Memo(tmp_path)
    memo.target.parent.write_text("a file where the memo's folder should be", encoding="utf-8")
    taken: list[str] = []

    def printed() -> Iterator[str]:
        for piece in ("a\n", "b\n", "c\n"):
            taken.append(piece)
            yield piece

    runmemo.remember_shown(memo.target, memo.written, "how", 1, printed())
    assert taken == ["a\n", "b\n", "c\n"]
