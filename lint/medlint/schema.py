"""The frontmatter profile as a pydantic v2 model, and its problems in an editor's words.

The model is built from the rule packs (so a content team adds a cancer type in YAML) and from
config (`[tool.medlint.schema] extra-fields`, so a team adds an optional field without Python).
`medlint schema` and schemas/frontmatter.schema.json are generated from the same model.

pydantic is imported, and the model built, on the first frontmatter the plain checks below cannot
word (a malformed date, URL or version, a value of the wrong type): importing pydantic and
building the model cost more than checking a page, and `medlint --help`, `medlint rules`, a page
without frontmatter, a page whose values are only outside their lists or whose keys are only
missing or misspelled, and a run answered from the result cache need neither. This module's
vocabularies and helpers (review.py reads `FREQUENCY_MONTHS`) import nothing heavy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from medlint.records import record

if TYPE_CHECKING:
    from pydantic import BaseModel

    from medlint.packs import RulePacks

AUDIENCE = ("patient", "caregiver", "professional")
LICENSES = ("public_domain", "cc-by-4.0", "cc-by-nc-4.0", "all-rights-reserved")
STATUSES = ("draft", "in-review", "active", "retired")
FREQUENCIES = ("monthly", "quarterly", "semiannual", "annual", "biennial")
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12, "biennial": 24}

# Types a team may give a field it adds through config.
EXTRA_FIELD_TYPES: dict[str, Any] = {
    "string": str,
    "list": list[str],
    "date": dt.date,
    "integer": int,
    "number": float,
    "boolean": bool,
}
# The type names `[tool.medlint.schema] extra-fields` accepts; config.py spells them out as a
# Literal, and tests/test_schema.py checks the two agree.

# Shown by editors (YAML language server) when hovering a key.
DESCRIPTIONS = {
    "title": "The page title as patients see it.",
    "url": "Canonical source URL of the page (absolute http or https).",
    "source": "Publisher of the content: NCI, ACS, LBBC, …",
    "sourceType": "Source category such as 02_nci_core (two digits, underscore, lower-case words).",
    "audienceLevel": "Who the page is written for.",
    "language": "ISO 639-1 language code of the page (en, es, …).",
    "cancerTypes": "Cancer types the page is about (slugs from the vocabulary rule pack).",
    "tags": "Free tags.",
    "citation": "How to cite the page.",
    "license": "Licence of the content.",
    "status": "Publication status.",
    "version": "Content version: v followed by digits.",
    "lastReviewed": "Date of the last medical review (YYYY-MM-DD).",
    "reviewFrequency": "How often the page must be reviewed again.",
    "reviewedBy": "Medical reviewers: 'Name, CRED, CRED' or {name, credentials: [..]}.",
}


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _iso_date(value: object) -> object:
    """An ISO date, quoted or not; YAML gives an unquoted one to us as a date already."""
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date (YYYY-MM-DD) without a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"is not a real date; got `{value}`") from None
    raise ValueError(f"must be a date written YYYY-MM-DD; got `{value}`")


def _http_url(value: str) -> str:
    # A host with a dot inside it. As one pattern (`[^\s/?#]+\.[^\s/?#]+`) both runs could hold
    # the dot, and a long dotted value that failed to match took quadratic time.
    m = re.fullmatch(r"https?://([^\s/?#]+)(?:[/?#]\S*)?", value)
    if m is None or "." not in m.group(1)[1:-1]:
        raise ValueError(
            f"must be an absolute http(s) URL such as https://www.cancer.gov/…; got `{value}`"
        )
    return value


@cache
def _types() -> tuple[Any, Any]:
    """The non-empty text type and the reviewer type (text, or a ReviewerEntry mapping)."""
    from pydantic import AfterValidator, ConfigDict, StringConstraints, create_model

    non_empty = Annotated[str, StringConstraints(strict=True, min_length=1, strip_whitespace=False)]
    reviewer_entry = create_model(
        "ReviewerEntry",
        __config__=ConfigDict(extra="forbid"),
        __doc__="A reviewer as a mapping, following schema.org's `reviewedBy` (a Person).",
        name=(non_empty, ...),
        credentials=(list[non_empty], []),
    )
    reviewer = Annotated[str, AfterValidator(_nonblank)] | reviewer_entry
    return non_empty, reviewer


def build_model(
    cancer_types: tuple[str, ...], languages: tuple[str, ...], extra: tuple[tuple[str, str], ...]
) -> type[BaseModel]:
    """The profile model for these vocabularies and extra fields."""
    from pydantic import (
        AfterValidator,
        BeforeValidator,
        ConfigDict,
        Field,
        StringConstraints,
        create_model,
    )

    non_empty, reviewer = _types()
    # Vocabularies come from rule packs at run time, so these types are built dynamically.
    cancer: Any = Literal[cancer_types] if cancer_types else str
    lang: Any = Literal[languages] if languages else str
    date = Annotated[
        dt.date, BeforeValidator(_iso_date), Field(json_schema_extra={"format": "date"})
    ]
    fields: dict[str, Any] = {
        "title": (Annotated[non_empty, AfterValidator(_nonblank)], ...),
        "url": (
            Annotated[
                non_empty, AfterValidator(_http_url), Field(json_schema_extra={"format": "uri"})
            ],
            ...,
        ),
        "source": (Annotated[non_empty, AfterValidator(_nonblank)], ...),
        "sourceType": (
            Annotated[str, StringConstraints(strict=True, pattern=r"^\d{2}_[a-z0-9_]+$")],
            ...,
        ),
        "audienceLevel": (Literal[AUDIENCE], ...),
        "language": (lang, ...),
        "cancerTypes": (Annotated[list[cancer], Field(min_length=1)], ...),
        "tags": (list[Annotated[str, StringConstraints(strict=True)]], ...),
        "citation": (Annotated[str, StringConstraints(strict=True)], ...),
        "license": (Literal[LICENSES], ...),
        "status": (Literal[STATUSES], ...),
        "version": (Annotated[str, StringConstraints(strict=True, pattern=r"^v\d+$")], ...),
        "lastReviewed": (date, ...),
        "reviewFrequency": (Literal[FREQUENCIES], ...),
        "reviewedBy": (Annotated[list[reviewer], Field(min_length=1)], ...),  # type: ignore[valid-type]
    }
    for name, (annotation, default) in list(fields.items()):
        fields[name] = (Annotated[annotation, Field(description=DESCRIPTIONS[name])], default)
    for name, type_name in extra:
        fields[name] = (EXTRA_FIELD_TYPES[type_name] | None, None)
    model: type[BaseModel] = create_model(
        "Frontmatter",
        __config__=ConfigDict(extra="forbid", strict=False, title="medlint frontmatter"),
        __doc__="Frontmatter of a medlint patient-education page (default profile).",
        **fields,
    )
    return model


@lru_cache(maxsize=8)
def _cached_model(
    cancer_types: tuple[str, ...], languages: tuple[str, ...], extra: tuple[tuple[str, str], ...]
) -> type[BaseModel]:
    return build_model(cancer_types, languages, extra)


def model_for(packs: RulePacks, extra: tuple[tuple[str, str], ...] = ()) -> type[BaseModel]:
    return _cached_model(tuple(packs.cancer_types), tuple(sorted(packs.languages)), extra)


def json_schema(packs: RulePacks, extra: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    schema = model_for(packs, extra).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://medlint.dev/schemas/frontmatter.schema.json"
    return schema


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class FieldProblem:
    """One problem with one field. `path` is the key path ("reviewedBy", 0, "name")."""

    path: tuple[str | int, ...]
    message: str
    kind: Literal["missing", "unknown", "invalid"]
    suggestion: str | None = None

    def __init__(
        self,
        path: tuple[str | int, ...],
        message: str,
        kind: Literal["missing", "unknown", "invalid"],
        suggestion: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "message", message)
        _set(self, "kind", kind)
        _set(self, "suggestion", suggestion)


def _show(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _choices(values: tuple[str, ...]) -> str:
    return ", ".join(values)


# The profile checked without pydantic, for the common page: every value plainly valid, or
# outside its list of choices (`audienceLevel: patients`), and keys that are missing or not in
# the profile (`lastReveiwed`). Each test below accepts only values the pydantic model accepts
# (it may refuse more: exact types, ASCII digits), and a page it cannot word goes to the model,
# whose errors word every other finding. So a run whose pages have only these problems never
# imports pydantic nor builds the model (about 0.17 s, before a large run's workers fork);
# tests/test_schema.py and tests/test_schema_plain.py check that both ways give the same
# problems, in the same order.
_Check = Callable[[object], bool]


def _text(value: object) -> bool:
    return type(value) is str


def _non_empty(value: object) -> bool:
    return type(value) is str and len(value) > 0


def _non_blank(value: object) -> bool:
    return type(value) is str and bool(value.strip())


def _one_of(choices: tuple[str, ...]) -> _Check:
    allowed = frozenset(choices)
    return lambda value: type(value) is str and value in allowed


def _list_of(item: _Check, *, at_least: int = 0) -> _Check:
    return lambda value: (
        type(value) is list and len(value) >= at_least and all(item(x) for x in value)
    )


def _matches(pattern: str) -> _Check:
    compiled = re.compile(pattern)
    return lambda value: type(value) is str and compiled.fullmatch(value) is not None


def _url(value: object) -> bool:
    if type(value) is not str or not value:
        return False
    try:
        _http_url(value)
    except ValueError:
        return False
    return True


def _day(value: object) -> bool:
    if type(value) is dt.date:
        return True
    if type(value) is str and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def _reviewer(value: object) -> bool:
    if type(value) is str:
        return bool(value.strip())
    if type(value) is not dict or "name" not in value:
        return False
    return all(
        (key == "name" and _non_empty(item))
        or (key == "credentials" and _list_of(_non_empty)(item))
        for key, item in value.items()
    )


_EXTRA_CHECKS: dict[str, _Check] = {
    "string": _text,
    "list": _list_of(_text),
    "date": lambda value: type(value) is dt.date,
    "integer": lambda value: type(value) is int,
    "number": lambda value: type(value) is float or (type(value) is int and abs(value) < 2**53),
    "boolean": lambda value: type(value) is bool,
}


# A profile field: a test of plainly valid values, whether the field is required, and for a
# field that takes one text from a list, that list (a text outside it is worded here, as the
# model words it, rather than by the model).
_Field = tuple[_Check, bool, tuple[str, ...] | None]


@lru_cache(maxsize=8)
def _plain_profile(
    cancer_types: tuple[str, ...], languages: tuple[str, ...], extra: tuple[tuple[str, str], ...]
) -> dict[str, _Field]:
    """Field name -> its `_Field`, in the model's field order."""
    cancer = _one_of(cancer_types) if cancer_types else _text
    fields: dict[str, _Field] = {
        "title": (_non_blank, True, None),
        "url": (_url, True, None),
        "source": (_non_blank, True, None),
        "sourceType": (_matches(r"[0-9]{2}_[a-z0-9_]+"), True, None),
        "audienceLevel": (_one_of(AUDIENCE), True, AUDIENCE),
        "language": (_one_of(languages), True, languages) if languages else (_text, True, None),
        "cancerTypes": (_list_of(cancer, at_least=1), True, None),
        "tags": (_list_of(_text), True, None),
        "citation": (_text, True, None),
        "license": (_one_of(LICENSES), True, LICENSES),
        "status": (_one_of(STATUSES), True, STATUSES),
        "version": (_matches(r"v[0-9]+"), True, None),
        "lastReviewed": (_day, True, None),
        "reviewFrequency": (_one_of(FREQUENCIES), True, FREQUENCIES),
        "reviewedBy": (_list_of(_reviewer, at_least=1), True, None),
    }
    for name, type_name in extra:
        fields[name] = (_optional(_EXTRA_CHECKS[type_name]), False, None)
    return fields


