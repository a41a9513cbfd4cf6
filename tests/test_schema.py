"""Frontmatter validation: one finding per problem, at the key, in an editor's words."""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import pytest
import yaml

from medlint import schema
from medlint.config import Config, SchemaConfig
from medlint.document import Document
from medlint.engine import build_settings, lint_document
from medlint.packs import load_packs
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


# The profile without pydantic: a page the plain checks vouch for gets the same problems as from
# the model, and every other page goes to the model.

_EXTRA = (
    ("plainLanguageScore", "integer"),
    ("reading", "number"),
    ("audit", "date"),
    ("owner", "string"),
    ("sites", "list"),
    ("public", "boolean"),
    ("title", "string"),  # a team may retype a profile field
)
# Values near the edge of each field's rules, and of other fields' types.
# fmt: off
_JUNK: list[object] = [
    "", " ", "x", "v1", "v1\n", "v١", "vx", "02_nci_core", "02_NCI", "1_nci", "patient",
    "patients", "en", "xx", "breast", "public_domain", "active", "quarterly", "2025-12-30",
    "2025-13-01", "2025-12-30T00:00:00", "２０２５-12-30", "https://www.cancer.gov/x",
    "http://localhost/x", "ftp://a.b/c", None, 0, 1, 7, -3, 2**60, 1.5, float("nan"), True,
    False, [], ["breast"], ["x"], [1], ["a", None], [" "], ["Name, MD"],
    [{"name": "Dr A", "credentials": ["MD"]}], [{"name": ""}], [{"name": "A", "bogus": 1}],
    [{"credentials": ["MD"]}], [{1: "A"}], {"name": "A"}, {}, dt.date(2025, 12, 30),
    dt.datetime(2025, 12, 30), ("breast",),
]
# fmt: on


def _base() -> dict[str, object]:
    data = yaml.safe_load(VALID_PAGE.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def test_plain_checks_agree_with_the_model() -> None:
    # Every key (known, added by config, unknown) set to every value of the pool, alone and
    # with keys dropped: whenever the plain checks answer, the model gives the same problems.
    packs = load_packs()
    base = _base()
    keys = [*base, *(n for n, _ in _EXTRA), "lastReveiwed", "Title"]
    answered = 0
    for extra in ((), _EXTRA):
        for drop in ((), ("reviewedBy",), ("title", "tags")):
            for key in keys:
                for value in _JUNK:
                    data = {k: v for k, v in base.items() if k not in drop}
                    data[key] = value
                    plain = schema._plain_problems(data, packs, extra)
                    if plain is not None:
                        answered += 1
                        assert plain == schema._model_problems(data, packs, extra), (key, value)
    assert answered > 200  # the plain checks do answer for most plainly valid pages


def test_valid_and_key_missing_pages_need_no_model() -> None:
    packs = load_packs()
    data = _base()
    assert schema._plain_problems(data, packs) == []
    del data["reviewedBy"], data["tags"]
    found = schema._plain_problems(data, packs)
    assert found == schema._model_problems(data, packs)
    assert [p.path for p in found or []] == [("tags",), ("reviewedBy",)]
    data["version"] = "one"  # a malformed value is worded by the model
    assert schema._plain_problems(data, packs) is None


def test_extra_field_types_in_config_match_the_profile() -> None:
    hints = typing.get_type_hints(SchemaConfig)
    value_type = typing.get_args(hints["extra_fields"])[1]
    assert set(typing.get_args(value_type)) == set(schema.EXTRA_FIELD_TYPES)


def test_prepare_leaves_the_model_to_the_first_page_that_needs_it() -> None:
    # What the worker pool calls before it forks builds the plain profile only: a page with a
    # value outside its list is worded without the model, a malformed value builds it once.
    from medlint import __version__
    from medlint.cache import fingerprint
    from medlint.engine import prepare

    settings = build_settings(Config(), config_root=Path("."), select=["frontmatter-schema"])
    key = (settings.rules, settings.ctx, sorted(settings.selected), settings.max_file_size)
    before = fingerprint(key, version=__version__)
    schema._cached_model.cache_clear()
    schema._LAST_PROFILE.clear()
    prepare(settings)
    assert schema._cached_model.cache_info().currsize == 0
    assert schema._LAST_PROFILE and schema._LAST_PROFILE[0][0] is settings.ctx.packs
    wrong = _replace("audienceLevel: patient", "audienceLevel: patients")
    assert len(lint_document(Document("a.md", wrong), settings).findings) == 1
    assert schema._cached_model.cache_info().currsize == 0
    malformed = _replace("version: v1", "version: one")
    for _ in range(2):
        assert len(lint_document(Document("a.md", malformed), settings).findings) == 1
    assert schema._cached_model.cache_info().misses == 1  # built once, on first need
    assert fingerprint(key, version=__version__) == before
