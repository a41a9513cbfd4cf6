"""Frontmatter validation: one finding per problem, at the key, in an editor's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from medlint.config import Config, SchemaConfig
from medlint.document import Document
from medlint.engine import build_settings, lint_document
from tests.conftest import VALID_PAGE


def _findings(
    text: str, config: Config | None = None, root: Path = Path(".")
) -> list[tuple[int, str]]:
    settings = build_settings(config or Config(), config_root=root, select=["frontmatter-schema"])
    result = lint_document(Document("a.md", text), settings)
    return sorted((f.span.line, f.message) for f in result.findings)


def _replace(old: str, new: str) -> str:
    assert old in VALID_PAGE
    return VALID_PAGE.replace(old, new)


def test_valid_page_has_no_schema_finding() -> None:
    assert _findings(VALID_PAGE) == []


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "audienceLevel: patient",
            "audienceLevel: patients",
            2,
            "`audienceLevel` must be one of patient, caregiver, professional; got `patients`",
        ),
        (
            "language: en",
            "language: eng",
            6,
            "`language` must be a two-letter ISO 639-1 code such as en or es; got `eng`",
        ),
        (
            "lastReviewed: '2025-12-30'",
            "lastReviewed: '2025-13-01'",
            7,
            "`lastReviewed` is not a real date; got `2025-13-01`",
        ),
        (
            "lastReviewed: '2025-12-30'",
            "lastReviewed: 2025-12-30T10:00:00",
            7,
            "`lastReviewed` must be a date (YYYY-MM-DD) without a time",
        ),
        ("version: v1", "version: 1", 19, "`version` must be text; got `1`"),
        (
            "version: v1",
            "version: one",
            19,
            "`version` must be `v` followed by digits, such as v1; got `one`",
        ),
        (
            "url: https://www.cancer.gov/about-cancer/treatment/drugs/trastuzumab",
            "url: /drugs/x",
            18,
            "`url` must be an absolute http(s) URL such as https://www.cancer.gov/…; "
            "got `/drugs/x`",
        ),
        (
            "sourceType: 02_nci_core",
            "sourceType: NCI core",
            13,
            "`sourceType` must look like `02_nci_core` (two digits, underscore, "
            "lower-case words); got `NCI core`",
        ),
    ],
)
def test_field_problem_is_one_finding_at_its_line(
    old: str, new: str, line: int, message: str
) -> None:
    assert _findings(_replace(old, new)) == [(line, message)]


def test_bad_cancer_type_points_at_the_item() -> None:
    found = _findings(_replace("- breast\n", "- breast\n- lungs\n"))
    assert len(found) == 1
    assert found[0][0] == 5
    assert "got `lungs`" in found[0][1]


def test_misspelled_key_is_one_finding_with_did_you_mean() -> None:
    found = _findings(_replace("lastReviewed:", "lastReveiwed:"))
    assert found == [(7, "unknown key `lastReveiwed`; did you mean `lastReviewed`?")]


def test_missing_keys_each_reported_at_the_fence() -> None:
    found = _findings("---\ntitle: x\n---\n")
    assert all(line == 1 for line, _ in found)
    assert (1, "required key `url` is missing") in found
    assert not any("reviewedBy" in m for _, m in found)  # missing-reviewer owns that one


def test_team_adds_field_and_cancer_type_without_python(tmp_path: Path) -> None:
    pack = tmp_path / "team.yaml"
    pack.write_text("cancer-types:\n  mesothelioma: [mesothelioma]\n")
    page = _replace("title: Trastuzumab", "title: Trastuzumab\nplainLanguageScore: 7")
    page = page.replace("- breast\n", "- breast\n- mesothelioma\n")
    assert len(_findings(page)) == 2
    config = Config(
        rule_packs=["team.yaml"],
        schema=SchemaConfig(extra_fields={"plainLanguageScore": "integer"}),
    )
    assert _findings(page, config, tmp_path) == []
