"""httpx plumbing that makes every TCP connection go through the address guard.

httpcore opens connections through a pluggable network backend and calls it with the origin's host
name. `GuardedBackend` resolves that name with the guard (one lookup, every answer checked) and
connects to the checked IP itself. httpcore still does TLS with the original host name, so SNI and
certificate verification are unchanged, and httpx still sends the original `Host` header. Because
the check lives where the socket is opened, it also covers every redirect hop and every new pooled
connection without the checker having to remember to call it.

httpx has no public knob for the backend, so `GuardedTransport` swaps the connection pool it built
for an identical one with our backend; `tests/links` prove the swap is in effect.
"""

from __future__ import annotations

import errno
import functools
import ssl
import urllib.request
from collections.abc import Iterable

import httpcore
import httpx

from medlint.links.errors import (
    BlockedAddress,
    ConnectionRefused,
    LinkFailure,
    NetworkUnavailable,
)
from medlint.links.guard import AddressGuard, normalise_host

_UNREACHABLE = {
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "no route to host",
    errno.ENETDOWN: "network is down",
    errno.EADDRNOTAVAIL: "no usable local address",
}


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the guard returned; `trusted` hosts (proxies) skip the guard."""

    def __init__(self, guard: AddressGuard, trusted: Iterable[str] = ()) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()
        self._trusted = {normalise_host(host) for host in trusted}

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # socket_options is never set by our pools, so it is not forwarded.
        if normalise_host(host) in self._trusted:
            addresses = [host]
        else:
            addresses = await self._guard.resolve(host, port)
        failures: list[httpcore.ConnectError] = []
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address
                )
            except httpcore.ConnectError as exc:
                failures.append(exc)
        raise _connect_failure(host, failures)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("blocked: unix sockets are never used for links")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _connect_failure(host: str, failures: list[httpcore.ConnectError]) -> LinkFailure:
    """Refused anywhere beats unreachable: the host is there and said no (the link is broken)."""
    codes = [_errno_of(exc) for exc in failures]
    if errno.ECONNREFUSED in codes:
        return ConnectionRefused("connection refused")
    for code in codes:
        if code in _UNREACHABLE:
            return NetworkUnavailable(f"no network: {_UNREACHABLE[code]}")
    detail = str(failures[-1]) if failures else "no address"
    return NetworkUnavailable(f"could not connect to {host}: {detail}")


def _errno_of(exc: BaseException) -> int | None:
    """anyio wraps the OSError ("All connection attempts failed"); the errno is further down."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno is not None:
            return seen.errno
        seen = seen.__cause__ or seen.__context__
    return None


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle costs ~50 ms; one verifying context serves every run."""
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An AsyncHTTPTransport whose pool (direct or via an HTTP proxy) uses GuardedBackend."""

    def __init__(
        self,
        guard: AddressGuard,
        limits: httpx.Limits,
        proxy: httpx.Proxy | None = None,
    ) -> None:
        context = _ssl_context()
        super().__init__(verify=context, trust_env=False, limits=limits)
        if proxy is None:
            self._pool = httpcore.AsyncConnectionPool(
                ssl_context=context,
                network_backend=GuardedBackend(guard),
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
            )
            return
        if proxy.url.scheme not in ("http", "https"):
            raise ValueError(f"unsupported proxy scheme {proxy.url.scheme!r} (http/https only)")
        self._pool = httpcore.AsyncHTTPProxy(
            proxy_url=httpcore.URL(
                scheme=proxy.url.raw_scheme,
                host=proxy.url.raw_host,
                port=proxy.url.port,
                target=proxy.url.raw_path,
            ),
            proxy_auth=proxy.raw_auth,
            proxy_headers=proxy.headers.raw,
            proxy_ssl_context=proxy.ssl_context,
            ssl_context=context,
            network_backend=GuardedBackend(guard, trusted=[proxy.url.host]),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
        )


class PerOriginTransport(httpx.AsyncBaseTransport):
    """One small guarded pool per origin instead of one big pool for the run.

    httpcore's pool scans every connection it holds for every request it places (and probes
    each idle socket), so one pool shared by hundreds of hosts costs O(connections) per request
    and evicts other hosts' keep-alive connections when full. A pool per origin never holds more
    than the per-host limit, keeps its connections alive, and makes the scan trivial.
    """

    def __init__(self, guard: AddressGuard, per_origin: int) -> None:
        self._guard = guard
        self._limits = httpx.Limits(
            max_connections=per_origin,
            max_keepalive_connections=per_origin,
            keepalive_expiry=5.0,
        )
        self._pools: dict[tuple[str, str, int | None], GuardedTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = (request.url.scheme, request.url.host, request.url.port)
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools[origin] = GuardedTransport(self._guard, self._limits)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


class ProxyRoutingTransport(httpx.AsyncBaseTransport):
    """Routes by the environment's proxy settings, pre-checking targets the proxy will resolve.

    Through a proxy the guard cannot see which address the proxy connects to; it checks the
    target's own resolution first, which stops plain SSRF but not a rebinding race at the
    proxy. That is why proxies are off unless the operator turns them on.
    """

    def __init__(self, guard: AddressGuard, limits: httpx.Limits, per_origin: int) -> None:
        self._guard = guard
        self._direct = PerOriginTransport(guard, per_origin)
        proxies = urllib.request.getproxies_environment()
        self._no_proxy = [
            entry.strip().lstrip(".").lower()
            for entry in proxies.get("no", "").split(",")
            if entry.strip()
        ]
        self._via: dict[str, GuardedTransport] = {
            scheme: GuardedTransport(guard, limits, httpx.Proxy(proxies[scheme]))
            for scheme in ("http", "https")
            if proxies.get(scheme)
        }

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        via = self._via.get(request.url.scheme)
        if via is None or self._bypass(host):
            return await self._direct.handle_async_request(request)
        await self._guard.resolve(host, request.url.port or _default_port(request.url.scheme))
        return await via.handle_async_request(request)

    def _bypass(self, host: str) -> bool:
        """NO_PROXY as curl reads it: `*`, exact names, or domain suffixes."""
        name = normalise_host(host)
        return any(entry in ("*", name) or name.endswith("." + entry) for entry in self._no_proxy)

    async def aclose(self) -> None:
        await self._direct.aclose()
        for transport in self._via.values():
            await transport.aclose()


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def build_client(
    guard: AddressGuard,
    *,
    max_connections: int,
    per_host: int,
    user_agent: str,
    use_env_proxy: bool,
) -> httpx.AsyncClient:
    """One client per run: a pool per origin, no automatic redirects, env proxies only if asked."""
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=5.0,
    )
    transport: httpx.AsyncBaseTransport
    if use_env_proxy:
        transport = ProxyRoutingTransport(guard, limits, per_host)
    else:
        transport = PerOriginTransport(guard, per_host)
    return httpx.AsyncClient(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(None),  # the checker's own deadline governs
        headers={
            "User-Agent": user_agent,
            # Never ask for compressed bodies: nothing is decoded, so no gzip bomb can go off.
            "Accept-Encoding": "identity",
            "Accept": "*/*",
        },
    )


def is_tls_error(exc: BaseException) -> ssl.SSLError | None:
    """The SSL error behind an httpx connect failure, if that is what it was."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