def _optional(check: _Check) -> _Check:
    return lambda value: value is None or check(value)


# A verdict on one (key, value): True when plainly valid, False when only the model can word
# its problem, "" when the key is not in the profile, else the problem's message.
_Verdict = bool | str
_Verdicts = dict[tuple[str, type, object], _Verdict]
# The last (packs, extra) asked for, their profile, and the verdicts given so far on scalar
# values by that profile: a run has one of each, building the profile's cache key (the
# vocabularies as tuples, the languages sorted) cost more than checking a page, and pages
# repeat most of their values (`status: active`, `language: en`, `source: NCI`).
_LAST_PROFILE: list[
    tuple[RulePacks, tuple[tuple[str, str], ...], dict[str, _Field], _Verdicts]
] = []
_MAX_VERDICTS = 4096


def _profile_for(
    packs: RulePacks, extra: tuple[tuple[str, str], ...]
) -> tuple[dict[str, _Field], _Verdicts]:
    if _LAST_PROFILE:
        last_packs, last_extra, profile, verdicts = _LAST_PROFILE[0]
        if last_packs is packs and last_extra == extra:
            return profile, verdicts
    profile = _plain_profile(tuple(packs.cancer_types), tuple(sorted(packs.languages)), extra)
    verdicts = {}
    _LAST_PROFILE[:] = [(packs, extra, profile, verdicts)]
    return profile, verdicts


