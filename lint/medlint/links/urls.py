"""Turn a URL as written into the URL we request, or say why it cannot be requested.

The canonical form (lower-case scheme and host, numeric hosts in dotted form, no default port, no
fragment, no user info) is the dedupe key, the cache key and what httpx receives. Numeric hosts
must be canonicalised here: httpx rejects `0177.0.0.1` as an invalid IPv4 address, which would turn
a blocked address into a mere "malformed URL" and hide the attempt.
"""

from __future__ import annotations

import ipaddress
import urllib.parse

import httpx

from medlint.links.guard import parse_host_ip

_DEFAULT_PORTS = {"http": 80, "https": 443}


class MalformedURL(ValueError):
    """The text cannot be a working link, whatever the network says."""


class UnsupportedScheme(ValueError):
    """A URL we do not check over the network (mailto:, ftp:, ...)."""


def prepare_url(raw: str) -> str:
    """The canonical request URL for `raw`; raises MalformedURL or UnsupportedScheme.

    User info is dropped so that credentials someone pasted into a document are never sent.
    """
    text = raw.strip()
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise MalformedURL(f"malformed URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise UnsupportedScheme(f"unsupported scheme {scheme + ':' if scheme else '(none)'}")
    host = parts.hostname
    if not host:
        raise MalformedURL("malformed URL (no host)")
    ip = parse_host_ip(host)
    if isinstance(ip, ipaddress.IPv6Address):
        host = f"[{ip.compressed}]"
    elif ip is not None:
        host = str(ip)
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    rebuilt = urllib.parse.urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    try:
        httpx.URL(rebuilt)
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise MalformedURL(f"malformed URL ({exc})") from None
    return rebuilt


def host_of(url: str) -> str:
    """The host part of a prepared URL, used for per-host limits."""
    return urllib.parse.urlsplit(url).hostname or ""
