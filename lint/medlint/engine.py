"""Running the checks: settings from config and flags, one file at a time, then the whole run.

`lint_file` is a pure function of a path's bytes and the settings, so it can run in a worker
process and its result can be cached by content. Anything a check raises is turned into an
`internal-error` finding for that file, so one bad page or one rule bug never stops a run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from medlint import suppressions
from medlint.config import Config, ConfigError, Invalid, describe_error, parse_table
from medlint.discovery import Discovered, FileTooLarge, read_regular
from medlint.document import Document
from medlint.findings import Finding, Severity, Span
from medlint.markdown import Link
from medlint.packs import PackError, load_packs
from medlint.records import record
from medlint.registry import Context, Rule, all_rules, lookup
from medlint.text import DecodeFailure, decode

if TYPE_CHECKING:
    import pathspec

    from medlint.suppressions import Suppression

UNREADABLE = ("ML010", "unreadable-file")
INTERNAL = ("ML099", "internal-error")


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Settings:
    """The configured rules and what they need, built once for a run."""

    rules: tuple[Rule, ...]  # every selected rule, configured
    ctx: Context
    selected: frozenset[str]  # names of the selected rules (document and run scope)
    per_file_ignores: tuple[tuple[pathspec.GitIgnoreSpec, frozenset[str]], ...] = ()
    max_file_size: int = 10 * 1024 * 1024
    fail_on: Severity = Severity.ERROR
    # Where `check` cached link verdicts; `fix` reads permanent redirects from it (never the
    # network). None when offline or with --no-cache.
    link_cache: Path | None = None

    @property
    def document_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.scope == "document")

    def rule(self, name: str) -> Rule | None:
        for r in self.rules:
            if r.name == name:
                return r
        return None

    def __init__(
        self,
        rules: tuple[Rule, ...],
        ctx: Context,
        selected: frozenset[str],
        per_file_ignores: tuple[tuple[pathspec.GitIgnoreSpec, frozenset[str]], ...] = (),
        max_file_size: int = 10 * 1024 * 1024,
        fail_on: Severity = Severity.ERROR,
        link_cache: Path | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "rules", rules)
        _set(self, "ctx", ctx)
        _set(self, "selected", selected)
        _set(self, "per_file_ignores", per_file_ignores)
        _set(self, "max_file_size", max_file_size)
        _set(self, "fail_on", fail_on)
        _set(self, "link_cache", link_cache)


@record(frozen=False)
@dataclass(init=False, repr=False, eq=False, slots=True)
class FileResult:
    """What one file contributes to a run."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    anchors: frozenset[str] = frozenset()
    url: str | None = None  # the page's own `url`, for resolving root-relative links
    suppressions: list[suppressions.Suppression] = field(default_factory=list)
    document: Document | None = None  # kept only when the caller asks (fix)

    def __init__(
        self,
        path: str,
        findings: list[Finding] | None = None,
        links: list[Link] | None = None,
        anchors: frozenset[str] = frozenset(),
        url: str | None = None,
        suppressions: list[Suppression] | None = None,
        document: Document | None = None,
    ) -> None:
        self.path = path
        self.findings = [] if findings is None else findings
        self.links = [] if links is None else links
        self.anchors = anchors
        self.url = url
        self.suppressions = [] if suppressions is None else suppressions
        self.document = document

    __hash__ = None  # type: ignore[assignment]  # mutable, as @dataclass leaves it


def canonical_rule(name_or_code: str) -> str | None:
    rule = lookup(name_or_code)
    return rule.name if rule is not None else None


def resolve_rule_names(values: Iterable[str], what: str) -> set[str]:
    """Names for `--select`/`--ignore` values: names, codes, code prefixes (`ML1`) or ALL."""
    out: set[str] = set()
    rules = all_rules()
    for raw in values:
        for value in (v.strip() for v in raw.split(",")):
            if not value:
                continue
            if value.upper() == "ALL":
                out.update(rules)
                continue
            rule = lookup(value)
            if rule is not None:
                out.add(rule.name)
                continue
            prefixed = [r.name for r in rules.values() if r.code.upper().startswith(value.upper())]
            if prefixed and value[:2].upper() == "ML":
                out.update(prefixed)
                continue
            raise ConfigError(f"{what}: unknown rule `{value}` (see `medlint rules`)")
    return out


