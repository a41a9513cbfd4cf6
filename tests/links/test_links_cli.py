"""`medlint check` end to end on pages whose links point at a real local server.

Good, dead, redirected and rate-limited links: exactly the dead ones are `broken-link`, the
permanent redirects are `redirected-link` (information, with an unsafe fix), every unsafe target
is blocked without a single hit, and a second run is answered from the cache.
"""

from __future__ import annotations

import json
from pathlib import Path

from linkserver import LinkServer
from tests.conftest import VALID_PAGE, invoke

# The page's own cancer.gov link would need the internet; these tests speak only to loopback.
PAGE = VALID_PAGE.replace(
    "(https://www.cancer.gov/about-cancer/treatment/drugs/trastuzumab)", "(#trastuzumab)"
)


def _pages(tmp_path: Path, server: LinkServer) -> dict[str, str]:
    urls = {
        "good": server.url("/ok"),
        "dead": server.url("/404"),
        "gone": server.url("/410"),
        "moved": server.url("/perm/2"),
        "temporary": server.url("/temp"),
        "limited": server.url("/ratelimited"),
        "flaky": server.url("/flaky"),
        "nohead": server.url("/nohead"),
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "loopback-int": f"http://2130706434:{server.port}/ok",  # 127.0.0.2, not allowed
        "to-loopback": server.url("/to?url=http://127.0.0.1:1/ok").replace(
            "127.0.0.1", "localhost"
        ),
    }
    body = "\n\n".join(f"[{name}]({url})" for name, url in urls.items())
    # The same dead link on a second page: checked once, reported twice.
    (tmp_path / "a.md").write_text(PAGE + "\n" + body + "\n", encoding="utf-8")
    (tmp_path / "b.md").write_text(
        PAGE + f"\nAgain: <{urls['dead']}> and {urls['good']}\n", encoding="utf-8"
    )
    return urls


def _check(tmp_path: Path) -> tuple[int, list[dict[str, object]]]:
    result = invoke(
        [
            "check",
            "--allow-private",
            "127.0.0.1",
            "--format",
            "json",
            "--select",
            "broken-link,redirected-link",
            ".",
        ],
        cwd=tmp_path,
    )
    return result.exit_code, json.loads(result.output)["findings"]


def test_dead_redirected_blocked_and_cached(tmp_path: Path, server: LinkServer) -> None:
    urls = _pages(tmp_path, server)
    code, findings = _check(tmp_path)
    assert code == 1
    got = sorted(
        (f["path"], f["rule"], f["message"].rsplit("(", 1)[-1].rstrip(")"))
        for f in findings
        if f["rule"] == "broken-link"
    )
    broken = {u for _, _, u in got}
    assert broken == {
        urls["dead"],
        urls["gone"],
        urls["metadata"],
        urls["loopback-int"],
        urls["to-loopback"],
    }
    assert ("b.md", "broken-link", urls["dead"]) in got
    moved = [f for f in findings if f["rule"] == "redirected-link"]
    assert len(moved) == 1
    assert moved[0]["severity"] == "info"
    assert moved[0]["fix"]["applicability"] == "unsafe"
    assert server.url("/perm/0") in str(moved[0]["message"])
    # Each distinct URL was requested once (HEAD), though `dead` and `good` appear twice.
    assert server.hits["/404"] == 1, server.methods
    assert server.hits["/ok"] == 2  # once for `good`, once as the end of `/temp`
    assert server.hits["/ratelimited"] == 2  # 429, then the retry after Retry-After: 0
    hits = server.total()
    # A second run is served from the cache: no request reaches the server.
    code2, findings2 = _check(tmp_path)
    assert code2 == 1
    assert findings2 == findings
    assert server.total() == hits


def test_offline_never_touches_the_network(tmp_path: Path, server: LinkServer) -> None:
    _pages(tmp_path, server)
    result = invoke(["check", "--offline", "--allow-private", "127.0.0.1", "."], cwd=tmp_path)
    assert "broken-link" not in result.output
    assert server.total() == 0


def test_suppressing_one_link(tmp_path: Path, server: LinkServer) -> None:
    page = PAGE + (
        f"\n<!-- medlint-disable-next-line broken-link -- archived on purpose -->\n"
        f"[old]({server.url('/404')})\n"
    )
    (tmp_path / "a.md").write_text(page, encoding="utf-8")
    code, findings = _check(tmp_path)
    assert code == 0, findings
    assert findings == []


def test_fix_applies_permanent_redirects_recorded_by_check(
    tmp_path: Path, server: LinkServer
) -> None:
    page = PAGE + f"\n[moved]({server.url('/perm/1')}) and [ok]({server.url('/ok')})\n"
    (tmp_path / "a.md").write_text(page, encoding="utf-8")
    # Before any check there is no verdict: fix changes nothing and sends nothing.
    first = invoke(["fix", "--unsafe-fixes", "--select", "redirected-link", "."], cwd=tmp_path)
    assert first.exit_code == 0, first.output
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == page
    assert server.total() == 0
    invoke(
        ["check", "--allow-private", "127.0.0.1", "--select", "redirected-link", "."], cwd=tmp_path
    )
    hits = server.total()
    fixed = invoke(["fix", "--unsafe-fixes", "--select", "redirected-link", "."], cwd=tmp_path)
    assert fixed.exit_code == 0, fixed.output
    assert server.total() == hits  # fix read the cache, it did not ask the server
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == page.replace(
        server.url("/perm/1"), server.url("/perm/0")
    )
    offline = PAGE + f"\n[moved]({server.url('/perm/1')})\n"
    (tmp_path / "a.md").write_text(offline, encoding="utf-8")
    invoke(["fix", "--offline", "--unsafe-fixes", "--select", "redirected-link", "."], cwd=tmp_path)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == offline
