"""Config, rule options and rule packs are read without pydantic, and say what they said with it.

`[tool.medlint]` tables, rule options and pack files used to be pydantic models; they are now
dataclasses read by `config.parse_table`. Users know the old messages (and scripts grep them), so
each message below was taken from the pydantic models this replaced and is pinned here: unknown
keys by their full key path, wrong types, bounds, and the values pydantic's lax mode accepted
(`"8"` as an integer, `"yes"` as true), which keep working.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import pytest

from medlint.config import Config, ConfigError, LinksConfig, load_config
from medlint.engine import build_settings
from medlint.packs import PackError, load_packs
from tests.conftest import invoke

# (medlint.toml text, the error exactly as the pydantic models worded it)
MESSAGES = [
    (
        "[links]\ntimeout = 0\n[schema]\nextra_fields = { score = 'integer' }\nbogus = 1",
        "unknown key `schema.bogus`\n`links.timeout`: Input should be greater than 0",
    ),
    ("timout = 3", "unknown key `timout`"),
    ("[links]\ntimout = 3", "unknown key `links.timout`"),
    ('[schema]\nextra-fields = { score = "integer" }\nbogus = 1', "unknown key `schema.bogus`"),
    ("[links]\ntimeout = 0", "`links.timeout`: Input should be greater than 0"),
    ("[links]\ntimeout = -1.5", "`links.timeout`: Input should be greater than 0"),
    (
        "[links]\nmax-concurrency = 0",
        "`links.max-concurrency`: Input should be greater than or equal to 1",
    ),
    ("[links]\nretries = -1", "`links.retries`: Input should be greater than or equal to 0"),
    (
        "[links]\nhost-spacing = -0.5",
        "`links.host-spacing`: Input should be greater than or equal to 0",
    ),
    (
        '[links]\ntimeout = "soon"',
        "`links.timeout`: Input should be a valid number, unable to parse string as a number",
    ),
    (
        "[links]\nretries = 2.5",
        "`links.retries`: Input should be a valid integer, got a number with a fractional part",
    ),
    (
        '[links]\nretries = "three"',
        "`links.retries`: Input should be a valid integer, unable to parse string as an integer",
    ),
    ('[links]\nexclude = "example.com"', "`links.exclude`: Input should be a valid list"),
    ('[links]\nexclude = ["a", 3]', "`links.exclude.1`: Input should be a valid string"),
    (
        '[links]\nuse-env-proxy = "maybe"',
        "`links.use-env-proxy`: Input should be a valid boolean, unable to interpret input",
    ),
    (
        "[links]\nuse-env-proxy = 2",
        "`links.use-env-proxy`: Input should be a valid boolean, unable to interpret input",
    ),
    ("links = 3", "`links`: Input should be a valid dictionary or instance of LinksConfig"),
    ('schema = "x"', "`schema`: Input should be a valid dictionary or instance of SchemaConfig"),
    (
        '[schema.extra-fields]\nscore = "float"',
        "`schema.extra-fields.score`: Input should be 'string', 'list', 'date', "
        "'integer', 'number' or 'boolean'",
    ),
    ('select = "placeholder"', "`select`: Input should be a valid list"),
    ("select = [1]", "`select.0`: Input should be a valid string"),
    ('fail-on = "warn"', "`fail-on`: Input should be 'error', 'warning' or 'info'"),
    ("fail-on = 1", "`fail-on`: Input should be 'error', 'warning' or 'info'"),
    (
        'respect-gitignore = "no way"',
        "`respect-gitignore`: Input should be a valid boolean, unable to interpret input",
    ),
    ("offline = 1.5", "`offline`: Input should be a valid boolean"),
    ("cache-dir = 3", "`cache-dir`: Input should be a valid string"),
    ("max-file-size = 0", "`max-file-size`: Input should be greater than or equal to 1"),
    (
        'max-file-size = "big"',
        "`max-file-size`: Input should be a valid integer, unable to parse string as an integer",
    ),
    (
        'today = "2026-02-30"',
        "`today`: Input should be a valid date or datetime, day value is outside expected range",
    ),
    ('today = "26-11-22"', "`today`: Input should be a valid date or datetime, input is too short"),
    (
        'today = "2026/11/22"',
        "`today`: Input should be a valid date or datetime, invalid date separator, expected `-`",
    ),
    (
        "today = 2026-11-22T10:00:00",
        "`today`: Datetimes provided to dates should have zero time - e.g. be exact dates",
    ),
    (
        'today = "2026-11-22T10:00"',
        "`today`: Datetimes provided to dates should have zero time - e.g. be exact dates",
    ),
    ("today = true", "`today`: Input should be a valid date"),
    ("today = [2026]", "`today`: Input should be a valid date"),
    ('per-file-ignores = ["x"]', "`per-file-ignores`: Input should be a valid dictionary"),
    (
        '[per-file-ignores]\n"docs/**" = "placeholder"',
        "`per-file-ignores.docs/**`: Input should be a valid list",
    ),
    (
        '[per-file-ignores]\n"docs/**" = [1]',
        "`per-file-ignores.docs/**.0`: Input should be a valid string",
    ),
    ("rules = 1", "`rules`: Input should be a valid dictionary"),
    ('[rules]\nplaceholder = "warning"', "`rules.placeholder`: Input should be a valid dictionary"),
    ("extend_select = [1]", "`extend_select.0`: Input should be a valid string"),
    ('extend_select = ["a"]\nextend-select = ["b"]', "unknown key `extend_select`"),
    (
        'bogus = 1\nselect = 3\nzzz = 2\nignore = [1, 2, "x"]\nfail-on = 3\n'
        '[links]\ntimout = 1\ntimeout = -1\nretries = "x"',
        # Fields in the order the tables declare them, each table's unknown keys after them.
        "`select`: Input should be a valid list\n"
        "`ignore.0`: Input should be a valid string\n"
        "`ignore.1`: Input should be a valid string\n"
        "`fail-on`: Input should be 'error', 'warning' or 'info'\n"
        "`links.timeout`: Input should be greater than 0\n"
        "`links.retries`: Input should be a valid integer, unable to parse string as an integer\n"
        "unknown key `links.timout`\n"
        "unknown key `bogus`\n"
        "unknown key `zzz`",
    ),
]


@pytest.mark.parametrize(("toml", "message"), MESSAGES)
def test_config_errors_are_worded_as_before(toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_mapping(tomllib.loads(toml))
    assert str(caught.value) == message


def test_pyproject_errors_name_the_full_key_path(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.medlint]\nfail-on = 'never'\n[tool.medlint.links]\ntimout = 3\nretries = -1\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(None, tmp_path)
    where = f"{tmp_path / 'pyproject.toml'}: "
    assert str(caught.value).splitlines() == [
        f"{where}`tool.medlint.fail-on`: Input should be 'error', 'warning' or 'info'",
        f"{where}`tool.medlint.links.retries`: Input should be greater than or equal to 0",
        f"{where}unknown key `tool.medlint.links.timout`",
    ]


def test_an_unknown_rule_option_is_named_with_its_table(tmp_path: Path) -> None:
    (tmp_path / "medlint.toml").write_text("[rules.placeholder]\nseverity = 'warning'\nlimit = 3\n")
    loaded = load_config(None, tmp_path)
    with pytest.raises(ConfigError) as caught:
        build_settings(loaded.config, config_root=tmp_path)
    assert str(caught.value) == "unknown key `rules.placeholder.limit`"
    # The same through the command line: one line, exit status 2, no traceback.
    (tmp_path / "a.md").write_text("# A\n")
    result = invoke(["check", "--offline", "--no-cache", "a.md"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "medlint: error: unknown key `rules.placeholder.limit`" in result.output


def test_values_pydantic_accepted_keep_their_meaning() -> None:
    toml = (
        'extend_select = ["placeholder"]\n'
        'today = "2026-11-22T00:00:00Z"\n'
        'offline = "on"\n'
        'max-file-size = "1_000"\n'
        "schema_ = { extra-fields = { score = 'integer' } }\n"
        "[links]\n"
        'max_concurrency = "8"\n'
        'timeout = "2.5"\n'
        "retries = 3.0\n"
        "cache-ttl = 60\n"
        'use-env-proxy = "yes"\n'
    )
    config = Config.from_mapping(tomllib.loads(toml))
    assert config.extend_select == ["placeholder"]
    assert config.today == dt.date(2026, 11, 22)
    assert config.offline is True
    assert config.max_file_size == 1000
    assert config.schema.extra_fields == {"score": "integer"}
    assert config.links == LinksConfig(
        timeout=2.5, max_concurrency=8, retries=3, cache_ttl=60.0, use_env_proxy=True
    )
    assert type(config.links.retries) is int and type(config.links.cache_ttl) is float


def test_defaults_and_an_empty_table_agree() -> None:
    assert Config.from_mapping({}) == Config()
    assert Config().links.timeout == 10.0 and Config().cache_dir == ".medlint_cache"
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().offline = True  # type: ignore[misc]


# (pack YAML, the error after the file name, as the pydantic models worded it: the first only)
PACK_MESSAGES = [
    ("languages: en", "`languages`: Input should be a valid list"),
    ("languages: [en, 3]", "`languages.1`: Input should be a valid string"),
    (
        "placeholders:\n  phrases: [a]\n  bogus: 1",
        "`placeholders.bogus`: Extra inputs are not permitted",
    ),
    (
        "placeholders: [a]",
        "`placeholders`: Input should be a valid dictionary or instance of _Phrases",
    ),
    (
        "cancer-types:\n  mesothelioma: meso",
        "`cancer-types.mesothelioma`: Input should be a valid list",
    ),
    ("cancer-types: [a]", "`cancer-types`: Input should be a valid dictionary"),
    ("credentials: {MD: 1}", "`credentials`: Input should be a valid list"),
    ("- a\n- b", "``: Input should be a valid dictionary or instance of _PackFile"),
    (
        "boilerplate:\n  case-sensitive: [1]\n  patterns: x",
        "`boilerplate.case-sensitive.0`: Input should be a valid string",
    ),
    ("colour: red\nlanguages: 3", "`languages`: Input should be a valid list"),
    ("1: a", "`1`: Keys should be strings"),
]


@pytest.mark.parametrize(("yaml_text", "message"), PACK_MESSAGES)
def test_pack_errors_are_worded_as_before(tmp_path: Path, yaml_text: str, message: str) -> None:
    pack = tmp_path / "team.yaml"
    pack.write_text(yaml_text + "\n", encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_packs([pack])
    assert str(caught.value) == f"{pack}: {message}"


def test_pack_keys_in_either_spelling(tmp_path: Path) -> None:
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "cancer_types:\n  meso: [mesothelioma]\nplaceholders:\n  case_sensitive: [TBD]\n"
    )
    packs = load_packs([pack])
    assert packs.cancer_types["meso"] == ("mesothelioma",)
    assert "TBD" in packs.placeholders.case_sensitive