def build_settings(
    config: Config,
    *,
    config_root: Path,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    today: dt.date | None = None,
    fail_on: str | None = None,
) -> Settings:
    """Combine config and command-line flags (flags win) into the settings of a run."""
    rules = all_rules()
    if select:
        chosen = resolve_rule_names(select, "--select")
    elif config.select is not None:
        chosen = resolve_rule_names(config.select, "select")
    else:
        chosen = set(rules)
    chosen |= resolve_rule_names(config.extend_select, "extend-select")
    chosen -= resolve_rule_names(config.ignore, "ignore")
    if ignore:
        chosen -= resolve_rule_names(ignore, "--ignore")
    try:
        packs = load_packs(tuple(config_root / p for p in config.rule_packs))
    except PackError as exc:
        raise ConfigError(str(exc)) from None
    instances: list[Rule] = []
    options: dict[str, object] = {}
    for key in config.rules:
        if canonical_rule(key) is None:
            raise ConfigError(f"unknown rule `{key}` in `rules.{key}` (see `medlint rules`)")
    for name, cls in rules.items():
        table = dict(config.rules.get(name, {}) or config.rules.get(cls.code, {}))
        severity = None
        if "severity" in table:
            try:
                severity = Severity.parse(str(table.pop("severity")))
            except ValueError as exc:
                raise ConfigError(f"`rules.{name}.severity`: {exc}") from None
        try:
            opts: object = parse_table(cls.Options, table)
        except Invalid as exc:
            raise ConfigError(describe_error(exc.problems, "", f"rules.{name}.")) from None
        options[name] = opts
        if name in chosen:
            instances.append(cls(opts, severity))
    extra = tuple(sorted(config.schema.extra_fields.items()))
    env_today = os.environ.get("MEDLINT_TODAY")
    when = today
    if when is None and env_today:
        try:
            when = dt.date.fromisoformat(env_today)
        except ValueError:
            raise ConfigError(f"MEDLINT_TODAY: `{env_today}` is not a date (YYYY-MM-DD)") from None
    if when is None:
        when = config.today or dt.date.today()
    pfi: tuple[tuple[pathspec.GitIgnoreSpec, frozenset[str]], ...] = ()
    if config.per_file_ignores:  # pathspec is imported only by the configs that use it
        import pathspec

        pfi = tuple(
            (
                pathspec.GitIgnoreSpec.from_lines([glob]),
                frozenset(resolve_rule_names(names, f"per-file-ignores.{glob}")),
            )
            for glob, names in config.per_file_ignores.items()
        )
    ctx = Context(today=when, packs=packs, schema_extra=extra, options=options)
    return Settings(
        rules=tuple(instances),
        ctx=ctx,
        selected=frozenset(chosen),
        per_file_ignores=pfi,
        max_file_size=config.max_file_size,
        fail_on=Severity.parse(fail_on or config.fail_on),
    )


def prepare(settings: Settings) -> None:
    """Every selected rule's costly set-up (`Rule.prepare`), done once in this process.

    For the worker pool to call before it forks, and only when some page is to be checked: the
    workers inherit what was built (the frontmatter profile's plain checks) instead of each
    building it. What only a few pages need (the profile's pydantic model) is left to the first
    page that needs it: built here, it held up the run while the second core sat idle. A run
    answered from the cache must not call it.
    """
    for rule in settings.document_rules:
        rule.prepare(settings.ctx)


def file_finding(
    path: str, rule: tuple[str, str], message: str, line: int = 1, column: int = 1
) -> Finding:
    """A finding about a file as a whole (it cannot be read, a rule crashed on it)."""
    span = Span(start=0, end=0, line=line, column=column, end_line=line, end_column=column)
    return Finding(
        path=path, code=rule[0], rule=rule[1], severity=Severity.ERROR, span=span, message=message
    )


def read_document(path: Path, display: str, settings: Settings) -> Document | Finding:
    """The file's Document, or a finding saying why it cannot be read."""
    try:
        raw = read_regular(path, settings.max_file_size)
    except FileTooLarge as exc:
        return file_finding(
            display,
            UNREADABLE,
            f"file is {exc.size / 1048576:.1f} MB, over the "
            f"{settings.max_file_size / 1048576:.1f} MB limit: not checked "
            "(raise `max-file-size` if it really is one page)",
        )
    except IsADirectoryError:
        return file_finding(display, UNREADABLE, "is a folder, not a file")
    except OSError as exc:
        return file_finding(display, UNREADABLE, f"cannot read file: {exc.strerror or exc}")
    return document_from_bytes(display, raw)