def prepare_profile(packs: RulePacks, extra: tuple[tuple[str, str], ...] = ()) -> None:
    """Build the plain profile now (a few patterns): a large run's workers inherit it."""
    _profile_for(packs, extra)


# Values whose verdict is a function of (type, value): equal values of one of these types are
# told apart by no check (a list is mutable and checked each time).
_REMEMBERED = frozenset({str, int, float, bool, type(None), dt.date})


def _verdict(profile: dict[str, _Field], key: str, value: object) -> _Verdict:
    field = profile.get(key)
    if field is None:
        return ""
    check, _, choices = field
    if check(value):
        return True
    if choices is not None and type(value) is str and value not in choices:
        return _not_listed(f"`{key}`", key, value, choices)
    return False


def _plain_problems(
    data: dict[str, object], packs: RulePacks, extra: tuple[tuple[str, str], ...] = ()
) -> list[FieldProblem] | None:
    """The problems of `data` when it has only problems worded here; None otherwise."""
    profile, verdicts = _profile_for(packs, extra)
    if type(data) is not dict:
        return None
    wrong: dict[str, str] | None = None  # key -> message, for a text outside its list
    unknown: list[str] | None = None
    for key, value in data.items():
        if type(key) is not str:
            return None  # the model words a key that is not text
        kind = type(value)
        if kind in _REMEMBERED:
            verdict = verdicts.get((key, kind, value))
            if verdict is True:
                continue
            if verdict is None:
                verdict = _verdict(profile, key, value)
                if len(verdicts) >= _MAX_VERDICTS:
                    verdicts.clear()
                verdicts[(key, kind, value)] = verdict
        else:
            verdict = _verdict(profile, key, value)
        if verdict is True:
            continue
        if verdict is False:
            return None
        if verdict:
            if wrong is None:
                wrong = {}
            wrong[key] = verdict
        else:
            if unknown is None:
                unknown = []
            unknown.append(key)
    if wrong is None and unknown is None:
        return [
            FieldProblem((name,), f"required key `{name}` is missing", "missing")
            for name, (_, required, _) in profile.items()
            if required and name not in data
        ]
    if unknown is not None and not all(_model_field_name(name) for name, _ in extra):
        return None  # the model does not have every field the profile has: it words these
    # As the model reports them: wrong values in field order, then unknown keys in the page's
    # order, then what is still missing.
    problems = (
        [FieldProblem((name,), wrong[name], "invalid") for name in profile if name in wrong]
        if wrong is not None
        else []
    )
    missing = {name for name, (_, required, _) in profile.items() if required and name not in data}
    problems += _unknown_and_missing(unknown or [], missing, list(profile))
    return problems


