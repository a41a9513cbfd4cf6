"""Hypothesis settings for the robustness suite, and fixtures shared by its modules.

CI runs the `medlint-robust` profile: derandomized (the same examples on every run, so a red
build is reproducible and a green one is not luck), no example database (CI machines are fresh),
no deadline (a slow example on a busy runner is not a bug; hangs are caught by timeouts). For a
longer, randomized hunt set `MEDLINT_ROBUST_PROFILE=explore` and `MEDLINT_ROBUST_SCALE=20`.
The profile is applied per test through `robust_settings`, never loaded globally, so the rest of
the suite keeps its own Hypothesis settings.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "medlint-robust",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=2000,
    suppress_health_check=_SUPPRESSED,
    print_blob=True,
)
settings.register_profile(
    "medlint-robust-explore",
    derandomize=False,
    database=None,
    deadline=None,
    max_examples=2000,
    suppress_health_check=_SUPPRESSED,
    print_blob=True,
)
