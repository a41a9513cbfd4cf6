"""The values every stage passes along: spans, edits, fixes and findings.

They are frozen and keyword-only so a finding cannot be changed after a rule made it, and plain
dataclasses (not pydantic) because millions of them are made on a large corpus and they must be
cheap to build, compare, sort and pickle across worker processes.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from medlint.records import record

T = TypeVar("T")


def fast_init(cls: type[T]) -> type[T]:
    """Give a frozen slots dataclass an `__init__` that sets its slots directly.

    A frozen dataclass's own `__init__` goes through `object.__setattr__` for every field
    (frozen classes refuse plain assignment): building one cost two to three times a plain
    class, and a page makes dozens (frontmatter positions, links, headings, spans). This one
    has the same parameters (names, order, defaults, keyword-only) and stores the same values
    through the slots' own descriptors; the class is otherwise untouched: still frozen, with
    the same equality, hash, repr and pickling. Plain defaults only (no default_factory, no
    `__post_init__`, every field in `__init__`): anything else is refused when the class is
    defined.
    """
    namespace: dict[str, object] = {}
    params: list[str] = []
    body: list[str] = []
    keyword_only = False
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: fast_init does not run __post_init__")
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: fast_init takes plain fields only")
        if f.kw_only and not keyword_only:
            params.append("*")
            keyword_only = True
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        body.append(f"    _set_{f.name}(self, {f.name})")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body)
    exec(source, namespace)  # (built from the class's own field names only)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    name = "__init__"
    setattr(cls, name, init)
    return cls


class Severity(enum.IntEnum):
    """Ordered so that `--fail-on` is a comparison."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity `{value}`; use one of {names}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Applicability(enum.Enum):
    """A safe fix cannot change meaning; an unsafe one needs `--unsafe-fixes`."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Span:
    """A range of the decoded text (BOM excluded).

    `start`/`end` are 0-based character offsets (end exclusive); line and column are 1-based and
    count characters, and `end_column` is the column just past the last character, as editors and
    SARIF expect.
    """

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(
            self, *, start: int, end: int, line: int, column: int, end_line: int, end_column: int
        ) -> None: ...


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Edit:
    """Replace text[start:end] with `replacement` (character offsets into the decoded text)."""

    start: int
    end: int
    replacement: str

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(self, *, start: int, end: int, replacement: str) -> None: ...


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Fix:
    """The edits that repair one finding; `applicability` says if `fix` applies them unasked."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(
            self,
            *,
            title: str,
            edits: tuple[Edit, ...],
            applicability: Applicability = Applicability.SAFE,
        ) -> None: ...


@fast_init
@record(frozen=True)
@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Finding:
    """One problem at one place. `path` is the path as the user named it."""

    path: str
    code: str
    rule: str
    severity: Severity
    span: Span
    message: str
    fix: Fix | None = None
    # Text shown under the finding ("how to fix it") when the rule has advice but no automatic fix.
    help: str | None = None
    # Extra machine-readable facts (e.g. a link's URL) for reporters; never used for ordering.
    data: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)

    if TYPE_CHECKING:  # fast_init makes it: the parameters are the fields'

        def __init__(
            self,
            *,
            path: str,
            code: str,
            rule: str,
            severity: Severity,
            span: Span,
            message: str,
            fix: Fix | None = None,
            help: str | None = None,
            data: tuple[tuple[str, str], ...] = (),
        ) -> None: ...
