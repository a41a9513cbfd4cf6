"""Configuration: `[tool.medlint]` in pyproject.toml or a medlint.toml, found from the working
directory upward (the nearest wins, medlint.toml before pyproject.toml in the same folder).

Every table is a frozen dataclass read by `parse_table`, a small validator driven by the
dataclass's field types: a misspelled key is an error that names its full key path, not a setting
silently ignored. It is not pydantic because config is read on every run, the pre-commit hook's
one-page runs included, and importing pydantic and building the models cost more than checking
the page; it accepts the same values and words its errors exactly as the pydantic models it
replaces did, so configs and the messages people know keep working.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

from medlint.records import record

T = TypeVar("T")


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file and the key path."""


# ---------------------------------------------------------------------------------------------
# The validator. Tables are dataclasses; a field's type says what it accepts (str, int, float,
# bool, dt.date, Literal[...], list[X], dict[str, X], X | None, object, a nested dataclass) and
# `field(metadata={"gt": 0})` or "ge" bounds a number. Keys are the field names in kebab-case;
# the snake_case name is accepted too (the pydantic models had `populate_by_name`; metadata
# "snake" names another spelling), and when both are given the kebab-case one wins and the other
# is an unknown key. Scalars are coerced the way
# pydantic's lax mode did (`"3"` is an int, `"yes"` a bool), because configs written against the
# pydantic models must keep their meaning.


class Problem(NamedTuple):
    """One validation error: where (key path), pydantic's error type name, and the message."""

    loc: tuple[str | int, ...]
    kind: str
    msg: str