def _model_field_name(name: str) -> bool:
    """Whether pydantic makes a field of this name (it makes `_x` private, and keeps
    `model_config` for itself)."""
    return not name.startswith(("_", "model_"))


def validate(
    data: dict[str, object], packs: RulePacks, extra: tuple[tuple[str, str], ...] = ()
) -> list[FieldProblem]:
    """Every field problem in `data`, worded for a medical editor, one per problem."""
    plain = _plain_problems(data, packs, extra)
    if plain is not None:
        return plain
    return _model_problems(data, packs, extra)


def _model_problems(
    data: dict[str, object], packs: RulePacks, extra: tuple[tuple[str, str], ...] = ()
) -> list[FieldProblem]:
    """`validate` by the pydantic model: every value, and the model's errors reworded."""
    from pydantic import ValidationError

    model = model_for(packs, extra)
    try:
        model.model_validate(data)
        return []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    known = list(model.model_fields)
    problems: list[FieldProblem] = []
    unknown: list[str] = []
    missing: set[str] = set()
    seen: set[tuple[str | int, ...]] = set()
    for err in errors:
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "missing" and len(loc) == 1:
            missing.add(str(loc[0]))
        elif kind == "extra_forbidden" and len(loc) == 1:
            unknown.append(str(loc[0]))
    for err in errors:
        loc = tuple(err["loc"])
        kind = err["type"]
        if len(loc) == 1 and kind in ("missing", "extra_forbidden"):
            continue
        if loc[0] == "reviewedBy" and len(loc) >= 3:
            # The reviewer union (text or mapping) reports once per branch: keep the branch
            # matching what was written, or one plain message when it is neither.
            item = _item(data.get("reviewedBy"), loc[1])
            branch = str(loc[2])
            if isinstance(item, dict) != (branch == "ReviewerEntry"):
                if isinstance(item, (dict, str)):
                    continue
                loc = loc[:2]
                if loc in seen:
                    continue
                seen.add(loc)
                problems.append(
                    FieldProblem(
                        loc,
                        f"`reviewedBy[{loc[1]}]` must be text such as `Name, MD` or a mapping "
                        f"with `name` and `credentials`; got `{_show(item)}`",
                        "invalid",
                    )
                )
                continue
            loc = (*loc[:2], *loc[3:])
        if loc in seen:
            continue
        seen.add(loc)
        problems.append(FieldProblem(loc, _message(loc, err, packs), "invalid"))
    problems += _unknown_and_missing(unknown, missing, known)
    return problems


