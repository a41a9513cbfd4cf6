"""Address guard: the checker fetches URLs that strangers wrote, so it must not reach inside.

A pull request can add a link to `http://169.254.169.254/latest/meta-data/` or to a service on the
CI runner's loopback. The guard refuses every non-public destination unless the operator named it
in `allow_private`, and it does so on the addresses actually connected to:

* host names spelled as numbers (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) are parsed the way
  `inet_aton` parses them, because that is how the C resolver would treat them;
* IPv6 forms that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by
  the embedded address;
* a host name is resolved once, every answer is checked, and the connection is made to a checked
  address (never a second lookup), so DNS rebinding between "check" and "connect" is impossible.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

from medlint.links.errors import BlockedAddress, DnsUnavailable, HostNotFound

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Order matters: the first matching range names the reason.
_V4_BLOCKED: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("169.254.169.254/32"), "the cloud metadata address"),
    (_V4("255.255.255.255/32"), "the broadcast address"),
    (_V4("0.0.0.0/8"), "an unspecified address"),
    (_V4("10.0.0.0/8"), "a private address"),
    (_V4("100.64.0.0/10"), "a shared (CGNAT) address"),
    (_V4("127.0.0.0/8"), "a loopback address"),
    (_V4("169.254.0.0/16"), "a link-local address"),
    (_V4("172.16.0.0/12"), "a private address"),
    (_V4("192.0.0.0/24"), "an IETF protocol address"),
    (_V4("192.0.2.0/24"), "a documentation address"),
    (_V4("192.88.99.0/24"), "a 6to4 relay address"),
    (_V4("192.168.0.0/16"), "a private address"),
    (_V4("198.18.0.0/15"), "a benchmarking address"),
    (_V4("198.51.100.0/24"), "a documentation address"),
    (_V4("203.0.113.0/24"), "a documentation address"),
    (_V4("224.0.0.0/4"), "a multicast address"),
    (_V4("240.0.0.0/4"), "a reserved address"),
)

_V6_BLOCKED: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "an unspecified address"),
    (_V6("::1/128"), "a loopback address"),
    (_V6("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_V6("100::/64"), "a discard-only address"),
    (_V6("2001::/32"), "a Teredo tunnel address"),
    (_V6("2001:2::/48"), "a benchmarking address"),
    (_V6("2001:10::/28"), "an ORCHID address"),
    (_V6("2001:20::/28"), "an ORCHID address"),
    (_V6("2001:db8::/32"), "a documentation address"),
    (_V6("3fff::/20"), "a documentation address"),
    (_V6("fc00::/7"), "a private (unique local) address"),
    (_V6("fe80::/10"), "a link-local address"),
    (_V6("fec0::/10"), "a site-local address"),
    (_V6("ff00::/8"), "a multicast address"),
)

_DIGITS = {
    8: frozenset("01234567"),
    10: frozenset("0123456789"),
    16: frozenset("0123456789abcdefABCDEF"),
}
_GLOBAL_UNICAST = _V6("2000::/3")
_NAT64 = _V6("64:ff9b::/96")
_SIX_TO_FOUR = _V6("2002::/16")
_V4_TRANSLATED = _V6("::ffff:0:0:0/96")
_V4_COMPATIBLE = _V6("::/96")


def parse_ipv4_loose(text: str) -> ipaddress.IPv4Address | None:
    """Parse `text` as `inet_aton` does (1-4 parts, decimal/0x hex/0 octal), else None.

    `127.1`, `0x7f.1`, `0177.0.0.1` and `2130706433` all mean 127.0.0.1 to the C library and to
    browsers; treating them as host names would let them slip past a dotted-quad check.
    """
    parts = text.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts = parts[:-1]  # one trailing dot, as in a fully qualified name
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if part[:2] in ("0x", "0X"):
            digits, base = part[2:], 16
            if digits == "":
                digits = "0"
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        if not digits or any(ch not in _DIGITS[base] for ch in digits):
            return None
        numbers.append(int(digits, base))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(head):
        value |= number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def parse_host_ip(host: str) -> IPAddress | None:
    """The IP address a URL host denotes literally (brackets optional for IPv6), else None."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    return parse_ipv4_loose(text)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition form carries, which is where packets really go."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _V4_TRANSLATED:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _V4_COMPATIBLE and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why `ip` is not a public destination ("a loopback address"), or None when it is public."""
    if isinstance(ip, ipaddress.IPv4Address):
        for network, reason in _V4_BLOCKED:
            if ip in network:
                return reason
        return None if ip.is_global else "a non-public address"
    if ip.scope_id:
        return "a scoped (link-local) address"
    inner = embedded_ipv4(ip)
    if inner is not None:
        inner_reason = blocked_reason(inner)
        return None if inner_reason is None else f"an IPv6 form of {inner} ({inner_reason})"
    for network6, reason in _V6_BLOCKED:
        if ip in network6:
            return reason
    return None if ip in _GLOBAL_UNICAST else "a reserved address"


class AllowList:
    """Operator-named exceptions: host names (exact) or addresses and CIDRs (any name)."""

    def __init__(self, entries: Iterable[str]) -> None:
        self._names: set[str] = set()
        self._networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in entries:
            text = entry.strip()
            loose = parse_host_ip(text.split("/", 1)[0])
            try:
                if "/" in text:
                    self._networks.append(ipaddress.ip_network(text, strict=False))
                elif loose is not None:
                    self._networks.append(ipaddress.ip_network(loose))
                else:
                    self._names.add(normalise_host(text))
            except ValueError as exc:
                raise ValueError(f"allow_private entry {entry!r} is not a host or CIDR") from exc

    def names(self, host: str) -> bool:
        """Whether `host` itself (not an address) was named by the operator."""
        return normalise_host(host) in self._names

    def allows(self, host: str, ip: IPAddress) -> bool:
        if self.names(host):
            return True
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and (inner := embedded_ipv4(ip)) is not None:
            candidates.append(inner)
        return any(c.version == n.version and c in n for c in candidates for n in self._networks)


def normalise_host(host: str) -> str:
    """Compare host names case-insensitively and without the root dot."""
    return host.strip().strip("[]").rstrip(".").lower()


async def system_resolve(host: str, port: int) -> list[str]:
    """All addresses the system resolver gives for `host` (the seam tests replace)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class AddressGuard:
    """Resolves a host once and returns only addresses that are public or explicitly allowed."""

    def __init__(self, allow_private: Iterable[str] = (), resolver: Resolver | None = None) -> None:
        self.allow = AllowList(allow_private)
        self._resolver = resolver

    def check(self, host: str, ip: IPAddress) -> None:
        """Raise BlockedAddress unless `ip` (reached via `host`) may be contacted."""
        reason = blocked_reason(ip)
        if reason is not None and not self.allow.allows(host, ip):
            raise BlockedAddress(f"blocked: {ip} is {reason}")

    def precheck(self, host: str) -> IPAddress | None:
        """Judge what needs no DNS: literal addresses and localhost names; the literal or None.

        The checker calls this before consulting its cache, so a cached answer can never
        bypass a guard that is stricter than the one in force when it was stored.
        """
        literal = parse_host_ip(host)
        if literal is not None:
            self.check(host, literal)
            return literal
        name = normalise_host(host)
        if (name == "localhost" or name.endswith(".localhost")) and not self.allow.names(name):
            # RFC 6761: always loopback, whatever a (possibly hostile) DNS server says.
            raise BlockedAddress(f"blocked: {host} is a loopback name")
        return None

    async def resolve(self, host: str, port: int) -> list[str]:
        """Checked addresses for `host`, in resolver order; raises a LinkFailure otherwise.

        If ANY answer is blocked the whole name is refused: a rebinding attacker who mixes one
        public and one private answer must not get a coin toss.
        """
        literal = self.precheck(host)
        if literal is not None:
            return [str(literal)]
        resolver = self._resolver or system_resolve  # looked up per call: the test seam
        try:
            answers = await resolver(host, port)
        except socket.gaierror as exc:
            raise _dns_failure(host, exc) from None
        except UnicodeError:
            raise HostNotFound(f"host does not exist: {host} is not a valid name") from None
        addresses: list[str] = []
        for answer in answers:
            ip = parse_host_ip(answer)
            if ip is None:
                raise BlockedAddress(f"blocked: {host} resolved to unusable address {answer}")
            self.check(host, ip)
            if str(ip) not in addresses:
                addresses.append(str(ip))
        if not addresses:
            raise HostNotFound(f"host does not exist: {host} has no address")
        return addresses


def _dns_failure(host: str, exc: socket.gaierror) -> HostNotFound | DnsUnavailable:
    """NXDOMAIN-like answers are verdicts on the link; everything else is a broken lookup."""
    code = exc.errno
    if code == socket.EAI_NONAME:
        return HostNotFound("host does not exist")
    if code == getattr(socket, "EAI_NODATA", object()):
        return HostNotFound(f"host does not exist: {host} has no address")
    if code == socket.EAI_AGAIN:
        return DnsUnavailable("no network: DNS temporarily unavailable")
    return DnsUnavailable(f"no network: DNS lookup failed ({exc.strerror or exc})")