class Invalid(Exception):
    """The problems of one table, in pydantic's order: fields as declared, then unknown keys."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].msg if problems else "invalid")
        self.problems = problems


class _Bad:
    """The result of a value with a problem (the problem is already recorded)."""


_BAD = _Bad()


class _Field(NamedTuple):
    name: str
    alias: str  # the key in kebab-case
    other: str  # the snake_case spelling, also accepted
    kind: Any  # the field's type, resolved
    gt: float | None
    ge: float | None


_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _fields(cls: type) -> tuple[_Field, ...]:
    known = _FIELDS.get(cls)
    if known is None:
        hints = typing.get_type_hints(cls)
        known = tuple(
            _Field(
                name=f.name,
                alias=_kebab(f.name),
                other=f.metadata.get("snake", f.name),
                kind=hints[f.name],
                gt=f.metadata.get("gt"),
                ge=f.metadata.get("ge"),
            )
            for f in dataclasses.fields(cls)
        )
        _FIELDS[cls] = known
    return known


def parse_table(cls: type[T], data: object) -> T:
    """`data` (a TOML or YAML mapping) as an instance of the dataclass `cls`, or `Invalid`."""
    problems: list[Problem] = []
    value = _table(cls, data, (), problems)
    if problems or isinstance(value, _Bad):
        raise Invalid(problems)
    return value


def _loc_item(key: object) -> str | int:
    # pydantic shows a key path item as a string or an integer (a bool key is an integer).
    if isinstance(key, str):
        return key
    if isinstance(key, int):
        return int(key)
    return str(key)


def _table(cls: type[T], data: object, loc: tuple[str | int, ...], out: list[Problem]) -> T | _Bad:
    if isinstance(data, cls):
        return data
    if not isinstance(data, dict):
        out.append(
            Problem(
                loc,
                "model_type",
                f"Input should be a valid dictionary or instance of {cls.__name__}",
            )
        )
        return _BAD
    before = len(out)
    values: dict[str, object] = {}
    used: set[str] = set()
    for spec in _fields(cls):
        if spec.alias in data:
            key = spec.alias
        elif spec.other in data:
            key = spec.other
        else:
            continue
        used.add(key)
        value = _value(spec.kind, data[key], (*loc, key), out)
        if not isinstance(value, _Bad):
            value = _bounded(spec, value, (*loc, key), out)
        values[spec.name] = value
    for key in data:
        if not isinstance(key, str):
            out.append(Problem((*loc, _loc_item(key)), "invalid_key", "Keys should be strings"))
        elif key not in used:
            out.append(Problem((*loc, key), "extra_forbidden", "Extra inputs are not permitted"))
    if len(out) > before:
        return _BAD
    return cls(**values)


def _bounded(spec: _Field, value: object, loc: tuple[str | int, ...], out: list[Problem]) -> object:
    if isinstance(value, (int, float)):
        if spec.gt is not None and not value > spec.gt:
            out.append(Problem(loc, "greater_than", f"Input should be greater than {spec.gt}"))
            return _BAD
        if spec.ge is not None and not value >= spec.ge:
            out.append(
                Problem(
                    loc,
                    "greater_than_equal",
                    f"Input should be greater than or equal to {spec.ge}",
                )
            )
            return _BAD
    return value


def _value(kind: Any, value: object, loc: tuple[str | int, ...], out: list[Problem]) -> object:
    origin = typing.get_origin(kind)
    if kind is object:
        return value
    if kind is str:
        return _str(value, loc, out)
    if kind is bool:
        return _bool(value, loc, out)
    if kind is int:
        return _int(value, loc, out)
    if kind is float:
        return _float(value, loc, out)
    if kind is dt.date:
        return _date(value, loc, out)
    if origin is Literal:
        choices = typing.get_args(kind)
        if isinstance(value, str) and value in choices:
            return value
        shown = [repr(c) for c in choices]
        expected = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
        out.append(Problem(loc, "literal_error", f"Input should be {expected}"))
        return _BAD
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(kind)
        if value is None and type(None) in args:
            return None
        (inner,) = (a for a in args if a is not type(None))
        return _value(inner, value, loc, out)
    if origin is list:
        (item,) = typing.get_args(kind)
        if not isinstance(value, (list, tuple, set, frozenset)):
            out.append(Problem(loc, "list_type", "Input should be a valid list"))
            return _BAD
        before = len(out)
        items = [_value(item, v, (*loc, i), out) for i, v in enumerate(value)]
        return _BAD if len(out) > before else items
    if origin is dict:
        key_kind, item = typing.get_args(kind)
        if not isinstance(value, dict):
            out.append(Problem(loc, "dict_type", "Input should be a valid dictionary"))
            return _BAD
        before = len(out)
        mapping: dict[object, object] = {}
        for key, v in value.items():
            where = (*loc, _loc_item(key))
            checked_key = _value(key_kind, key, (*where, "[key]"), out)
            checked = _value(item, v, where, out)
            mapping[checked_key] = checked
        return _BAD if len(out) > before else mapping
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _table(kind, value, loc, out)
    raise TypeError(f"config field type {kind!r} is not supported")  # a bug in a table


def _str(value: object, loc: tuple[str | int, ...], out: list[Problem]) -> object:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            out.append(
                Problem(
                    loc,
                    "string_unicode",
                    "Input should be a valid string, unable to parse raw data as a unicode string",
                )
            )
            return _BAD
    out.append(Problem(loc, "string_type", "Input should be a valid string"))
    return _BAD


_TRUE = frozenset({"1", "t", "y", "on", "yes", "true"})
_FALSE = frozenset({"0", "f", "n", "no", "off", "false"})


def _bool(value: object, loc: tuple[str | int, ...], out: list[Problem]) -> object:
    if isinstance(value, bool):
        return value
    parsing = False
    if isinstance(value, str):
        # Only ASCII letters fold: "TRUE" is true, a dotted capital I is not an i.
        folded = value.lower() if value.isascii() else value
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        parsing = True
    elif isinstance(value, int) and -(2**63) <= value < 2**63:
        if value in (0, 1):
            return value == 1
        parsing = True
    elif isinstance(value, float) and value.is_integer() and -(2.0**63) < value < 2.0**63:
        if value in (0.0, 1.0):
            return value == 1.0
        parsing = True
    if parsing:
        msg = "Input should be a valid boolean, unable to interpret input"
        out.append(Problem(loc, "bool_parsing", msg))
    else:
        out.append(Problem(loc, "bool_type", "Input should be a valid boolean"))
    return _BAD


# Patterns by text, not compiled at import: only a value written as a string needs them.
_INT = r"[+-]?[0-9]+"


def _underscored(text: str) -> str | None:
    """`text` without digit-group underscores, as `1_000`; None when it has none to remove."""
    if text.startswith("_") or text.endswith("_") or "_" not in text or "__" in text:
        return None
    return text.replace("_", "")


def _int(value: object, loc: tuple[str | int, ...], out: list[Problem]) -> object:
    if isinstance(value, int):  # a bool too: True is 1 in lax mode
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            out.append(Problem(loc, "finite_number", "Input should be a finite number"))
            return _BAD
        if not value.is_integer():
            msg = "Input should be a valid integer, got a number with a fractional part"
            out.append(Problem(loc, "int_from_float", msg))
            return _BAD
        if not -(2.0**63) < value < 2.0**63:
            msg = "Unable to parse input string as an integer, exceeded maximum size"
            out.append(Problem(loc, "int_parsing_size", msg))
            return _BAD
        return int(value)
    if isinstance(value, str):
        # As pydantic: digits, after dropping a `.0…` ending, with `_` between digit groups or not.
        text = value.strip()
        dot = text.find(".")
        if dot < 0 or (text[dot + 1 :] and not text[dot + 1 :].strip("0")):
            body = text if dot < 0 else text[:dot]
            for candidate in (body, _underscored(body)):
                if candidate is not None and re.fullmatch(_INT, candidate):
                    return int(candidate)
        msg = "Input should be a valid integer, unable to parse string as an integer"
        out.append(Problem(loc, "int_parsing", msg))
        return _BAD
    out.append(Problem(loc, "int_type", "Input should be a valid integer"))
    return _BAD


_FLOAT = r"(?i)[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)"


def _float(value: object, loc: tuple[str | int, ...], out: list[Problem]) -> object:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        for candidate in (text, _underscored(text)):
            if candidate is not None and re.fullmatch(_FLOAT, candidate):
                return float(candidate)
        msg = "Input should be a valid number, unable to parse string as a number"
        out.append(Problem(loc, "float_parsing", msg))
        return _BAD
    out.append(Problem(loc, "float_type", "Input should be a valid number"))
    return _BAD


# Dates, as pydantic's lax mode read them: a date; a datetime at midnight; a string holding
# either (speedate's RFC 3339 reading, its reasons worded as it words them); a Unix timestamp
# (seconds, or milliseconds above 2e10) at midnight, as a number or a string of digits.
_INEXACT = "Datetimes provided to dates should have zero time - e.g. be exact dates"
_UNIX_0000 = -62_167_219_200
_UNIX_9999 = 253_402_300_799
_EPOCH = dt.date(1970, 1, 1)


class _DateParse(ValueError):
    """Not a date or datetime; the argument is the reason as pydantic words it."""


class _Inexact(ValueError):
    """A datetime, but not at midnight."""


class _YearZero(ValueError):
    """A well-formed date in year 0, which Python's dates do not have."""


