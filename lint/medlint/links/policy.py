"""Small pure decisions of the checker: what to retry, how long to wait, how to word a status.

Kept apart from the network code so each rule is one table-tested function.
"""

from __future__ import annotations

import email.utils
import http
import time
import zlib
from collections.abc import Callable

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
# HEAD answers that often mean "this server does not do HEAD", not "this link is broken".
HEAD_FALLBACK = frozenset({400, 403, 405, 501})
BACKOFF_BASE = 0.2
BACKOFF_MAX = 5.0
FAILURE_TTL = 3600.0


def is_retryable(status: int) -> bool:
    """429 and server errors may pass; 501/505 are statements about the server, not hiccups."""
    return status == 429 or (status >= 500 and status not in (501, 505))


def backoff_delay(attempt: int, key: str) -> float:
    """Exponential backoff from BACKOFF_BASE with jitter in [0.5, 1.0).

    The jitter is derived from the URL, not a random source, so runs are reproducible while
    many URLs on one host still spread out instead of retrying in lockstep.
    """
    jitter = 0.5 + (zlib.crc32(f"{attempt}:{key}".encode()) % 1000) / 2000
    return float(min(BACKOFF_MAX, BACKOFF_BASE * (2**attempt) * jitter))


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if unusable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None  # RFC 9110 dates are GMT; a zone-less date is not one
    return max(0.0, when.timestamp() - now())


def status_reason(status: int) -> str:
    """Human words for an HTTP status: "404 Not Found"."""
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"
