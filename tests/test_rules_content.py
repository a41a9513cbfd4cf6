"""Unit tables for the content rules' helpers, and the behaviour fixtures cannot show."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from medlint.checks._language import evident_language
from medlint.checks._lines import delete_lines
from medlint.checks._titles import same_title
from medlint.checks.mojibake import find_mojibake
from medlint.checks.reviewer_credential import has_credential
from medlint.cli import main
from medlint.document import Document
from medlint.packs import load_packs
from tests.conftest import VALID_PAGE


def _delete(text: str, first: int, last: int | None = None) -> str:
    doc = Document("p.md", text)
    edit = delete_lines(doc, first, last or first)
    return text[: edit.start] + edit.replacement + text[edit.end :]


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("a\n\nX\n\nb\n", 3, "a\n\nb\n"),  # blank on both sides: one goes too
        ("a\nX\n\nb\n", 2, "a\n\nb\n"),  # text before: the blank after stays
        ("a\n\nX\nb\n", 3, "a\n\nb\n"),
        ("a\nX\nb\n", 2, "a\nb\n"),
        ("X\n\nb\n", 1, "b\n"),  # first line: as if the page began with b
        ("a\n\nX\n", 3, "a\n"),  # last line: the blank before goes, the final break stays
        ("a\nX", 2, "a"),  # no final break before, none after
        ("a\n\nX", 3, "a"),
        ("X", 1, ""),
        ("a\r\n\r\nX\r\n\r\nb", 3, "a\r\n\r\nb"),
        ("---\nt: 1\n---\nX\n\nb\n", 4, "---\nt: 1\n---\nb\n"),
    ],
)
def test_delete_lines_leaves_no_doubled_blank_line(text: str, line: int, expected: str) -> None:
    assert _delete(text, line) == expected


def test_delete_a_block_of_lines_at_the_end() -> None:
    assert _delete("a\n\nX\nY\nZ\n", 3, 5) == "a\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("antibodyâ€“drug", [("â€“", "–")]),
        ("“Ã©”", [("Ã©", "é")]),  # the correct quotes beside the damage are not the damage
        ("5Â°C", [("Â", "")]),
        ("Ã¢â‚¬â„¢", [("Ã¢â‚¬â„¢", "’")]),  # twice garbled
        ("Kadcylaâ„¢", [("â„¢", "™")]),
        ("Ã  la carte", [("Ã ", "à")]),  # the no-break space became a space
        ("caf√©", [("√©", "é")]),  # Mac Roman
        ("José µg/m² ≥ ± °C ™ “q” — – ¿Qué? «Él» „Gruß“ ESPAÑ¿ —ácido", []),
        ("c√°ncer y habr√° más", [("√°", "á"), ("√°", "á")]),  # Mac Roman that ftfy lets pass
        ("¬Ω dose, ‚â• 5", [("¬Ω", "½"), ("‚â•", "≥")]),
        ("«Él» dijo, «Ésta»", []),  # `«É` re-encodes to U+01C3: a letter, but not an accent
        ("MantA\u0303\u00a9ngase", [("A\u0303\u00a9", "e\u0301")]),  # decomposed (NFD) page
        ("don\x92t", []),  # a lone C1 control: invalid-characters' finding, not this one
    ],
)
def test_mojibake_spans_are_exact(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[s:e], r) for s, e, r in find_mojibake(text)] == expected


def test_ftfy_is_not_imported_for_ascii_or_legitimate_non_ascii_pages(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(VALID_PAGE + "\nJosé Núñez, µg/m², ≥ 5, “quoted” — año.\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from medlint.config import Config\n"
        "from medlint.engine import build_settings, lint_file\n"
        "from medlint.discovery import Discovered\n"
        f"p = Path({str(page)!r})\n"
        "s = build_settings(Config(), config_root=p.parent)\n"
        "lint_file(Discovered(p, 'p.md'), s)\n"
        "print('ftfy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("entry", "ok"),
    [
        ("Ilana Schlam, MD, MPH", True),
        ("Maria Pérez M.D.", True),
        ("John Roe, PharmD", True),
        ("Pat Kim, D.O.", True),
        ("Anh Do", False),  # a surname, not the credential DO
        ("Ms. Kim Park", False),  # a title, not the credential MS
        ("Jane Smith, Content Editor", False),
        ("Dr. Sam Lee", False),
    ],
)
def test_credentials(entry: str, ok: bool) -> None:
    assert has_credential(entry, load_packs().credentials) is ok


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Ado-Trastuzumab Emtansine - NCI", "Ado-Trastuzumab Emtansine", True),
        ("Breast Cancer | American Cancer Society", "Breast cancer", True),
        ("Quimioterapia: ¿qué esperar?", "Quimioterapia — ¿Qué esperar?", True),
        ("Trastuzumab", "Pertuzumab", False),
        (
            "Side effects - a very long subtitle that is more than six words long",
            "Side effects",
            False,
        ),
    ],
)
def test_titles(a: str, b: str, same: bool) -> None:
    assert same_title(a, b) is same


def test_language_only_when_evident() -> None:
    english = (
        "The drug is given by vein. Tell your doctor if you have a fever, and ask about it. " * 3
    )
    spanish = (
        "El medicamento se administra por vena. Hable con su médico si tiene fiebre y por qué. " * 3
    )
    assert evident_language(english) == "en"
    assert evident_language(spanish) == "es"
    assert evident_language("Trastuzumab (Herceptin)") is None
    assert evident_language(english + spanish) is None


def _page(tmp_path: Path, last: str) -> None:
    (tmp_path / "p.md").write_text(
        f"---\nlastReviewed: {last}\nreviewFrequency: annual\ntitle: T\n---\n", encoding="utf-8"
    )


def _check(tmp_path: Path, *extra: str, env_today: str | None) -> Result:
    args = ["check", "--offline", "--select", "stale-review", "p.md", *extra]
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, args, env={"MEDLINT_TODAY": env_today})
    finally:
        os.chdir(old)


def test_today_comes_from_the_flag_then_the_environment_then_config(tmp_path: Path) -> None:
    _page(tmp_path, "2025-01-01")  # due 2026-01-01
    (tmp_path / "medlint.toml").write_text("today = 2025-06-01\n", encoding="utf-8")
    config_only = _check(tmp_path, env_today=None)
    env = _check(tmp_path, env_today="2026-02-01")
    flag = _check(tmp_path, "--today", "2025-12-31", env_today="2026-02-01")
    assert config_only.exit_code == 0, config_only.output
    assert env.exit_code == 1 and "overdue by 31 days" in env.output
    assert flag.exit_code == 0, flag.output


@pytest.mark.parametrize(("last", "stale"), [("2000-01-01", True), ("2999-01-01", False)])
def test_the_clock_is_the_last_resort(tmp_path: Path, last: str, stale: bool) -> None:
    _page(tmp_path, last)
    assert _check(tmp_path, env_today=None).exit_code == (1 if stale else 0)