def _date(value: object, loc: tuple[str | int, ...], out: list[Problem]) -> object:
    try:
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0, 0):
                raise _Inexact
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return _date_from_text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _from_timestamp(value)
        out.append(Problem(loc, "date_type", "Input should be a valid date"))
    except _DateParse as exc:
        msg = f"Input should be a valid date or datetime, {exc}"
        out.append(Problem(loc, "date_from_datetime_parsing", msg))
    except _Inexact:
        out.append(Problem(loc, "date_from_datetime_inexact", _INEXACT))
    except _YearZero:
        msg = "Input should be a valid date in the format YYYY-MM-DD, year 0 is out of range"
        out.append(Problem(loc, "date_parsing", msg))
    return _BAD


def _from_timestamp(stamp: float) -> dt.date:
    if isinstance(stamp, float) and math.isnan(stamp):
        raise _DateParse("NaN values not permitted")
    if abs(stamp) > 20_000_000_000:  # milliseconds
        stamp = stamp / 1000
    if stamp > _UNIX_9999:
        raise _DateParse("dates after 9999 are not supported as unix timestamps")
    if stamp < _UNIX_0000:
        raise _DateParse("dates before 0000 are not supported as unix timestamps")
    days, rest = divmod(stamp, 86400)
    if rest:
        raise _Inexact
    try:
        return _EPOCH + dt.timedelta(days=int(days))
    except OverflowError:
        raise _YearZero from None


