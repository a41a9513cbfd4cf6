"""Fixtures: local servers for the link checker tests (see linkserver.py)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from linkserver import LinkServer


@pytest.fixture
def server() -> Iterator[LinkServer]:
    instance = LinkServer("127.0.0.1")
    yield instance
    instance.close()


@pytest.fixture
def server_pair() -> Iterator[tuple[LinkServer, LinkServer]]:
    """Servers on 127.0.0.2 and 127.0.0.1 sharing one port (Linux routes all of 127/8 to lo)."""
    for _ in range(20):
        other = LinkServer("127.0.0.2")
        try:
            local = LinkServer("127.0.0.1", other.port)
        except OSError:
            other.close()
            continue
        yield other, local
        other.close()
        local.close()
        return
    pytest.skip("could not bind 127.0.0.1 and 127.0.0.2 on one port")


@pytest.fixture
def unused_port() -> Callable[[str], int]:
    """A function giving a port on `host` that nobody listens on (bound, then released)."""

    def pick(host: str) -> int:
        with socket.socket() as probe:
            probe.bind((host, 0))
            return int(probe.getsockname()[1])

    return pick