def document_from_bytes(display: str, raw: bytes) -> Document | Finding:
    try:
        decoded = decode(raw)
    except DecodeFailure as exc:
        return file_finding(display, UNREADABLE, str(exc), exc.line, exc.column)
    utf8 = raw[3:] if decoded.bom else raw  # the text's bytes, without the BOM's three
    return Document(display, decoded.text, bom=decoded.bom, utf8=utf8)


# The last settings checked with and their document rules that look at pages
# (`Settings.document_rules` builds a new tuple at every call; a run checks every page with the
# same settings). Rules that keep the base `Rule.check`, which finds nothing (the file-level
# rules the engine reports itself), are left out.
_LAST_RULES: list[tuple[Settings, tuple[Rule, ...]]] = []


def _document_rules(settings: Settings) -> tuple[Rule, ...]:
    if _LAST_RULES and _LAST_RULES[0][0] is settings:
        return _LAST_RULES[0][1]
    rules = tuple(r for r in settings.document_rules if type(r).check is not Rule.check)
    _LAST_RULES[:] = [(settings, rules)]
    return rules


def check_document(doc: Document, settings: Settings) -> list[Finding]:
    """Every document-scope finding for `doc`, before suppressions."""
    found: list[Finding] = []
    ctx = settings.ctx
    for rule in _document_rules(settings):
        try:
            found.extend(rule.check(doc, ctx))
        except Exception as exc:  # A rule bug must not end the run: report it on the file.
            import traceback

            where = traceback.extract_tb(exc.__traceback__)[-1]
            found.append(
                file_finding(
                    doc.path,
                    INTERNAL,
                    f"rule `{rule.name}` failed on this file ({type(exc).__name__}: {exc} at "
                    f"{Path(where.filename).name}:{where.lineno}); please report it",
                )
            )
    return found


def lint_file(item: Discovered, settings: Settings, *, keep_document: bool = False) -> FileResult:
    result = FileResult(item.display)
    if item.error is not None:
        result.findings.append(
            file_finding(item.display, UNREADABLE, f"cannot read folder: {item.error}")
        )
        return result
    doc = read_document(item.path, item.display, settings)
    if isinstance(doc, Finding):
        result.findings.append(doc)
        return result
    return lint_document(doc, settings, keep_document=keep_document)


def lint_document(doc: Document, settings: Settings, *, keep_document: bool = False) -> FileResult:
    result = FileResult(doc.path)
    result.findings = check_document(doc, settings)
    try:
        result.links = list(doc.body.links)
        result.anchors = frozenset(doc.body.anchors)
        result.suppressions = suppressions.parse(doc, canonical_rule)
    except Exception as exc:  # A parser bug must cost this page, not the whole run.
        result.links, result.anchors, result.suppressions = [], frozenset(), []
        why = f"page could not be parsed ({type(exc).__name__}: {exc}); please report it"
        result.findings.append(file_finding(doc.path, INTERNAL, why))
    url = doc.meta.get("url")
    result.url = url if isinstance(url, str) else None
    if keep_document:
        result.document = doc
    return result


def finalize(result: FileResult, settings: Settings) -> list[Finding]:
    """Apply per-file ignores and inline suppressions; report unused suppressions."""
    findings = result.findings
    for spec, names in settings.per_file_ignores:
        if spec.match_file(result.path):
            findings = [f for f in findings if f.rule not in names]
    kept, unused = suppressions.apply(findings, result.suppressions)
    unused_rule = settings.rule(suppressions.UNUSED_NAME)
    if unused_rule is not None:
        for sup in unused:
            # Only judge suppressions of rules that ran: an ignored rule's suppression is not stale.
            if sup.rules and not sup.rules <= settings.selected:
                continue
            kept.append(
                Finding(
                    path=result.path,
                    code=unused_rule.code,
                    rule=unused_rule.name,
                    severity=unused_rule.effective_severity,
                    span=sup.span,
                    message="suppression comment silences nothing: remove it",
                )
            )
    kept.sort(key=Finding.sort_key)
    return kept