def _digits(text: str) -> bool:
    return len(text) == 2 and text.isascii() and text.isdigit()


def _date_part(text: str) -> tuple[int, int, int]:
    """Year, month and day from the first ten characters."""
    if len(text) < 10:
        raise _DateParse("input is too short")
    if not (text[0:4].isascii() and text[0:4].isdigit()):
        raise _DateParse("invalid character in year")
    if text[4] != "-":
        raise _DateParse("invalid date separator, expected `-`")
    if not _digits(text[5:7]):
        raise _DateParse("invalid character in month")
    if text[7] != "-":
        raise _DateParse("invalid date separator, expected `-`")
    if not _digits(text[8:10]):
        raise _DateParse("invalid character in day")
    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    if not 1 <= month <= 12:
        raise _DateParse("month value is outside expected range of 1-12")
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    if not 1 <= day <= days:
        raise _DateParse("day value is outside expected range")
    return year, month, day


def _midnight(text: str) -> bool:
    """Whether a datetime's time (hh:mm[:ss[.fraction]], then Z or an offset) is midnight."""
    if len(text) < 5:
        raise _DateParse("input is too short")
    if not _digits(text[0:2]):
        raise _DateParse("invalid character in hour")
    if text[2] != ":":
        raise _DateParse("invalid time separator, expected `:`")
    if not _digits(text[3:5]):
        raise _DateParse("invalid character in minute")
    if int(text[0:2]) > 23:
        raise _DateParse("hour value is outside expected range of 0-23")
    if int(text[3:5]) > 59:
        raise _DateParse("minute value is outside expected range of 0-59")
    zero = text[0:5] == "00:00"
    at = 5
    if text[at : at + 1] == ":":
        if not _digits(text[6:8]):
            raise _DateParse("invalid character in second")
        if int(text[6:8]) > 59:
            raise _DateParse("second value is outside expected range of 0-59")
        zero = zero and text[6:8] == "00"
        at = 8
        if text[at : at + 1] in (".", ","):
            end = at + 1
            while text[end : end + 1].isascii() and text[end : end + 1].isdigit():
                end += 1
            if end == at + 1:
                raise _DateParse("second fraction digits missing after `.`")
            zero = zero and not text[at + 1 : end][:6].strip("0")  # microseconds: six digits
            at = end
    rest = text[at:]
    if rest[:1] in ("Z", "z"):
        rest = rest[1:]
    elif rest[:1] in ("+", "-"):
        if not _digits(rest[1:3]):
            raise _DateParse("invalid timezone hour")
        cut = 4 if rest[3:4] == ":" else 3
        if not _digits(rest[cut : cut + 2]):
            raise _DateParse("invalid timezone minute")
        if int(rest[cut : cut + 2]) > 59:
            raise _DateParse("timezone minute value is outside expected range of 0-59")
        if int(rest[1:3]) >= 24:
            raise _DateParse("timezone offset must be less than 24 hours")
        rest = rest[cut + 2 :]
    elif rest:
        raise _DateParse("invalid timezone sign")
    if rest:
        raise _DateParse("unexpected extra characters at the end of the input")
    return zero


