"""The SQLite link cache: hits, TTLs by verdict, corruption, and concurrent writers."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from linkserver import LinkServer

from medlint.links.cache import CACHE_FILE, CachedAnswer, LinkCache
from medlint.links.checker import LinkResult, LinkSettings, check_urls, run_checks


class Clock:
    """A hand-moved clock: TTL tests move time instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def settings_for(tmp_path: Path) -> LinkSettings:
    return LinkSettings(allow_private=("127.0.0.1",), cache_dir=tmp_path / "cache", timeout=5.0)


def run(urls: list[str], settings: LinkSettings, clock: Clock) -> dict[str, LinkResult]:
    return asyncio.run(run_checks(urls, settings, clock=clock))


def test_second_run_is_served_from_cache(server: LinkServer, tmp_path: Path) -> None:
    urls = [server.url("/ok"), server.url("/perm/2"), server.url("/404")]
    settings = settings_for(tmp_path)

    first = check_urls(urls, settings)
    hits_after_first = server.total()
    second = check_urls(urls, settings)

    assert server.total() == hits_after_first  # zero new requests
    assert all(r.from_cache and r.requests == 0 for r in second.values())
    for url in urls:
        before, after = first[url], second[url]
        assert (before.status, before.http_status, before.final_url, before.reason) == (
            after.status,
            after.http_status,
            after.final_url,
            after.reason,
        )
    assert second[server.url("/perm/2")].permanent_redirect
    assert (tmp_path / "cache" / CACHE_FILE).is_file()


def test_success_expires_after_ttl(server: LinkServer, tmp_path: Path) -> None:
    clock = Clock()
    settings = dataclasses.replace(settings_for(tmp_path), cache_ttl=600.0)
    url = server.url("/ok")
    run([url], settings, clock)

    clock.now += 599
    assert run([url], settings, clock)[url].from_cache
    clock.now += 2
    fresh = run([url], settings, clock)[url]
    assert (fresh.from_cache, fresh.requests) == (False, 1)
    assert server.hits["/ok"] == 2


def test_broken_answers_are_kept_one_hour(server: LinkServer, tmp_path: Path) -> None:
    clock = Clock()
    settings = settings_for(tmp_path)
    url = server.url("/404")
    run([url], settings, clock)

    clock.now += 3599
    assert run([url], settings, clock)[url].from_cache
    clock.now += 2
    assert not run([url], settings, clock)[url].from_cache
    assert server.hits["/404"] == 2


@pytest.mark.parametrize("path", ["/ratelimited-long", "/slow"])
def test_rate_limits_and_unchecked_are_never_cached(
    server: LinkServer, tmp_path: Path, path: str
) -> None:
    settings = dataclasses.replace(settings_for(tmp_path), timeout=0.3, retries=0)
    url = server.url(path)
    first = check_urls([url], settings)[url]
    assert first.status in ("broken", "unchecked")
    second = check_urls([url], settings)[url]
    assert not second.from_cache
    assert server.hits[path] == 2


def test_blocked_results_are_never_cached(tmp_path: Path) -> None:
    settings = dataclasses.replace(settings_for(tmp_path), allow_private=())
    url = "http://10.0.0.1/"
    check_urls([url], settings)
    assert not check_urls([url], settings)[url].from_cache


def test_no_cache_dir_means_no_cache(server: LinkServer, tmp_path: Path) -> None:
    settings = dataclasses.replace(settings_for(tmp_path), cache_dir=None)
    check_urls([server.url("/ok")], settings)
    check_urls([server.url("/ok")], settings)
    assert server.hits["/ok"] == 2
    assert not (tmp_path / "cache").exists()


def test_corrupt_cache_warns_and_checks_anyway(server: LinkServer, tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.warns(RuntimeWarning, match="link cache"):
        result = check_urls([server.url("/ok")], settings)[server.url("/ok")]
    assert (result.status, result.from_cache) == ("ok", False)


def test_unusable_cache_dir_warns_and_checks_anyway(server: LinkServer, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be")
    with pytest.warns(RuntimeWarning, match="link cache"):
        result = check_urls([server.url("/ok")], settings_for(tmp_path))[server.url("/ok")]
    assert result.status == "ok"


def test_expired_rows_are_pruned(tmp_path: Path) -> None:
    clock = Clock()
    cache = LinkCache.open(tmp_path, clock)
    assert cache is not None
    answer = CachedAnswer("ok", 200, "https://a.example/", False, "200 OK")
    cache.put_many([("https://a.example/", answer, 10.0)])
    clock.now += 11
    cache.put_many([("https://b.example/", answer, 10.0)])
    cache.close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        urls = [row[0] for row in db.execute("SELECT url FROM link_answers_v1")]
    assert urls == ["https://b.example/"]


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from medlint.links.cache import CachedAnswer, LinkCache

    cache_dir, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.001)
    cache = LinkCache.open(cache_dir)
    assert cache is not None
    for batch in range(20):
        cache.put_many(
            (f"https://{name}.example/{batch}/{i}", CachedAnswer("ok", 200, None, False, "ok"), 60)
            for i in range(50)
        )
        assert len(cache.get_many([f"https://{name}.example/{batch}/0"])) == 1
    cache.close()
    """
)


def test_concurrent_writers_in_two_processes(tmp_path: Path) -> None:
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-W", "error", "-c", WRITER, str(tmp_path), name, str(go)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    go.touch()  # start both at once
    for writer in writers:
        _, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
    cache = LinkCache.open(tmp_path)
    assert cache is not None
    keys = [f"https://{n}.example/{b}/{i}" for n in ("first", "second") for b in range(20)
            for i in range(50)]  # fmt: skip
    assert len(cache.get_many(keys)) == 2000
    cache.close()


def test_cached_answer_never_bypasses_a_stricter_guard(server: LinkServer, tmp_path: Path) -> None:
    url = server.url("/ok")
    check_urls([url], settings_for(tmp_path))
    stricter = dataclasses.replace(settings_for(tmp_path), allow_private=())
    result = check_urls([url], stricter)[url]
    assert (result.status, result.from_cache) == ("blocked", False)
    assert server.hits["/ok"] == 1
