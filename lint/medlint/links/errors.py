"""Failures that end a link check early, each already carrying its verdict.

The guard and the network backend run deep inside httpx/httpcore, where the only way back to the
checker is an exception. httpx re-raises exceptions it does not know unchanged, so these travel up
intact and the checker turns them into a `LinkResult` without guessing from error strings.
"""

from __future__ import annotations

from typing import Literal

FailureStatus = Literal["broken", "unchecked", "blocked"]


class LinkFailure(Exception):
    """A check that ended without an HTTP answer; `status` and `reason` are the verdict."""

    status: FailureStatus = "unchecked"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BlockedAddress(LinkFailure):
    """The URL names or resolves to an address the guard refuses to contact."""

    status: FailureStatus = "blocked"


class HostNotFound(LinkFailure):
    """DNS answered authoritatively that the name does not exist: the link is broken."""

    status: FailureStatus = "broken"


class DnsUnavailable(LinkFailure):
    """DNS could not answer (EAI_AGAIN, no resolver): says nothing about the link."""

    status: FailureStatus = "unchecked"


class ConnectionRefused(LinkFailure):
    """Every address of the host actively refused the connection."""

    status: FailureStatus = "broken"


class NetworkUnavailable(LinkFailure):
    """The network could not reach the host at all (no route, network down)."""

    status: FailureStatus = "unchecked"


class TlsFailure(LinkFailure):
    """The TLS handshake or certificate failed: readers would get a browser warning too."""

    status: FailureStatus = "broken"
