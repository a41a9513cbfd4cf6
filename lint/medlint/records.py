"""What medlint's records share, so that no class is made by `@dataclass` alone.

`@dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__` and, for a frozen
class, `__setattr__` and `__delattr__` as source text and compiles it when the module is
imported: about 1.5 ms a class, and the one-page pre-commit run builds over thirty classes, a
fifth of its time after the interpreter starts. medlint's classes keep `@dataclass(init=False,
repr=False, eq=False, slots=True)` only for what reads them as dataclasses (`dataclasses.fields`
and `replace`, the config validator, the cache's fingerprint), write their `__init__` in their
bodies (compiled once, into the module's .pyc) or take it from `findings.fast_init`, and take the
rest from `record` here: functions shared by every record, reading the class's fields. A frozen
one's guards make assigning or deleting a field raise `FrozenInstanceError` as a frozen
dataclass's do, and its pickling goes through the slots by `object.__setattr__`, as
`@dataclass(frozen=True, slots=True)` arranges (with the same state, the field values in order).
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import Any, TypeVar

T = TypeVar("T")


def refuse_set(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def refuse_delete(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def slot_state(self: Any) -> list[object]:
    return [getattr(self, name) for name in type(self).__slots__]


def set_slot_state(self: Any, state: list[object]) -> None:
    for name, value in zip(type(self).__slots__, state, strict=False):
        object.__setattr__(self, name, value)


def record(*, frozen: bool) -> Callable[[type[T]], type[T]]:
    """Give a class made by `@dataclass(init=False, repr=False, eq=False, slots=True)` the
    `__repr__` and `__eq__` `@dataclass` would have written, and for a frozen one its
    `__hash__`, guards and pickling, as functions shared by every record rather than source
    compiled for each class (see above). They read the dataclass's own fields: a field with
    `compare=False` is left out of equality and hash, one with `repr=False` out of the repr.
    Apply it directly above `@dataclass(...)`. A mutable record declares `__hash__ = None` in
    its body, as `@dataclass` would make it.
    """

    def decorate(cls: type[T]) -> type[T]:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        shown = tuple(f.name for f in fields if f.repr)
        compared = tuple(f.name for f in fields if f.compare)
        values = _getter(compared)
        hashed = _getter(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))

        def __repr__(self: Any) -> str:
            inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
            return f"{type(self).__qualname__}({inner})"

        def __eq__(self: Any, other: object) -> bool:
            if other.__class__ is not self.__class__:
                return NotImplemented
            return values(self) == values(other)

        def __hash__(self: Any) -> int:
            return hash(hashed(self))

        methods: dict[str, Callable[..., Any]] = {"__repr__": __repr__, "__eq__": __eq__}
        if frozen:
            methods["__hash__"] = __hash__
        for name, method in methods.items():
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
        if frozen:
            for name, shared in (
                ("__setattr__", refuse_set),
                ("__delattr__", refuse_delete),
                ("__getstate__", slot_state),
                ("__setstate__", set_slot_state),
            ):
                setattr(cls, name, shared)
        return cls

    return decorate


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[object, ...]]:
    """The named fields' values as a tuple, as `@dataclass` compares and hashes them (a C
    attrgetter; one name alone still gives a 1-tuple, so hashes stay what they were)."""
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return operator.attrgetter(*names)
