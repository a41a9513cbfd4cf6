"""One URL's request chain: HEAD (GET if HEAD is refused), retries, redirects, deadline.

Redirects are followed here, not by httpx, so that every hop is a fresh request through the
guarded transport and so that loops and permanent moves can be reported. Each request runs under
a slice of the URL's deadline; the deadline counts time spent requesting and backing off, not time
queued behind other URLs, so a long run does not time out links it has not started yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

import httpx

from medlint.links.errors import LinkFailure, TlsFailure
from medlint.links.policy import (
    HEAD_FALLBACK,
    PERMANENT_REDIRECTS,
    REDIRECTS,
    backoff_delay,
    is_retryable,
    parse_retry_after,
    status_reason,
)
from medlint.links.transport import is_tls_error
from medlint.links.urls import MalformedURL, UnsupportedScheme, host_of, prepare_url

OutcomeStatus = Literal["ok", "broken", "redirected", "unchecked", "blocked"]


@dataclass(frozen=True)
class Outcome:
    """What one chain found; `answered` says whether any server spoke HTTP to us."""

    status: OutcomeStatus
    http_status: int | None
    final_url: str | None
    permanent_redirect: bool
    reason: str
    requests: int
    answered: bool


@dataclass(frozen=True)
class FetchLimits:
    """The subset of LinkSettings the chain needs (keeps this module free of the settings type)."""

    timeout: float
    retries: int
    max_redirects: int
    retry_after_cap: float
    max_body: int


class HostGate:
    """Per-host concurrency and spacing; a Retry-After also holds back the host's next start."""

    def __init__(self, per_host: int, spacing: float) -> None:
        self._per_host = max(1, per_host)
        self._spacing = spacing
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self._per_host))
        async with semaphore:
            lock = self._locks.setdefault(host, asyncio.Lock())
            async with lock:  # serialise start times so spacing holds under concurrency
                loop = asyncio.get_running_loop()
                delay = self._next_start.get(host, 0.0) - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                self._next_start[host] = loop.time() + self._spacing
            yield

    def hold(self, host: str, seconds: float) -> None:
        now = asyncio.get_running_loop().time()
        self._next_start[host] = max(self._next_start.get(host, 0.0), now + seconds)


class _Transient(Exception):
    """A failure worth retrying; `status` and `reason` are the verdict once retries run out."""

    def __init__(self, status: OutcomeStatus, reason: str) -> None:
        super().__init__(reason)
        self.status: OutcomeStatus = status
        self.reason = reason


