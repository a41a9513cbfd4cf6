"""Links written by strangers: no connection to a blocked target, bounded memory and time.

The evidence is taken at the socket: an audit hook (`sys.addaudithook`, "socket.connect") records
every address this process connects to while a check runs, and the local servers count every
TCP connection they accept. "Blocked" must mean never connected, not merely never sent a request.

- the private-address table, as a property against IANA's special-purpose registries (kept here,
  independently of the guard's own table), over every IPv4/IPv6 form that embeds an IPv4 address;
- private targets in every spelling a URL can carry them (numbers in any base and part count,
  IPv6 transition forms, IDNA look-alikes, user info, trailing dots, localhost names);
- DNS rebinding (an allowed answer first, loopback on any later lookup) and mixed answers;
- redirects from an allowed server to metadata, loopback and private addresses;
- gzip bombs, endless and chunked bodies, lying lengths, drip-fed and silent servers, huge and
  endless headers, endless redirect chains: bounded memory (tracemalloc) and a deadline.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import socket
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medlint.links.checker import LinkResult, LinkSettings, check_urls, run_checks
from medlint.links.guard import blocked_reason, parse_host_ip
from tests.robust.helpers import HANG_GUARD, robust_settings
from tests.robust.hostile_server import HostileServer

NOTHING_ALLOWED = LinkSettings(cache_dir=None, timeout=3.0, retries=0, allow_private=())

# ---------------------------------------------------------------------------------------------
# The socket audit: hooks cannot be removed, so one is installed once and records on demand.

_CONNECTS: list[tuple[object, ...]] = []
_RECORDING = threading.Event()


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "socket.connect" and _RECORDING.is_set():
        address = args[1]
        _CONNECTS.append(tuple(address) if isinstance(address, tuple) else (address,))


sys.addaudithook(_audit)


@contextmanager
def connections() -> Iterator[list[tuple[object, ...]]]:
    """The addresses connected to inside the block."""
    _CONNECTS.clear()
    _RECORDING.set()
    try:
        yield _CONNECTS
    finally:
        _RECORDING.clear()


def _hosts(connects: list[tuple[object, ...]]) -> set[str]:
    return {str(ipaddress.ip_address(str(c[0]).split("%")[0])) for c in connects}


def _guarded(urls: list[str], settings: LinkSettings) -> dict[str, LinkResult]:
    """check_urls under a hang guard: a hung check fails the test instead of stalling it."""
    box: dict[str, dict[str, LinkResult]] = {}
    worker = threading.Thread(target=lambda: box.update(r=check_urls(urls, settings)))
    worker.start()
    worker.join(HANG_GUARD)
    assert not worker.is_alive(), "link checks did not finish"
    return box["r"]


# ---------------------------------------------------------------------------------------------
# The table, as a property. IANA IPv4/IPv6 Special-Purpose Address Registries, entries that are
# not globally reachable, plus multicast and the unallocated IPv6 space outside 2000::/3.

V4_NOT_GLOBAL = [
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    )
]  # fmt: skip
# Special-purpose but globally reachable (AS112, AMT): neither required blocked nor open.
V4_DONT_CARE = [
    ipaddress.IPv4Network(n) for n in ("192.31.196.0/24", "192.52.193.0/24", "192.175.48.0/24")
]
V6_NOT_GLOBAL = [
    ipaddress.IPv6Network(n)
    for n in (
        "::1/128", "::/128", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "3fff::/20",
        "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "2001::/32",
        "2001:2::/48", "2001:10::/28",
    )
]  # fmt: skip
# Globally reachable assignments inside 2001::/23 and AS112: not required either way.
V6_DONT_CARE = [
    ipaddress.IPv6Network(n)
    for n in ("2001::/23", "2620:4f:8000::/48", "2002::/16", "64:ff9b::/96", "::/96")
]
GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")


def _v4_must_block(ip: ipaddress.IPv4Address) -> bool | None:
    if any(ip in n for n in V4_NOT_GLOBAL):
        return True
    if any(ip in n for n in V4_DONT_CARE):
        return None
    return False


@robust_settings(3000)
@given(st.integers(0, 2**32 - 1))
def test_every_ipv4_address_is_judged_as_iana_says(value: int) -> None:
    ip = ipaddress.IPv4Address(value)
    expected = _v4_must_block(ip)
    if expected is not None:
        assert (blocked_reason(ip) is not None) == expected, ip


@robust_settings(2000)
@given(st.sampled_from(V4_NOT_GLOBAL), st.integers(0, 2**32 - 1))
def test_every_ipv4_special_range_is_blocked_throughout(
    network: ipaddress.IPv4Network, offset: int
) -> None:
    ip = network[offset % network.num_addresses]
    assert blocked_reason(ip) is not None, ip


@robust_settings(2000)
@given(st.sampled_from(V6_NOT_GLOBAL), st.integers(0, 2**128 - 1))
def test_every_ipv6_special_range_is_blocked_throughout(
    network: ipaddress.IPv6Network, offset: int
) -> None:
    ip = network[offset % network.num_addresses]
    assert blocked_reason(ip) is not None, ip


@robust_settings(2000)
@given(st.integers(0, 2**128 - 1))
def test_ipv6_outside_special_ranges(value: int) -> None:
    ip = ipaddress.IPv6Address(value)
    if any(ip in n for n in V6_NOT_GLOBAL + V6_DONT_CARE):
        return
    if ip.ipv4_mapped is not None:
        return  # judged by the IPv4 address it carries (the next property)
    expected_blocked = ip not in GLOBAL_UNICAST  # unallocated and reserved space is not public
    assert (blocked_reason(ip) is not None) == expected_blocked, ip


@robust_settings(2000)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["mapped", "nat64", "6to4", "compat"]))
def test_ipv6_forms_carrying_ipv4_are_judged_by_it(value: int, form: str) -> None:
    inner = ipaddress.IPv4Address(value)
    expected = _v4_must_block(inner)
    if form == "compat" and value <= 1:
        return  # ::, ::1 are themselves, not IPv4
    if expected is None:
        return
    outer = {
        "mapped": f"::ffff:{inner}",
        "nat64": f"64:ff9b::{inner}",
        "6to4": f"2002:{value >> 16:x}:{value & 0xFFFF:x}::1",
        "compat": f"::{inner}",
    }[form]
    ip = ipaddress.IPv6Address(outer)
    assert (blocked_reason(ip) is not None) == expected, (outer, inner)


# ---------------------------------------------------------------------------------------------
# Spellings, end to end: nothing connects anywhere.


def _spellings(address: str) -> list[str]:
    ip = ipaddress.IPv4Address(address)
    value = int(ip)
    a, b, c, d = ip.packed
    forms = [
        address, f"{address}.", str(value), hex(value), f"0{value:o}", f"0X{value:X}",
        ".".join(hex(o) for o in (a, b, c, d)), ".".join(f"0{o:o}" for o in (a, b, c, d)),
        f"{a}.{b}.{(c << 8) | d}", f"{a}.{(b << 16) | (c << 8) | d}",
        f"{hex(a)}.{b}.{c}.{d}", f"{a:04d}.{b}.{c}.{d}" if a < 8 else f"{a}.{b}.{c}.{d:03d}",
        f"[::ffff:{address}]", f"[::ffff:{(a << 8) | b:x}:{(c << 8) | d:x}]",
        f"[0:0:0:0:0:ffff:{address}]", f"[64:ff9b::{address}]",
        f"[2002:{(a << 8) | b:x}:{(c << 8) | d:x}::]",
        f"user:secret@{address}", f"evil.example@{address}",
    ]  # fmt: skip
    if value > 1:
        forms.append(f"[::{address}]")
    return forms


LOOK_ALIKES = [
    "localhost", "LOCALHOST.", "sub.localhost", "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ", "１２７.０.０.１", "127。0。0。1",
    "%31%32%37.0.0.1", "0", "0.0.0.0", "[::]", "[::1]", "[0:0:0:0:0:0:0:1]", "[::ffff:7f00:1]",
    "[fe80::1%25lo]", "[fd00::1]", "[ff02::1]", "[100::1]", "[2001:db8::1]", "[3fff::1]",
    "[5f00::1]", "[fec0::1]", "[64:ff9b:1::1]", "[2001::1]",
]  # fmt: skip
TARGETS = ["127.0.0.1", "169.254.169.254", "10.1.2.3", "192.168.0.1", "172.16.5.4", "100.64.0.1"]


@pytest.fixture
def loopback() -> Iterator[HostileServer]:
    server = HostileServer("127.0.0.1")
    yield server
    server.close()


def test_private_targets_in_every_spelling_are_never_connected(loopback: HostileServer) -> None:
    hosts = [h for t in TARGETS for h in _spellings(t)] + LOOK_ALIKES
    urls = [f"http://{host}:{loopback.port}/ok" for host in hosts]
    urls += [f"https://{host}/latest/meta-data/" for host in _spellings("169.254.169.254")]
    with connections() as connects:
        results = _guarded(urls, NOTHING_ALLOWED)
    assert connects == [], connects
    assert loopback.connections == 0
    numeric = [
        u for u in urls if parse_host_ip(u.split("//", 1)[1].split("/")[0].rsplit(":", 1)[0])
    ]
    for url, result in results.items():
        assert result.status in ("blocked", "broken", "unchecked"), (url, result)
        if url in numeric:
            assert result.status == "blocked", (url, result)
    assert sum(r.status == "blocked" for r in results.values()) >= len(urls) - 10


# ---------------------------------------------------------------------------------------------
# Rebinding and redirects, against servers that count connections.


@pytest.fixture
def pair() -> Iterator[tuple[HostileServer, HostileServer]]:
    """An allowed server on 127.0.0.2 and a forbidden one on 127.0.0.1, on one port."""
    for _ in range(20):
        allowed = HostileServer("127.0.0.2")
        try:
            forbidden = HostileServer("127.0.0.1", allowed.port)
        except OSError:
            allowed.close()
            continue
        yield allowed, forbidden
        allowed.close()
        forbidden.close()
        return
    pytest.skip("could not bind 127.0.0.1 and 127.0.0.2 on one port")


def test_rebinding_never_reaches_the_second_answer(
    pair: tuple[HostileServer, HostileServer],
) -> None:
    allowed, forbidden = pair
    lookups: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        """Allowed on the first lookup of a name, loopback on every later one."""
        lookups.append(host)
        if host == "mixed.test":
            return ["127.0.0.2", "127.0.0.1"]
        return ["127.0.0.2"] if lookups.count(host) == 1 else ["127.0.0.1"]

    port = allowed.port
    urls = [
        f"http://rebind.test:{port}/ok",
        f"http://rebind.test:{port}/to?url=http://rebind.test:{port}/ok",
        f"http://rebind.test:{port}/bomb",  # HEAD refused, then GET: a second request
        f"http://other.test:{port}/to?url=http://rebind2.test:{port}/ok",
        f"http://rebind2.test:{port}/ok",
        f"http://mixed.test:{port}/ok",
    ]
    settings = dataclasses.replace(NOTHING_ALLOWED, allow_private=("127.0.0.2",))
    with connections() as connects:
        results = asyncio.run(run_checks(urls, settings, resolver=rebinding))
    assert forbidden.connections == 0 and forbidden.total() == 0
    assert _hosts(connects) <= {"127.0.0.2"}, connects
    assert results[urls[-1]].status == "blocked"  # one loopback answer blocks the whole name
    assert {r.status for r in results.values()} <= {"ok", "blocked"}
    assert allowed.total() > 0


def test_redirects_to_metadata_and_private_targets_are_stopped(
    pair: tuple[HostileServer, HostileServer],
) -> None:
    allowed, forbidden = pair
    port = allowed.port

    async def resolver(host: str, port: int) -> list[str]:
        names = {"metadata.google.internal": ["169.254.169.254"], "ok.test": ["127.0.0.2"]}
        return names.get(host, ["127.0.0.1"])

    targets = [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://0xa9fea9fe/", "http://2852039166/", "http://169.254.43518/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        f"http://127.0.0.1:{port}/ok", f"http://localhost:{port}/ok", f"http://[::1]:{port}/ok",
        f"http://0177.0.0.1:{port}/ok", f"//127.0.0.1:{port}/ok", f"http://unknown.test:{port}/ok",
        "http://10.0.0.1/", "http://192.168.1.1/admin", "http://[fe80::1]/",
        f"http://ok.test:{port}/to?url=http://127.0.0.1:{port}/ok",  # a second hop
    ]  # fmt: skip
    from urllib.parse import quote

    urls = [f"http://ok.test:{port}/to?url={quote(t, safe='')}" for t in targets]
    settings = dataclasses.replace(NOTHING_ALLOWED, allow_private=("127.0.0.2",))
    with connections() as connects:
        results = asyncio.run(run_checks(urls, settings, resolver=resolver))
    assert forbidden.connections == 0
    assert _hosts(connects) <= {"127.0.0.2"}, connects
    for url, result in results.items():
        if "0177.0.0.1" in url:  # httpx refuses to parse this Location itself: no request made
            assert result.status == "unchecked" and "Invalid URL in location" in result.reason
            continue
        assert result.status == "blocked", (url, result)
        assert "after redirect" in result.reason, result.reason


# ---------------------------------------------------------------------------------------------
# Hostile answers: memory and time stay bounded.

BODIES = {
    "/bomb": {"ok"},  # 200; the gzip body is never decoded
    "/endless": {"ok"},
    "/endless-chunked": {"ok"},
    "/lying-length": {"ok"},
    "/drip": {"unchecked"},  # the deadline ends it
    "/silent": {"unchecked"},
    "/huge-header": {"unchecked", "broken"},
    "/many-headers": {"unchecked", "broken"},
    "/hop/0": {"broken"},  # too many redirects
}


@pytest.mark.slow
def test_hostile_answers_cost_bounded_memory_and_time(loopback: HostileServer) -> None:
    settings = LinkSettings(
        cache_dir=None, timeout=2.0, retries=1, allow_private=("127.0.0.1",), max_redirects=10
    )
    urls = [loopback.url(path) for path in BODIES]
    tracemalloc.start()
    try:
        with connections() as connects:
            results = _guarded(urls, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for path, url in zip(BODIES, urls, strict=True):
        assert results[url].status in BODIES[path], (path, results[url])
    assert results[loopback.url("/drip")].reason == "timed out"
    assert results[loopback.url("/hop/0")].reason.startswith("too many redirects")
    # The bomb inflates to 64 MB, the endless bodies never end, a header is 8 MB long.
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1048576:.1f} MB"
    assert _hosts(connects) == {"127.0.0.1"}
    assert loopback.hits["/hop/11"] == 0 and loopback.hits["/hop/10"] == 1


def test_program_checks_hostile_page_without_connecting(tmp_path: pytest.TempPathFactory) -> None:
    """`medlint check` itself, in this process, on a page of private links: no connection."""
    from pathlib import Path

    from tests.conftest import invoke

    root = Path(str(tmp_path))
    links = [f"<http://{h}/x>" for h in (*_spellings("169.254.169.254"), *LOOK_ALIKES[:8])]
    (root / "page.md").write_text("# Links\n\n" + "\n".join(links) + "\n", encoding="utf-8")
    with connections() as connects:
        result = invoke(["check", "--no-cache", "--format", "json", "page.md"], cwd=root)
    assert result.exit_code == 1, result.output
    assert connects == []
    assert result.output.count('"rule": "broken-link"') >= len(links) - 4
    socket.getaddrinfo("localhost", 80)  # the resolver still works: the hook only watched
