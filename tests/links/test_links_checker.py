"""check_urls against a real local server: statuses, retries, redirects, deadlines, bodies."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import Callable

import pytest
from linkserver import LinkServer

from medlint.links.checker import LinkResult, LinkSettings, check_urls

LOCAL = LinkSettings(allow_private=("127.0.0.1",), cache_dir=None, timeout=5.0)


def check_one(url: str, settings: LinkSettings = LOCAL) -> LinkResult:
    return check_urls([url], settings)[url]


def test_each_distinct_url_is_requested_exactly_once(server: LinkServer) -> None:
    urls = [server.url(f"/ok?page={i}") for i in range(30)]
    written = urls * 3 + [urls[0] + "#section"]  # a fragment does not change the request

    results = check_urls(written, LOCAL)

    assert list(results) == list(dict.fromkeys(written))
    assert {r.status for r in results.values()} == {"ok"}
    assert [results[u].requests for u in urls] == [1] * 30
    assert results[urls[0] + "#section"].requests == 0  # shared with its fragment-less twin
    assert server.hits["/ok"] == 30
    assert {method for method, _ in server.methods} == {"HEAD"}


def test_all_permanent_chain_is_redirected(server: LinkServer) -> None:
    result = check_one(server.url("/perm/3"))
    assert result.status == "redirected"
    assert result.permanent_redirect
    assert result.final_url == server.url("/perm/0")
    assert result.http_status == 200
    assert result.requests == 4


def test_308_is_permanent(server: LinkServer) -> None:
    result = check_one(server.url("/p308"))
    assert (result.status, result.permanent_redirect) == ("redirected", True)
    assert result.final_url == server.url("/ok")


@pytest.mark.parametrize("path", ["/temp", "/mixed"])
def test_chain_with_a_temporary_hop_is_plain_ok(server: LinkServer, path: str) -> None:
    result = check_one(server.url(path))
    assert (result.status, result.permanent_redirect) == ("ok", False)
    assert result.final_url == server.url("/ok")


@pytest.mark.parametrize(("path", "reason"), [("/404", "404 Not Found"), ("/410", "410 Gone")])
def test_client_errors_are_broken(server: LinkServer, path: str, reason: str) -> None:
    result = check_one(server.url(path))
    assert (result.status, result.reason, result.requests) == ("broken", reason, 1)


@pytest.mark.parametrize("path", ["/ratelimited", "/ratelimited-date"])
def test_429_with_retry_after_is_retried(server: LinkServer, path: str) -> None:
    result = check_one(server.url(path))
    assert (result.status, result.http_status, result.requests) == ("ok", 200, 2)


def test_retry_after_beyond_cap_is_not_waited_for(server: LinkServer) -> None:
    result = check_one(server.url("/ratelimited-long"))
    assert (result.status, result.http_status, result.requests) == ("broken", 429, 1)
    assert result.reason == "429 Too Many Requests"


def test_server_error_then_success_is_ok(server: LinkServer) -> None:
    result = check_one(server.url("/flaky"))
    assert (result.status, result.requests) == ("ok", 2)


def test_persistent_server_error_is_broken_after_retries(server: LinkServer) -> None:
    result = check_one(server.url("/down"))
    assert (result.status, result.reason) == ("broken", "503 Service Unavailable")
    assert result.requests == 1 + LOCAL.retries == server.hits["/down"]


@pytest.mark.parametrize("path", ["/nohead", "/forbidden-head"])
def test_head_refused_falls_back_to_get(server: LinkServer, path: str) -> None:
    result = check_one(server.url(path))
    assert (result.status, result.requests) == ("ok", 2)
    assert server.methods == [("HEAD", path), ("GET", path)]


def test_redirect_loop_is_broken(server: LinkServer) -> None:
    result = check_one(server.url("/loop/a"))
    assert (result.status, result.reason) == ("broken", "redirect loop")
    assert server.total() == 2


def test_too_many_redirects_is_broken(server: LinkServer) -> None:
    settings = dataclasses.replace(LOCAL, max_redirects=3)
    result = check_one(server.url("/perm/5"), settings)
    assert (result.status, result.reason) == ("broken", "too many redirects (more than 3)")
    assert server.total() == 4


def test_redirect_without_location_is_broken(server: LinkServer) -> None:
    result = check_one(server.url("/nolocation"))
    assert result.status == "broken"
    assert result.reason == "301 Moved Permanently without Location"


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_deadline_cuts_off_slow_and_dripping_servers(server: LinkServer, path: str) -> None:
    settings = dataclasses.replace(LOCAL, timeout=0.5, retries=1)
    result = check_one(server.url(path), settings)
    assert (result.status, result.reason) == ("unchecked", "timed out")


@pytest.mark.parametrize("path", ["/huge", "/bomb"])
def test_endless_and_bomb_bodies_are_not_downloaded(server: LinkServer, path: str) -> None:
    # With a 2 s deadline, reading 256 MB or inflating 20 MB would show up as "timed out".
    settings = dataclasses.replace(LOCAL, timeout=2.0, max_body=1024)
    result = check_one(server.url(path), settings)
    assert (result.status, result.http_status) == ("ok", 200)


def test_bad_urls_never_raise(server: LinkServer) -> None:
    urls = ["http://[::1", "http:///nohost", "mailto:someone@example.org", "not a url", ""]
    results = check_urls(urls, LOCAL)
    assert results["http://[::1"].status == "broken"
    assert results["http://[::1"].reason.startswith("malformed URL")
    assert results["http:///nohost"].status == "broken"
    assert results["mailto:someone@example.org"].status == "unchecked"
    assert results["not a url"].status == "unchecked"
    assert server.total() == 0


def test_excluded_urls_are_not_contacted(server: LinkServer) -> None:
    settings = dataclasses.replace(LOCAL, exclude=(r"/404$",))
    result = check_one(server.url("/404"), settings)
    assert result.status == "excluded"
    assert server.total() == 0


def test_invalid_exclude_pattern_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="exclude pattern"):
        check_urls(["http://127.0.0.1/"], dataclasses.replace(LOCAL, exclude=("(",)))


def test_progress_reports_every_url(server: LinkServer) -> None:
    calls: list[tuple[int, int]] = []
    urls = [server.url("/ok"), server.url("/404"), "mailto:x", server.url("/ok") + "#x"]
    check_urls(urls, LOCAL, lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4, 4)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_refused_connection_is_broken_when_other_hosts_answer(
    server: LinkServer, unused_port: Callable[[str], int]
) -> None:
    dead = f"http://127.0.0.1:{unused_port('127.0.0.1')}/"
    results = check_urls([server.url("/ok"), dead], LOCAL)
    assert (results[dead].status, results[dead].reason) == ("broken", "connection refused")


def test_refusals_everywhere_are_blamed_on_the_network(
    unused_port: Callable[[str], int],
) -> None:
    settings = dataclasses.replace(LOCAL, allow_private=("127.0.0.0/8",))
    dead = [
        f"http://127.0.0.1:{unused_port('127.0.0.1')}/",
        f"http://127.0.0.2:{unused_port('127.0.0.2')}/",
    ]
    results = check_urls(dead, settings)
    assert {r.status for r in results.values()} == {"unchecked"}
    assert {r.reason for r in results.values()} == {"no network: every host refused the connection"}


def test_tls_failure_is_broken(server: LinkServer) -> None:
    url = f"https://127.0.0.1:{server.port}/ok"  # the server speaks plain HTTP
    result = check_one(url)
    assert result.status == "broken"
    assert result.reason.startswith("TLS error")


def test_env_proxy_is_ignored_unless_enabled(
    server_pair: tuple[LinkServer, LinkServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, target = server_pair
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url("/"))
    monkeypatch.setenv("http_proxy", proxy.url("/"))

    direct = check_one(target.url("/ok"))
    assert direct.status == "ok"
    assert (proxy.hits["PROXY"], target.hits["/ok"]) == (0, 1)

    proxied = check_one(target.url("/ok"), dataclasses.replace(LOCAL, use_env_proxy=True))
    assert proxied.status == "ok"
    assert (proxy.hits["PROXY"], target.hits["/ok"]) == (1, 1)


def test_env_proxy_does_not_open_the_guard(
    server_pair: tuple[LinkServer, LinkServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, target = server_pair
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", proxy.url("/"))
    settings = LinkSettings(cache_dir=None, use_env_proxy=True)  # nothing private allowed
    result = check_one(target.url("/ok"), settings)
    assert result.status == "blocked"
    assert proxy.total() == target.total() == 0


def test_check_urls_works_inside_a_running_loop(server: LinkServer) -> None:
    async def caller() -> LinkResult:
        return check_one(server.url("/ok"))

    assert asyncio.run(caller()).status == "ok"


def test_per_host_limit_caps_requests_in_flight(server: LinkServer) -> None:
    urls = [server.url(f"/hold?i={i}") for i in range(8)]
    results = check_urls(urls, dataclasses.replace(LOCAL, per_host=2))
    assert {r.status for r in results.values()} == {"ok"}
    assert 1 <= server.max_inflight <= 2


def test_global_limit_caps_requests_in_flight(server: LinkServer) -> None:
    urls = [server.url(f"/hold?i={i}") for i in range(6)]
    check_urls(urls, dataclasses.replace(LOCAL, per_host=8, max_concurrency=1))
    assert server.max_inflight == 1


def test_host_spacing_separates_request_starts(server: LinkServer) -> None:
    urls = [server.url(f"/hold?i={i}") for i in range(3)]
    check_urls(urls, dataclasses.replace(LOCAL, host_spacing=0.15))
    starts = sorted(server.starts)
    # A loose lower bound: load can widen gaps; delivery jitter may narrow them a little.
    # Without spacing all three start within a few milliseconds of each other.
    assert all(later - earlier >= 0.075 for earlier, later in itertools.pairwise(starts))
