"""The plain frontmatter checks word what pages usually get wrong exactly as the model does.

A value outside its list (`audienceLevel: patients`), a key not in the profile (`lastReveiwed`)
and missing keys are answered without pydantic, so a large run neither imports it nor builds
the model before its workers fork. Whenever the plain checks answer, their problems must be
the model's: the same messages, kinds, paths, suggestions, in the same order. Frontmatters are
generated (seeded) around those cases, and beside the cases only the model can word.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
import yaml

from medlint import schema
from medlint.packs import load_packs
from tests.conftest import VALID_PAGE, bench_generator, probe_run

# Fields added through `[tool.medlint.schema] extra-fields`; one retypes a profile field, one
# retypes a field with a list of choices (its text is then free).
EXTRAS: tuple[tuple[tuple[str, str], ...], ...] = (
    (),
    (("plainLanguageScore", "integer"), ("owner", "string"), ("sites", "list")),
    (("audienceLevel", "string"), ("reviewNotes", "string"), ("title", "string")),
    (("lastReviewedBy", "string"), ("statusNote", "string")),
)
# Keys not in the profile: near a field (a suggestion), equal but for case, near an extra field
# only, near nothing, and text that is not a name at all.
UNKNOWN = [
    "lastReveiwed",
    "lastreviewed",
    "LASTREVIEWED",
    "Title",
    "titel",
    "tittle",
    "audience",
    "audienceLevels",
    "AudienceLevel",
    "cancerType",
    "cancer_types",
    "reviewedby",
    "reviewFreq",
    "licence",
    "statuss",
    "lang",
    "plainLanguageScor",
    "ownr",
    "x",
    "foo",
    "notes",
    "",
    " ",
    "lastReviewed ",
    "sourceType2",
    "ünknown",
]
# Text outside each list, wrong in different ways; a long one is cut in the message.
WRONG_TEXT = [
    "patients",
    "Patient",
    "PATIENT",
    "patient ",
    " patient",
    "",
    " ",
    "x" * 80,
    "pätient",
    "it's",
    "'quoted'",
    "a, b",
    "active\n",
    "en-US",
    "EN",
    "eng",
    "cc-by",
    "yearly",
    "published",
]
ENUMS = ["audienceLevel", "license", "status", "reviewFrequency", "language"]
# Values only the model words (not text, or text it may refuse in another way).
OTHER = [None, 1, 0, True, 1.5, ["patient"], {"a": 1}, dt.date(2025, 1, 1)]
NON_TEXT_KEYS: list[object] = [1, None, True, dt.date(2025, 1, 1), 2.5]


def _base() -> dict[str, object]:
    data = yaml.safe_load(VALID_PAGE.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def _generated(
    seed: int, count: int
) -> list[tuple[dict[object, object], tuple[tuple[str, str], ...]]]:
    rng = random.Random(seed)
    base = _base()
    required = list(base)
    out: list[tuple[dict[object, object], tuple[tuple[str, str], ...]]] = []
    for _ in range(count):
        extra = rng.choice(EXTRAS)
        data: dict[object, object] = dict(base)
        for name in rng.sample(required, k=rng.choice((0, 0, 1, 2, 4))):
            del data[name]
        for name in rng.sample(ENUMS, k=rng.choice((0, 1, 1, 2, 3))):
            data[name] = rng.choice(WRONG_TEXT)
        for name in rng.sample(UNKNOWN, k=rng.choice((0, 1, 1, 2, 3))):
            data[name] = rng.choice(["x", 1, None, ["a"], "2025-01-01"])
        for name, type_name in extra:
            if rng.random() < 0.3:
                data[name] = {"string": "t", "integer": 3, "list": ["a"]}[type_name]
        if rng.random() < 0.1:
            data[rng.choice(ENUMS)] = rng.choice(OTHER)
        if rng.random() < 0.05:
            data[rng.choice(NON_TEXT_KEYS)] = "x"
        if rng.random() < 0.5:  # the page's own order of keys
            items = list(data.items())
            rng.shuffle(items)
            data = dict(items)
        out.append((data, extra))
    return out


def _fields(found: list[schema.FieldProblem] | None) -> list[tuple[object, ...]] | None:
    if found is None:
        return None
    return [(p.path, p.message, p.kind, p.suggestion) for p in found]


def test_plain_answers_are_the_models_over_generated_frontmatters() -> None:
    packs = load_packs()
    answered = unknown = wrong = 0
    for data, extra in _generated(seed=11, count=1500):
        plain = schema._plain_problems(data, packs, extra)  # type: ignore[arg-type]
        if plain is None:
            continue
        answered += 1
        model = schema._model_problems(data, packs, extra)  # type: ignore[arg-type]
        assert _fields(plain) == _fields(model), (data, extra)
        assert plain == model
        unknown += any(p.kind == "unknown" for p in plain)
        wrong += any(p.kind == "invalid" for p in plain)
    # The plain checks do answer the cases they are for, often.
    assert answered > 1000 and unknown > 500 and wrong > 500


@pytest.mark.parametrize("name", ENUMS)
@pytest.mark.parametrize("value", WRONG_TEXT)
def test_text_outside_its_list_is_worded_as_the_model_words_it(name: str, value: str) -> None:
    packs = load_packs()
    data = {**_base(), name: value}
    plain = schema._plain_problems(data, packs)
    assert plain is not None
    assert plain == schema._model_problems(data, packs)
    assert [p.path for p in plain] == [(name,)]


@pytest.mark.parametrize("name", UNKNOWN)
@pytest.mark.parametrize("drop", [(), ("lastReviewed",), ("title", "reviewedBy")])
def test_unknown_keys_are_worded_as_the_model_words_them(name: str, drop: tuple[str, ...]) -> None:
    packs = load_packs()
    for extra in EXTRAS:
        data = {k: v for k, v in _base().items() if k not in drop}
        data[name] = "x"
        plain = schema._plain_problems(data, packs, extra)
        assert plain is not None, (name, extra)
        assert plain == schema._model_problems(data, packs, extra), (name, extra)


def test_the_corpus_misspelling_replaces_its_missing_key() -> None:
    packs = load_packs()
    data = _base()
    data["lastReveiwed"] = data.pop("lastReviewed")
    data["audienceLevel"] = "patients"
    del data["reviewedBy"]
    plain = schema._plain_problems(data, packs)
    assert plain == schema._model_problems(data, packs)
    assert [(p.kind, p.path, p.suggestion) for p in plain or []] == [
        ("invalid", ("audienceLevel",), None),
        ("unknown", ("lastReveiwed",), "lastReviewed"),
        ("missing", ("reviewedBy",), None),
    ]


@pytest.mark.parametrize("key", NON_TEXT_KEYS)
def test_a_key_that_is_not_text_goes_to_the_model(key: object) -> None:
    packs = load_packs()
    data: dict[object, object] = {**_base(), key: "x"}
    assert schema._plain_problems(data, packs) is None  # type: ignore[arg-type]
    assert schema._model_problems(data, packs)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", OTHER)
def test_a_listed_field_that_is_not_text_goes_to_the_model(value: object) -> None:
    packs = load_packs()
    data = {**_base(), "audienceLevel": value}
    assert schema._plain_problems(data, packs) is None


@pytest.mark.parametrize("name", ["_private", "model_config"])
def test_unknown_keys_go_to_the_model_when_it_lacks_an_extra_field(name: str) -> None:
    # pydantic makes no field of these names, so its list of known fields (which the
    # suggestions come from) is not the profile's.
    packs = load_packs()
    data = {**_base(), "lastReveiwed": "x"}
    assert schema._plain_problems(data, packs, ((name, "string"),)) is None


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bench_like_run_never_imports_pydantic(tmp_path: Path, jobs: str) -> None:
    # The bench's corpus (misspelled keys, values outside their list, missing reviewers),
    # checked in this process (every page) and with two workers (the main process up to and
    # after the fork): pydantic is never imported.
    folder = bench_generator().build(tmp_path / "pages", 240, seed=5, defective=0.3)
    args = ["check", "--offline", "--no-cache", "--format", "json", "--jobs", jobs, "."]
    stdout, found = probe_run(args, folder)
    assert isinstance(found, list)
    modules = {m.split(".")[0] for m in found}
    assert "pyromark" in modules or jobs == "2"  # it did check pages
    assert "pydantic" not in modules and "pydantic_core" not in modules
    messages = [f["message"] for f in json.loads(stdout)["findings"]]
    assert "unknown key `lastReveiwed`; did you mean `lastReviewed`?" in messages
    assert (
        "`audienceLevel` must be one of patient, caregiver, professional; got `patients`"
        in messages
    )