_TIMESTAMP_FLOAT = r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def _date_from_text(text: str) -> dt.date:
    try:
        year, month, day = _date_part(text)
        if len(text) > 10:  # a datetime, which must be at midnight
            if text[10] not in "Tt_ ":
                raise _DateParse("invalid datetime separator, expected `T`, `t`, `_` or space")
            if not _midnight(text[11:]):
                raise _Inexact
    except _DateParse:
        # Not a date or datetime: digits are a timestamp, anything else keeps its reason.
        if re.fullmatch(_INT, text):
            return _from_timestamp(int(text))
        if re.fullmatch(_TIMESTAMP_FLOAT, text):
            return _from_timestamp(float(text))
        raise
    if year == 0:
        raise _YearZero
    return dt.date(year, month, day)


def describe_error(problems: list[Problem], where: str, prefix: str) -> str:
    """One line per problem: `unknown key `tool.medlint.x``, or the key path and the message."""
    lines = []
    for problem in problems:
        key = prefix + ".".join(str(p) for p in problem.loc)
        if problem.kind == "extra_forbidden":
            lines.append(f"{where}unknown key `{key}`")
        else:
            lines.append(f"{where}`{key}`: {problem.msg}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The tables.


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class SchemaConfig:
    """`[schema]`: what a team adds to the frontmatter profile."""

    # Optional fields a team adds to the profile: name -> type.
    extra_fields: dict[str, Literal["string", "list", "date", "integer", "number", "boolean"]] = (
        field(default_factory=dict)
    )

    def __init__(
        self,
        extra_fields: dict[str, Literal["string", "list", "date", "integer", "number", "boolean"]]
        | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "extra_fields", {} if extra_fields is None else extra_fields)


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class LinksConfig:
    """`[links]`: how remote links are checked (limits, retries, what is never fetched)."""

    timeout: float = field(default=10.0, metadata={"gt": 0})
    max_concurrency: int = field(default=64, metadata={"ge": 1})
    per_host: int = field(default=8, metadata={"ge": 1})
    host_spacing: float = field(default=0.0, metadata={"ge": 0})
    retries: int = field(default=2, metadata={"ge": 0})
    max_redirects: int = field(default=10, metadata={"ge": 0})
    cache_ttl: float = field(default=86400.0, metadata={"ge": 0})
    exclude: list[str] = field(default_factory=list)
    allow_private: list[str] = field(default_factory=list)
    use_env_proxy: bool = False

    def __init__(
        self,
        timeout: float = 10.0,
        max_concurrency: int = 64,
        per_host: int = 8,
        host_spacing: float = 0.0,
        retries: int = 2,
        max_redirects: int = 10,
        cache_ttl: float = 86400.0,
        exclude: list[str] | None = None,
        allow_private: list[str] | None = None,
        use_env_proxy: bool = False,
    ) -> None:
        _set = object.__setattr__
        _set(self, "timeout", timeout)
        _set(self, "max_concurrency", max_concurrency)
        _set(self, "per_host", per_host)
        _set(self, "host_spacing", host_spacing)
        _set(self, "retries", retries)
        _set(self, "max_redirects", max_redirects)
        _set(self, "cache_ttl", cache_ttl)
        _set(self, "exclude", [] if exclude is None else exclude)
        _set(self, "allow_private", [] if allow_private is None else allow_private)
        _set(self, "use_env_proxy", use_env_proxy)


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Config:
    """The whole `medlint.toml` (or `[tool.medlint]`) table, as read and validated."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    respect_gitignore: bool = True
    fail_on: Literal["error", "warning", "info"] = "error"
    today: dt.date | None = None
    offline: bool = False
    cache_dir: str = ".medlint_cache"
    rule_packs: list[str] = field(default_factory=list)
    max_file_size: int = field(default=10 * 1024 * 1024, metadata={"ge": 1})
    # Per-rule tables: `[tool.medlint.rules.placeholder] severity = "warning"` plus rule options.
    rules: dict[str, dict[str, object]] = field(default_factory=dict)
    # The pydantic model called this field `schema_` (pydantic reserves `schema`); the key was
    # and is `schema`, and `schema_` is still accepted as its snake_case spelling.
    schema: SchemaConfig = field(default_factory=SchemaConfig, metadata={"snake": "schema_"})
    links: LinksConfig = field(default_factory=LinksConfig)

    @classmethod
    def from_mapping(cls, data: object, *, where: str = "", prefix: str = "") -> Config:
        """The config of a parsed TOML table; `ConfigError` names `where` and each key path."""
        try:
            return parse_table(cls, data)
        except Invalid as exc:
            raise ConfigError(describe_error(exc.problems, where, prefix)) from None

    @classmethod
    def model_validate(cls, data: object) -> Config:
        """The name callers used when Config was a pydantic model (tests/test_fixtures.py)."""
        return cls.from_mapping(data)

    def __init__(
        self,
        select: list[str] | None = None,
        extend_select: list[str] | None = None,
        ignore: list[str] | None = None,
        exclude: list[str] | None = None,
        extend_exclude: list[str] | None = None,
        per_file_ignores: dict[str, list[str]] | None = None,
        respect_gitignore: bool = True,
        fail_on: Literal["error", "warning", "info"] = "error",
        today: dt.date | None = None,
        offline: bool = False,
        cache_dir: str = ".medlint_cache",
        rule_packs: list[str] | None = None,
        max_file_size: int = 10 * 1024 * 1024,
        rules: dict[str, dict[str, object]] | None = None,
        schema: SchemaConfig | None = None,
        links: LinksConfig | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "select", select)
        _set(self, "extend_select", [] if extend_select is None else extend_select)
        _set(self, "ignore", [] if ignore is None else ignore)
        _set(self, "exclude", [] if exclude is None else exclude)
        _set(self, "extend_exclude", [] if extend_exclude is None else extend_exclude)
        _set(self, "per_file_ignores", {} if per_file_ignores is None else per_file_ignores)
        _set(self, "respect_gitignore", respect_gitignore)
        _set(self, "fail_on", fail_on)
        _set(self, "today", today)
        _set(self, "offline", offline)
        _set(self, "cache_dir", cache_dir)
        _set(self, "rule_packs", [] if rule_packs is None else rule_packs)
        _set(self, "max_file_size", max_file_size)
        _set(self, "rules", {} if rules is None else rules)
        _set(self, "schema", SchemaConfig() if schema is None else schema)
        _set(self, "links", LinksConfig() if links is None else links)


class LoadedConfig(NamedTuple):
    config: Config
    path: Path | None  # the file it came from
    root: Path  # the folder config paths are relative to


def find_config(start: Path) -> Path | None:
    """The nearest medlint.toml, or pyproject.toml with a [tool.medlint] table, upward."""
    import tomllib  # here, not at import: a run without a config file never needs it

    for folder in [start, *start.parents]:
        candidate = folder / "medlint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
                continue
            if "medlint" in data.get("tool", {}):
                return pyproject
    return None


def load_config(explicit: Path | None, cwd: Path) -> LoadedConfig:
    import tomllib

    path = explicit if explicit is not None else find_config(cwd.resolve())
    if path is None:
        return LoadedConfig(config=Config(), path=None, root=cwd)
    from medlint.discovery import read_regular

    try:
        data = tomllib.loads(read_regular(path).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
    prefix = ""
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("medlint", {})
        prefix = "tool.medlint."
    config = Config.from_mapping(data, where=f"{path}: ", prefix=prefix)
    return LoadedConfig(config=config, path=path, root=path.parent)
