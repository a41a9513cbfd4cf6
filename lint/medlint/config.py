"""Configuration: `[tool.medlint]` in pyproject.toml or a medlint.toml, found from the working
directory upward (the nearest wins, medlint.toml before pyproject.toml in the same folder).

Every table is a pydantic model with `extra="forbid"`, so a misspelled key is an error that names
its full key path, not a setting silently ignored.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file and the key path."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True)


class SchemaConfig(_Table):
    # Optional fields a team adds to the profile: name -> type.
    extra_fields: dict[str, Literal["string", "list", "date", "integer", "number", "boolean"]] = {}


class LinksConfig(_Table):
    timeout: float = Field(default=10.0, gt=0)
    max_concurrency: int = Field(default=64, ge=1)
    per_host: int = Field(default=8, ge=1)
    host_spacing: float = Field(default=0.0, ge=0)
    retries: int = Field(default=2, ge=0)
    max_redirects: int = Field(default=10, ge=0)
    cache_ttl: float = Field(default=86400.0, ge=0)
    exclude: list[str] = []
    allow_private: list[str] = []
    use_env_proxy: bool = False


class Config(_Table):
    select: list[str] | None = None
    extend_select: list[str] = []
    ignore: list[str] = []
    exclude: list[str] = []
    extend_exclude: list[str] = []
    per_file_ignores: dict[str, list[str]] = {}
    respect_gitignore: bool = True
    fail_on: Literal["error", "warning", "info"] = "error"
    today: dt.date | None = None
    offline: bool = False
    cache_dir: str = ".medlint_cache"
    rule_packs: list[str] = []
    max_file_size: int = Field(default=10 * 1024 * 1024, ge=1)
    # Per-rule tables: `[tool.medlint.rules.placeholder] severity = "warning"` plus rule options.
    rules: dict[str, dict[str, object]] = {}
    schema_: SchemaConfig = Field(default=SchemaConfig(), alias="schema")
    links: LinksConfig = LinksConfig()


class LoadedConfig(BaseModel):
    config: Config
    path: Path | None  # the file it came from
    root: Path  # the folder config paths are relative to


def find_config(start: Path) -> Path | None:
    """The nearest medlint.toml, or pyproject.toml with a [tool.medlint] table, upward."""
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
    path = explicit if explicit is not None else find_config(cwd.resolve())
    if path is None:
        return LoadedConfig(config=Config(), path=None, root=cwd)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
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
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_error(exc, f"{path}: ", prefix)) from None
    return LoadedConfig(config=config, path=path, root=path.parent)


def describe_error(exc: ValidationError, where: str, prefix: str) -> str:
    lines = []
    for err in exc.errors(include_url=False):
        key = prefix + ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            lines.append(f"{where}unknown key `{key}`")
        else:
            lines.append(f"{where}`{key}`: {err['msg']}")
    return "\n".join(lines)
