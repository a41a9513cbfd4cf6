"""The remote link checker: settings, results and `check_urls`, the one entry the engine calls.

Verdicts, and why:

* ``ok``: the URL (after any redirects) answered below 400. A chain with a temporary redirect is
  still ``ok``: the author linked the address the publisher wants linked.
* ``redirected``: every hop was permanent (301/308) and the end answered 2xx; the author should
  update the link to `final_url`.
* ``broken``: an answer of 400 or above after retries (429 and 5xx are retried, Retry-After is
  honoured up to `retry_after_cap`), a redirect loop or too many redirects, a host that does not
  exist (NXDOMAIN), a refused connection, a TLS failure, or a malformed URL (it can never work).
* ``unchecked``: the attempt says nothing about the link: DNS temporarily unavailable, no route,
  connection reset, or a timeout after retries. lychee counts timeouts as errors; we do not,
  because a slow or flaky host must not fail a content team's CI. When every connection of a run
  is refused and nothing answered at all, the refusals are put down to the runner's network
  (a sandbox or firewall), not to the links, and are reported unchecked too.
* ``blocked``: the address guard refused a non-public destination (see `guard.py`).
* ``excluded``: matched a `LinkSettings.exclude` pattern; not contacted.

Cache policy: successes are kept for `cache_ttl`, broken answers for an hour (they may be fixed
soon), and rate limiting (429), unchecked and blocked results are never cached.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from medlint import __version__
from medlint.links.cache import CachedAnswer, CachedStatus, LinkCache
from medlint.links.errors import BlockedAddress
from medlint.links.fetch import Chain, FetchLimits, HostGate, Outcome
from medlint.links.guard import AddressGuard, Resolver
from medlint.links.policy import FAILURE_TTL
from medlint.links.transport import build_client
from medlint.links.urls import MalformedURL, UnsupportedScheme, host_of, prepare_url
from medlint.safe_regex import Matcher, UnsafePattern, compile_pattern

LinkStatus = Literal["ok", "broken", "redirected", "unchecked", "blocked", "excluded"]
Progress = Callable[[int, int], None]
REFUSED = "connection refused"
NOT_FOUND = "host does not exist"
_CACHEABLE: dict[str, CachedStatus] = {"ok": "ok", "redirected": "redirected", "broken": "broken"}


@dataclass(frozen=True)
class LinkSettings:
    """How remote links are checked; every field maps to a config key / CLI option.

    `timeout` is the whole budget of one URL: every attempt, retry wait and redirect hop comes
    out of it (time queued behind other URLs does not). Each attempt gets an equal share of
    what is left, so with the defaults a silent server is tried three times for ~3.3 s each.
    """

    timeout: float = 10.0  # seconds per URL, retries and redirects included
    max_concurrency: int = 64  # requests in flight across the run
    per_host: int = 8  # requests in flight per host
    host_spacing: float = 0.0  # minimum seconds between request starts to one host
    retries: int = 2  # extra attempts after 429, 5xx (not 501/505), timeouts, resets
    max_redirects: int = 10
    retry_after_cap: float = 10.0  # a longer Retry-After is not waited for: the 429 stands
    allow_private: tuple[str, ...] = ()  # host names, addresses or CIDRs the guard lets through
    exclude: tuple[str, ...] = ()  # regexes (re.search on the URL as written): not contacted
    cache_dir: Path | None = Path(".medlint_cache")  # None: no cache (--no-cache)
    cache_ttl: float = 86400.0  # successes; broken answers are kept min(1 h, cache_ttl)
    user_agent: str = f"medlint/{__version__} (+link checker)"
    use_env_proxy: bool = False  # HTTP(S)_PROXY / NO_PROXY honoured only when True
    max_body: int = 64 * 1024  # bytes; bodies are read only to reuse connections, never decoded

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_concurrency < 1 or self.per_host < 1:
            raise ValueError("link settings: timeout, max_concurrency and per_host must be > 0")
        if self.retries < 0 or self.max_redirects < 0 or self.host_spacing < 0:
            raise ValueError("link settings: retries, max_redirects, host_spacing must be >= 0")


@dataclass(frozen=True)
class LinkResult:
    """The verdict on one distinct URL as the caller wrote it."""

    url: str
    status: LinkStatus
    http_status: int | None
    final_url: str | None
    permanent_redirect: bool
    reason: str
    from_cache: bool
    requests: int


def check_urls(
    urls: Iterable[str], settings: LinkSettings, progress: Progress | None = None
) -> dict[str, LinkResult]:
    """Check every distinct URL once and return {url: LinkResult} in first-seen order.

    Never raises for a bad URL: malformed ones are `broken`, non-HTTP ones `unchecked`. It does
    raise ValueError for bad settings (an invalid exclude regex or allow_private entry), which
    are configuration errors. `progress(done, total)` is called as URLs finish.
    """
    distinct = list(dict.fromkeys(urls))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run_checks(distinct, settings, progress))
    # Called from async code: asyncio.run cannot nest, so use a private loop in a worker thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run_checks(distinct, settings, progress)).result()


async def run_checks(
    urls: Sequence[str],
    settings: LinkSettings,
    progress: Progress | None = None,
    *,
    clock: Callable[[], float] = time.time,
    resolver: Resolver | None = None,
) -> dict[str, LinkResult]:
    """The async core of check_urls; `clock` (cache time) and `resolver` are test seams."""
    distinct = list(dict.fromkeys(urls))
    excludes = _compile_excludes(settings.exclude)
    guard = AddressGuard(settings.allow_private, resolver)
    done: dict[str, LinkResult] = {}
    keys: dict[str, str] = {}
    for url in distinct:
        pattern = next((text for text, m in excludes if next(m.finditer(url), None)), None)
        if pattern is not None:
            done[url] = _result(url, "excluded", reason=f"excluded by pattern {pattern}")
            continue
        try:
            key = prepare_url(url)
            guard.precheck(host_of(key))
        except MalformedURL as exc:
            done[url] = _result(url, "broken", reason=str(exc))
        except UnsupportedScheme as exc:
            done[url] = _result(url, "unchecked", reason=str(exc))
        except BlockedAddress as exc:
            done[url] = _result(url, "blocked", reason=exc.reason)
        else:
            keys[url] = key
    pending = list(dict.fromkeys(keys.values()))
    cache = LinkCache.open(settings.cache_dir, clock) if settings.cache_dir else None
    try:
        cached = cache.get_many(pending) if cache else {}
        to_check = [key for key in pending if key not in cached]
        weights = collections.Counter(keys.values())  # input spellings finished by each key
        counter = _Counter(len(distinct), progress)
        counter.advance(len(distinct) - sum(weights[key] for key in to_check))
        outcomes = await _check_live(to_check, settings, guard, counter, weights)
        outcomes = _excuse_offline_refusals(outcomes)
        if cache:
            cache.put_many(_cacheable(outcomes, settings))
    finally:
        if cache:
            cache.close()
    claimed: set[str] = set()
    for url, key in keys.items():
        if key in cached:
            done[url] = _from_cache(url, cached[key])
        else:
            outcome = outcomes[key]
            # Spellings of one URL share one request chain; only the first reports its requests.
            requests = 0 if key in claimed else outcome.requests
            claimed.add(key)
            done[url] = _from_outcome(url, outcome, requests)
    return {url: done[url] for url in distinct}


class _Counter:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.done = 0
        self._progress = progress

    def advance(self, count: int) -> None:
        if count <= 0:
            return
        self.done += count
        if self._progress is not None:
            self._progress(self.done, self.total)


async def _check_live(
    keys: list[str],
    settings: LinkSettings,
    guard: AddressGuard,
    counter: _Counter,
    weights: collections.Counter[str],
) -> dict[str, Outcome]:
    if not keys:
        return {}
    limits = FetchLimits(
        timeout=settings.timeout,
        retries=settings.retries,
        max_redirects=settings.max_redirects,
        retry_after_cap=settings.retry_after_cap,
        max_body=settings.max_body,
    )
    gate = HostGate(settings.per_host, settings.host_spacing)
    global_slots = asyncio.Semaphore(settings.max_concurrency)
    outcomes: dict[str, Outcome] = {}
    client = build_client(
        guard,
        max_connections=settings.max_concurrency,
        per_host=settings.per_host,
        user_agent=settings.user_agent,
        use_env_proxy=settings.use_env_proxy,
    )
    async with client:

        async def one(key: str) -> None:
            try:
                outcome = await Chain(client, limits, gate, global_slots).run(key)
            except Exception as exc:  # a bug must cost one link, not the run
                reason = f"internal error: {type(exc).__name__}: {exc}"
                outcome = Outcome("unchecked", None, None, False, reason, 0, False)
            outcomes[key] = outcome
            counter.advance(weights[key])

        async with asyncio.TaskGroup() as group:
            for key in keys:
                group.create_task(one(key))
    return outcomes


def _excuse_offline_refusals(outcomes: dict[str, Outcome]) -> dict[str, Outcome]:
    """If nothing answered, blame the network, not the links, for refusals and missing hosts.

    A sandboxed CI runner often has no DNS or no route out: every host then "does not exist" or
    refuses. When no server of the run spoke HTTP and two or more hosts failed the same way, the
    failures say nothing about the links: they are reported unchecked, with the reason.
    """
    if any(o.answered for o in outcomes.values()):
        return outcomes
    excused: dict[str, str] = {
        REFUSED: "no network: every host refused the connection",
        NOT_FOUND: "no network: no host of the run resolved",
    }
    out = dict(outcomes)
    for prefix, reason in excused.items():
        failed = [key for key, o in outcomes.items() if o.reason.startswith(prefix)]
        if len({host_of(key) for key in failed}) < 2:
            continue
        for key in failed:
            out[key] = replace(outcomes[key], status="unchecked", reason=reason)
    return out


def _cacheable(
    outcomes: dict[str, Outcome], settings: LinkSettings
) -> list[tuple[str, CachedAnswer, float]]:
    entries: list[tuple[str, CachedAnswer, float]] = []
    for key, o in outcomes.items():
        if o.status in ("ok", "redirected"):
            ttl = settings.cache_ttl
        elif o.status == "broken" and o.http_status != 429:
            ttl = min(FAILURE_TTL, settings.cache_ttl)
        else:
            continue
        status = _CACHEABLE.get(o.status)
        if ttl > 0 and status is not None:
            answer = CachedAnswer(
                status, o.http_status, o.final_url, o.permanent_redirect, o.reason
            )
            entries.append((key, answer, ttl))
    return entries


def _compile_excludes(patterns: Sequence[str]) -> list[tuple[str, Matcher]]:
    """Linear-time matchers: the URLs they run on are written by strangers, and `(a+)+$` in
    Python's backtracking `re` hung the run on one long link."""
    compiled: list[tuple[str, Matcher]] = []
    for pattern in patterns:
        try:
            compiled.append((pattern, compile_pattern(pattern)))
        except UnsafePattern as exc:
            raise ValueError(f"link exclude pattern {pattern!r}: {exc}") from None
    return compiled


def _result(url: str, status: LinkStatus, *, reason: str) -> LinkResult:
    return LinkResult(url, status, None, None, False, reason, False, 0)


def _from_cache(url: str, answer: CachedAnswer) -> LinkResult:
    return LinkResult(
        url,
        answer.status,
        answer.http_status,
        answer.final_url,
        answer.permanent_redirect,
        answer.reason,
        True,
        0,
    )


def _from_outcome(url: str, outcome: Outcome, requests: int) -> LinkResult:
    return LinkResult(
        url,
        outcome.status,
        outcome.http_status,
        outcome.final_url,
        outcome.permanent_redirect,
        outcome.reason,
        False,
        requests,
    )
