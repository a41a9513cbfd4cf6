"""Patterns from rule packs, run by a linear-time engine so that no pattern can hang a run.

Pack authors are editors, not regex experts, and packs may come from other teams: a pattern such
as `(a+)+$` would take exponential time in Python's backtracking `re`. google-re2 guarantees
linear time; a pattern it cannot express (backreferences, lookaround) is refused at load with a
message naming the pack key, instead of being run unsafely.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class UnsafePattern(ValueError):
    """The pattern cannot be run in linear time (or is not a valid pattern)."""


class MatchLike(Protocol):
    def span(self) -> tuple[int, int]: ...


class Matcher(Protocol):
    def finditer(self, text: str, pos: int = ..., endpos: int = ...) -> Iterator[MatchLike]: ...


def compile_pattern(pattern: str) -> Matcher:
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        compiled: Matcher = re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise UnsafePattern(
            f"not a linear-time pattern ({detail}); backreferences and lookaround are not allowed"
        ) from None
    return compiled