class Chain:
    """Checks one prepared URL. Counters are per chain so results can report them."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        limits: FetchLimits,
        gate: HostGate,
        global_slots: asyncio.Semaphore,
    ) -> None:
        self._client = client
        self._limits = limits
        self._gate = gate
        self._global = global_slots
        self._remaining = limits.timeout
        self.requests = 0
        self.answered = False

    async def run(self, url: str) -> Outcome:
        try:
            return await self._follow(url)
        except LinkFailure as failure:
            return self._outcome(failure.status, None, None, failure.reason)
        except _Transient as failure:
            return self._outcome(failure.status, None, None, failure.reason)

    def _outcome(
        self,
        status: OutcomeStatus,
        http_status: int | None,
        final_url: str | None,
        reason: str,
        *,
        permanent: bool = False,
    ) -> Outcome:
        return Outcome(
            status, http_status, final_url, permanent, reason, self.requests, self.answered
        )

    async def _follow(self, url: str) -> Outcome:
        seen = {url}
        current = url
        permanent = True
        hops = 0
        while True:
            try:
                status, location = await self._hop(current)
            except (LinkFailure, _Transient) as failure:
                if not hops:
                    raise
                reason = f"{failure.reason} (after redirect to {current})"
                return self._outcome(failure.status, None, current, reason)
            if status not in REDIRECTS or location is None:
                break
            permanent = permanent and status in PERMANENT_REDIRECTS
            hops += 1
            try:
                target = prepare_url(urllib.parse.urljoin(current, location))
            except MalformedURL:
                return self._outcome("broken", status, current, "redirect to a malformed URL")
            except UnsupportedScheme as exc:
                return self._outcome("unchecked", status, current, f"redirect to {exc}")
            if target in seen:
                return self._outcome("broken", status, target, "redirect loop")
            if hops > self._limits.max_redirects:
                reason = f"too many redirects (more than {self._limits.max_redirects})"
                return self._outcome("broken", status, target, reason)
            seen.add(target)
            current = target
        if status >= 400:
            return self._outcome("broken", status, current, status_reason(status))
        if status in REDIRECTS:
            return self._outcome(
                "broken", status, current, f"{status_reason(status)} without Location"
            )
        if hops and permanent and 200 <= status < 300:
            reason = f"permanently redirected to {current}"
            return self._outcome("redirected", status, current, reason, permanent=True)
        return self._outcome("ok", status, current, status_reason(status))

    async def _hop(self, url: str) -> tuple[int, str | None]:
        """Final status of one URL after HEAD->GET fallback and retries; Location if any."""
        method = "HEAD"
        attempt = 0
        host = host_of(url)
        while True:
            attempts_left = self._limits.retries - attempt + 1
            try:
                status, headers = await self._request(method, url, host, attempts_left)
            except _Transient:
                if attempt >= self._limits.retries or self._remaining <= 0:
                    raise
                await self._pause(backoff_delay(attempt, url))
                attempt += 1
                continue
            if method == "HEAD" and status in HEAD_FALLBACK:
                method = "GET"
                continue
            if not is_retryable(status) or attempt >= self._limits.retries:
                return status, headers.get("location")
            delay = parse_retry_after(headers.get("retry-after"))
            if delay is not None:
                if delay > self._limits.retry_after_cap:
                    return status, None  # the server asks for more patience than we have
                self._gate.hold(host, delay)
            else:
                delay = backoff_delay(attempt, url)
            if delay >= self._remaining:
                return status, None
            await self._pause(delay)
            attempt += 1

    async def _pause(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.sleep(max(0.0, min(seconds, self._remaining)))
        self._remaining -= loop.time() - start

    async def _request(
        self, method: str, url: str, host: str, attempts_left: int
    ) -> tuple[int, httpx.Headers]:
        if self._remaining <= 0:
            raise _Transient("unchecked", "timed out")
        limit = self._remaining / max(1, attempts_left)
        async with self._gate.slot(host), self._global:
            loop = asyncio.get_running_loop()
            start = loop.time()
            try:
                return await self._send(method, url, limit)
            finally:
                self._remaining -= loop.time() - start

    async def _send(self, method: str, url: str, limit: float) -> tuple[int, httpx.Headers]:
        response: httpx.Response | None = None
        answer: tuple[int, httpx.Headers] | None = None
        try:
            async with asyncio.timeout(limit):
                request = self._client.build_request(method, url)
                response = await self._client.send(request, stream=True)
                self.requests += 1
                self.answered = True
                answer = (response.status_code, response.headers)
                await _drain_small(response, method, self._limits.max_body)
        except TimeoutError:
            if answer is None:
                self.requests += 1
                raise _Transient("unchecked", "timed out") from None
            # else the status arrived and only the optional drain was cut off
        except LinkFailure:
            raise
        except httpx.HTTPError as exc:
            self.requests += 1
            raise _classify_transport_error(exc) from None
        finally:
            if response is not None:
                await response.aclose()
        if answer is None:  # pragma: no cover - the block above either answers or raises
            raise _Transient("unchecked", "no answer")
        return answer


async def _drain_small(response: httpx.Response, method: str, max_body: int) -> None:
    """Read a short body (raw, never decoded) so that the connection can be reused.

    A HEAD answer has no body but must still be read to its end, or httpcore drops the
    connection. A GET body is read only when its declared length is at most `max_body`;
    anything longer or of unknown length is left unread, and closing the response drops the
    connection, which is cheaper than downloading an unbounded (or gzip-bomb) body.
    """
    if method != "HEAD":
        length = response.headers.get("content-length", "")
        if not length.isdigit() or int(length) > max_body:
            return
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received >= max_body:
            return


def _classify_transport_error(exc: httpx.HTTPError) -> _Transient | LinkFailure:
    """TLS failures are verdicts (broken); resets and protocol errors may be flukes (retry)."""
    tls = is_tls_error(exc)
    if tls is not None:
        detail = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or str(tls)
        return TlsFailure(f"TLS error: {detail}")
    if isinstance(exc, httpx.TimeoutException):
        return _Transient("unchecked", "timed out")
    if isinstance(exc, httpx.RemoteProtocolError):
        return _Transient("unchecked", f"server broke the HTTP protocol: {exc}")
    if isinstance(exc, httpx.NetworkError):
        return _Transient("unchecked", f"connection failed: {exc or type(exc).__name__}")
    return _Transient("unchecked", f"request failed: {exc or type(exc).__name__}")
