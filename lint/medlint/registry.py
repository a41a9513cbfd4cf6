"""The rule registry: one decorator per rule, and everything else is derived from it.

A rule is a class with its code, name, summary, default severity, fix availability and options
dataclass, and a docstring with the headings *What it does*, *Why it matters*, *Example* and *Fix*.
`medlint rules`, `medlint rule NAME`, the SARIF rule metadata and the docs are all generated from
these classes, so there is no second list to keep in step.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

from medlint.findings import Applicability, Edit, Finding, Fix, Severity, Span
from medlint.records import record

if TYPE_CHECKING:
    from medlint.document import Document
    from medlint.packs import RulePacks

FixAvailability = Literal["none", "safe", "unsafe", "sometimes"]
REQUIRED_HEADINGS = ("What it does", "Why it matters", "Example", "Fix")


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class NoOptions:
    """A rule's options are a frozen dataclass read from `[tool.medlint.rules.NAME]` by config's
    validator (kebab-case keys, unknown keys refused); a field's `metadata={"description": ...}`
    is shown by `medlint rule NAME`. This one has none.
    """

    def __init__(
        self,
    ) -> None:
        _set = object.__setattr__


@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True)
class Context:
    """What a check may know besides the document: the run's settings and the rule packs."""

    today: dt.date
    packs: RulePacks
    # Optional fields a team added to the frontmatter profile: (name, type) pairs.
    schema_extra: tuple[tuple[str, str], ...] = ()
    options: dict[str, object] = field(default_factory=dict)

    def __init__(
        self,
        today: dt.date,
        packs: RulePacks,
        schema_extra: tuple[tuple[str, str], ...] = (),
        options: dict[str, object] | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "today", today)
        _set(self, "packs", packs)
        _set(self, "schema_extra", schema_extra)
        _set(self, "options", {} if options is None else options)


class Rule:
    """Base class; subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    fix: ClassVar[FixAvailability] = "none"
    Options: ClassVar[type] = NoOptions
    # "document": judged from one page alone (cacheable per file); "run": needs the whole run.
    scope: ClassVar[Literal["document", "run"]] = "document"

    def __init__(self, options: object | None = None, severity: Severity | None = None) -> None:
        self.options = options if options is not None else self.Options()
        self.effective_severity = severity if severity is not None else self.severity

    def prepare(self, ctx: Context) -> None:
        """Build, once, what `check` needs that is costly and the same for every page.

        Called before pages are handed to worker processes, so each forked worker inherits it
        instead of building it again. Nothing calls it on a run whose pages all come from the
        cache, so a rule does its costly set-up here or on its first `check`, never at import.
        It must not store anything on `self`: the rule's attributes are part of the result
        cache's key. The default does nothing.
        """

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        """Yield findings for one document. Rules with scope "run" are driven elsewhere."""
        return iter(())

    # Helpers so a rule says only what is particular to it.
    def finding(
        self,
        doc: Document,
        span: Span,
        message: str,
        *,
        fix: Fix | None = None,
        help: str | None = None,
        data: tuple[tuple[str, str], ...] = (),
    ) -> Finding:
        return Finding(
            path=doc.path,
            code=self.code,
            rule=self.name,
            severity=self.effective_severity,
            span=span,
            message=message,
            fix=fix,
            help=help,
            data=data,
        )

    @staticmethod
    def make_fix(title: str, *edits: Edit, safe: bool = True) -> Fix:
        return Fix(
            title=title,
            edits=tuple(sorted(edits, key=lambda e: (e.start, e.end))),
            applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
        )

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


_REGISTRY: dict[str, type[Rule]] = {}
_loaded = False


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule; its docstring must carry the required headings."""
    doc = cls.doc()
    missing = [h for h in REQUIRED_HEADINGS if f"## {h}" not in doc]
    if missing:
        raise TypeError(f"rule {cls.__name__} docstring lacks headings: {', '.join(missing)}")
    for other in _REGISTRY.values():
        if other.code == cls.code or other.name == cls.name:
            raise TypeError(
                f"rule {cls.name} ({cls.code}) collides with {other.name} ({other.code})"
            )
    _REGISTRY[cls.name] = cls
    return cls


def all_rules() -> dict[str, type[Rule]]:
    """Every registered rule by name, in code order; imports medlint.checks on first use."""
    global _loaded
    if not _loaded:
        from medlint import checks

        for mod in pkgutil.iter_modules(checks.__path__):
            importlib.import_module(f"medlint.checks.{mod.name}")
        _loaded = True
    return dict(sorted(_REGISTRY.items(), key=lambda kv: kv[1].code))


def lookup(name_or_code: str) -> type[Rule] | None:
    rules = all_rules()
    key = name_or_code.strip()
    if key in rules:
        return rules[key]
    for rule in rules.values():
        if rule.code.lower() == key.lower():
            return rule
    return None
