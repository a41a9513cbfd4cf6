"""The address guard: the table of ranges, numeric spellings, and proof on the wire.

"Proof on the wire" means a real server on a loopback address whose hit counter must stay at zero
when the guard is supposed to stop a request, including after a redirect and under DNS rebinding.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import socket

import pytest
from linkserver import LinkServer

from medlint.links import guard
from medlint.links.checker import LinkSettings, check_urls, run_checks
from medlint.links.errors import BlockedAddress, DnsUnavailable, HostNotFound
from medlint.links.guard import AddressGuard, blocked_reason, parse_host_ip, parse_ipv4_loose

NOTHING_ALLOWED = LinkSettings(cache_dir=None, timeout=5.0)


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("10.1", "10.0.0.1"),
        ("169.254.43518", "169.254.169.254"),
        ("8.8.8.8", "8.8.8.8"),
    ],
)
def test_numeric_hosts_parse_like_inet_aton(spelling: str, address: str) -> None:
    assert parse_ipv4_loose(spelling) == ipaddress.IPv4Address(address)
    try:
        expected = socket.inet_aton(spelling.rstrip("."))
    except OSError:
        return  # the C library refuses a spelling we accept ("0x"): we only block more
    assert parse_ipv4_loose(spelling) == ipaddress.IPv4Address(expected)


@pytest.mark.parametrize(
    "name",
    ["example.com", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "08.0.0.1", "0x1g.0.0.1", "", "1..1"],
)
def test_names_and_invalid_numbers_are_not_addresses(name: str) -> None:
    assert parse_ipv4_loose(name) is None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.255.254", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.255", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "the cloud metadata address"),
        ("169.254.1.1", "a link-local address"),
        ("100.64.0.1", "a shared (CGNAT) address"),
        ("100.127.255.255", "a shared (CGNAT) address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("239.255.255.250", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.255", "the broadcast address"),
        ("192.0.2.1", "a documentation address"),
        ("198.51.100.1", "a documentation address"),
        ("203.0.113.1", "a documentation address"),
        ("198.18.0.1", "a benchmarking address"),
        ("192.0.0.8", "an IETF protocol address"),
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fc00::1", "a private (unique local) address"),
        ("fd12:3456::1", "a private (unique local) address"),
        ("fd00:ec2::254", "a private (unique local) address"),
        ("fe80::1", "a link-local address"),
        ("fec0::1", "a site-local address"),
        ("ff02::1", "a multicast address"),
        ("2001:db8::1", "a documentation address"),
        ("2001::1", "a Teredo tunnel address"),
        ("64:ff9b:1::1", "a local-use NAT64 address"),
        ("100::1", "a discard-only address"),
        ("::ffff:127.0.0.1", "an IPv6 form of 127.0.0.1 (a loopback address)"),
        ("::ffff:169.254.169.254", "an IPv6 form of 169.254.169.254 (the cloud metadata address)"),
        ("::ffff:10.0.0.1", "an IPv6 form of 10.0.0.1 (a private address)"),
        ("::127.0.0.1", "an IPv6 form of 127.0.0.1 (a loopback address)"),
        ("::ffff:0:127.0.0.1", "an IPv6 form of 127.0.0.1 (a loopback address)"),
        ("64:ff9b::127.0.0.1", "an IPv6 form of 127.0.0.1 (a loopback address)"),
        ("64:ff9b::10.1.2.3", "an IPv6 form of 10.1.2.3 (a private address)"),
        ("2002:7f00:1::", "an IPv6 form of 127.0.0.1 (a loopback address)"),
        ("2002:a9fe:a9fe::1", "an IPv6 form of 169.254.169.254 (the cloud metadata address)"),
        ("4000::1", "a reserved address"),
    ],
)
def test_non_public_addresses_are_blocked(address: str, reason: str) -> None:
    ip = parse_host_ip(address)
    assert ip is not None
    assert blocked_reason(ip) == reason


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8",
     "64:ff9b::8.8.8.8", "2002:0808:0808::1", "100.63.255.255", "100.128.0.0", "172.32.0.1"],
)  # fmt: skip
def test_public_addresses_pass(address: str) -> None:
    ip = parse_host_ip(address)
    assert ip is not None
    assert blocked_reason(ip) is None


def test_scoped_ipv6_is_blocked() -> None:
    ip = ipaddress.IPv6Address("fe80::1%eth0")
    assert blocked_reason(ip) == "a scoped (link-local) address"


def test_allow_list_names_and_networks() -> None:
    allow = guard.AllowList(["LocalHost.", "10.0.0.0/8", "127.0.0.2"])
    loopback = ipaddress.IPv4Address("127.0.0.1")
    assert allow.allows("localhost", loopback)
    assert not allow.allows("other.test", loopback)
    assert allow.allows("db.internal", ipaddress.IPv4Address("10.9.9.9"))
    assert allow.allows("x", ipaddress.IPv4Address("127.0.0.2"))
    assert allow.allows("x", ipaddress.IPv6Address("::ffff:127.0.0.2"))
    with pytest.raises(ValueError, match="allow_private"):
        guard.AllowList(["10.0.0.0/99"])


BLOCKED_SPELLINGS = [
    "http://127.0.0.1:{port}/ok",
    "http://127.1:{port}/ok",
    "http://2130706433:{port}/ok",
    "http://0x7f000001:{port}/ok",
    "http://0x7f.1:{port}/ok",
    "http://0177.0.0.1:{port}/ok",
    "http://127.0.0.1.:{port}/ok",
    "http://[::ffff:127.0.0.1]:{port}/ok",
    "http://[::ffff:7f00:1]:{port}/ok",
    "http://[64:ff9b::7f00:1]:{port}/ok",
    "http://[2002:7f00:1::]:{port}/ok",
    "http://localhost:{port}/ok",
    "http://LOCALHOST.:{port}/ok",
    "http://user:pw@127.0.0.1:{port}/ok",
]


@pytest.mark.parametrize("template", BLOCKED_SPELLINGS)
def test_every_loopback_spelling_is_blocked_before_connecting(
    server: LinkServer, template: str
) -> None:
    url = template.format(port=server.port)
    result = check_urls([url], NOTHING_ALLOWED)[url]
    assert result.status == "blocked", result
    assert result.reason.startswith("blocked: ")
    assert result.requests == 0
    assert server.total() == 0


def test_cloud_metadata_is_blocked() -> None:
    url = "http://169.254.169.254/latest/meta-data/"
    result = check_urls([url], NOTHING_ALLOWED)[url]
    assert (result.status, result.reason) == (
        "blocked",
        "blocked: 169.254.169.254 is the cloud metadata address",
    )


def test_redirect_from_allowed_host_to_blocked_host_is_stopped(
    server_pair: tuple[LinkServer, LinkServer],
) -> None:
    allowed, forbidden = server_pair
    url = allowed.url(f"/to?url={forbidden.url('/ok')}")
    settings = dataclasses.replace(NOTHING_ALLOWED, allow_private=("127.0.0.2",))

    result = check_urls([url], settings)[url]

    assert result.status == "blocked"
    assert result.reason.startswith("blocked: 127.0.0.1 is a loopback address")
    assert result.final_url == forbidden.url("/ok")
    assert allowed.hits["/to"] == 1
    assert forbidden.total() == 0


def test_allowing_a_name_does_not_allow_its_address(server: LinkServer) -> None:
    # "localhost" is allowed by name; a redirect to the bare address must still be judged.
    url = f"http://localhost:{server.port}/to?url=http://127.0.0.1:{server.port}/ok"
    settings = dataclasses.replace(NOTHING_ALLOWED, allow_private=("localhost",))
    result = check_urls([url], settings)[url]
    assert result.status == "blocked"
    assert server.hits["/to"] == 1
    assert server.hits["/ok"] == 0


def test_dns_rebinding_gets_one_lookup_per_connection(
    server_pair: tuple[LinkServer, LinkServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """First answer allowed (127.0.0.2), any later one loopback: only the first may be used."""
    allowed, loopback = server_pair
    answers = iter([["127.0.0.2"]])
    calls: list[str] = []

    async def rebinding_resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers, ["127.0.0.1"])

    monkeypatch.setattr(guard, "system_resolve", rebinding_resolver)
    url = f"http://rebind.test:{allowed.port}/ok"
    settings = dataclasses.replace(NOTHING_ALLOWED, allow_private=("127.0.0.2",))

    result = check_urls([url], settings)[url]

    assert result.status == "ok"
    assert calls == ["rebind.test"]
    assert allowed.hits["/ok"] == 1
    assert loopback.total() == 0


def test_one_private_answer_blocks_the_whole_name(
    server: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["8.8.8.8", "127.0.0.1"]

    monkeypatch.setattr(guard, "system_resolve", mixed)
    url = f"http://mixed.test:{server.port}/ok"
    result = check_urls([url], NOTHING_ALLOWED)[url]
    assert (result.status, result.reason) == ("blocked", "blocked: 127.0.0.1 is a loopback address")
    assert server.total() == 0


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        (socket.EAI_NONAME, "broken", "host does not exist"),
        (socket.EAI_AGAIN, "unchecked", "no network: DNS temporarily unavailable"),
    ],
)
def test_dns_failures(monkeypatch: pytest.MonkeyPatch, code: int, status: str, reason: str) -> None:
    async def failing(host: str, port: int) -> list[str]:
        raise socket.gaierror(code, "forced")

    monkeypatch.setattr(guard, "system_resolve", failing)
    url = "https://docs.example.invalid/page"
    result = check_urls([url], NOTHING_ALLOWED)[url]
    assert (result.status, result.reason) == (status, reason)


def test_real_invalid_tld_is_never_ok() -> None:
    """RFC 6761 `.invalid` never resolves; offline it may be EAI_AGAIN instead of NXDOMAIN."""
    url = "http://foo.invalid/"
    try:
        socket.getaddrinfo("foo.invalid", 80)
    except socket.gaierror as exc:
        expected = "broken" if exc.errno == socket.EAI_NONAME else "unchecked"
    else:  # pragma: no cover - a resolver that answers for .invalid is broken itself
        pytest.skip("this resolver answers for .invalid")
    assert check_urls([url], NOTHING_ALLOWED)[url].status == expected


def test_guard_resolve_errors_directly() -> None:
    async def nothing(host: str, port: int) -> list[str]:
        return []

    checker = AddressGuard((), resolver=nothing)
    with pytest.raises(HostNotFound):
        asyncio.run(checker.resolve("empty.test", 80))
    with pytest.raises(BlockedAddress):
        asyncio.run(checker.resolve("[::1]", 80))
    assert isinstance(
        guard._dns_failure("x", socket.gaierror(socket.EAI_AGAIN, "x")), DnsUnavailable
    )


def test_resolver_seam_is_used_by_run_checks(server: LinkServer) -> None:
    async def to_loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    url = f"http://seam.test:{server.port}/ok"
    settings = dataclasses.replace(NOTHING_ALLOWED, allow_private=("127.0.0.1",))
    results = asyncio.run(run_checks([url], settings, resolver=to_loopback))
    assert results[url].status == "ok"
    assert server.hits["/ok"] == 1
