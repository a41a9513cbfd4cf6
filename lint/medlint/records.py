"""What medlint's frozen records share, so each class need not be made by `@dataclass` alone.

`@dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__` and, for a frozen
class, `__setattr__` and `__delattr__` as source text and compiles it when the module is
imported: about 1.5 ms a class, and the one-page pre-commit run builds over thirty classes, a
fifth of its time after the interpreter starts. medlint's classes write those methods in their
bodies instead (compiled once, into the module's .pyc) and keep `@dataclass(init=False,
repr=False, eq=False, slots=True)` only for what reads them as dataclasses: `dataclasses.fields`
and `replace`, the config validator, the cache's fingerprint. A frozen one takes its guards from
here: assigning or deleting a field raises `FrozenInstanceError` as a frozen dataclass's does,
and pickling goes through the slots by `object.__setattr__`, as `@dataclass(frozen=True,
slots=True)` arranges (and with the same state, a list of the field values in order).
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any


def refuse_set(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def refuse_delete(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def slot_state(self: Any) -> list[object]:
    return [getattr(self, name) for name in type(self).__slots__]


def set_slot_state(self: Any, state: list[object]) -> None:
    for name, value in zip(type(self).__slots__, state, strict=False):
        object.__setattr__(self, name, value)