def _unknown_and_missing(
    unknown: list[str], missing: set[str], known: list[str]
) -> list[FieldProblem]:
    """The problems of keys not in the profile (`unknown`, in the page's order) and of required
    keys not given (`missing`), fields in `known` order; the same for both ways of checking."""
    problems: list[FieldProblem] = []
    # A misspelled key is ONE finding at its own line, not also a missing-key finding.
    for name in unknown:
        import difflib  # only here: a page with an unknown key is rare

        close = difflib.get_close_matches(name, [*missing, *known], n=1, cutoff=0.75)
        if not close:
            lowered = {k.lower(): k for k in known}
            if name.lower() in lowered:
                close = [lowered[name.lower()]]
        if close:
            missing.discard(close[0])
            problems.append(
                FieldProblem(
                    (name,),
                    f"unknown key `{name}`; did you mean `{close[0]}`?",
                    "unknown",
                    suggestion=close[0],
                )
            )
        else:
            problems.append(
                FieldProblem(
                    (name,),
                    f"unknown key `{name}`: the profile has no such field (add it under "
                    "`[tool.medlint.schema] extra-fields` if your team uses it)",
                    "unknown",
                )
            )
    for name in known:
        if name in missing:
            problems.append(FieldProblem((name,), f"required key `{name}` is missing", "missing"))
    return problems


def _item(value: object, index: object) -> object:
    if isinstance(value, list) and isinstance(index, int) and 0 <= index < len(value):
        return value[index]
    return None


def _message(loc: tuple[str | int, ...], err: Any, packs: RulePacks) -> str:
    key = str(loc[0])
    where = "`" + key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:]) + "`"
    value = err.get("input")
    kind = err["type"]
    if kind == "missing":
        return f"{where} is required"
    if kind == "extra_forbidden":
        return f"unknown key {where}"
    if kind == "literal_error":
        if key == "cancerTypes":
            options = _choices(tuple(packs.cancer_types))
            return (
                f"{where} must be a cancer type from the vocabulary ({options}); "
                f"got `{_show(value)}`"
            )
        expected = re.findall(r"'([^']*)'", err["ctx"]["expected"]) if "ctx" in err else []
        return _not_listed(where, key, value, expected)
    if kind == "string_pattern_mismatch":
        if key == "version":
            return f"{where} must be `v` followed by digits, such as v1; got `{_show(value)}`"
        if key == "sourceType":
            return (
                f"{where} must look like `02_nci_core` (two digits, underscore, lower-case "
                f"words); got `{_show(value)}`"
            )
    if kind in ("too_short", "string_too_short"):
        if isinstance(value, list):
            return f"{where} must list at least one entry"
        return f"{where} must not be empty"
    if kind == "value_error":
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        return f"{where} {msg}"
    if kind in ("string_type", "list_type", "dict_type", "model_type"):
        wanted = {
            "string_type": "text",
            "list_type": "a list",
            "dict_type": "a mapping",
            "model_type": "text or a mapping",
        }[kind]
        return f"{where} must be {wanted}; got `{_show(value)}`"
    return f"{where}: {err.get('msg', 'invalid value')}; got `{_show(value)}`"


def _not_listed(where: str, key: str, value: object, expected: Sequence[str]) -> str:
    """A value outside the field's list of choices (`expected`), in an editor's words."""
    if key == "language":
        return f"{where} must be a two-letter ISO 639-1 code such as en or es; got `{_show(value)}`"
    return f"{where} must be one of {', '.join(expected)}; got `{_show(value)}`"
