"""The HTML report: self-contained, strict CSP, page text inert; looked at in real Chromium.

The browser tests load the report from disk in headless Chromium, read the DOM after the page's
script ran (`--dump-dom`), drive filters through the query string the script reads, and save
screenshots under test-artifacts/ for people to look at.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from medlint.findings import Severity
from medlint.reporters import html
from medlint.reporters.base import PageInfo
from tests.reporters.conftest import (
    ARTIFACTS,
    GOOD_PAGE,
    HOSTILE,
    TODAY,
    Run,
    check,
    finding,
    report,
)

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (.ci/run installs it)"
)


def chromium(url: str, profile: Path, screenshot: Path | None = None) -> lxml_html.HtmlElement:
    """Load `url` headless and return the DOM after the page's script ran; with `screenshot`,
    also save what a 1400x2000 window shows (one browser start for both)."""
    assert CHROMIUM is not None
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,2000",
        "--dump-dom",
    ]
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        args.append(f"--screenshot={screenshot}")
    done = subprocess.run([*args, url], capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    if screenshot is not None:
        assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = lxml_html.fromstring(done.stdout)
    assert page.body.get("data-ready") == "1", "the report's script ran (its CSP hash is right)"
    return page


def embedded(report_file: Path) -> dict[str, list[list[object]]]:
    """The data the report's script reads, as the page embeds it."""
    tree = lxml_html.fromstring(report_file.read_text(encoding="utf-8"))
    data: dict[str, list[list[object]]] = json.loads(tree.get_element_by_id("data").text)
    return data


def rows(page: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The table's finding rows (not the "no finding matches" row)."""
    return page.get_element_by_id("rows").xpath("./tr[starts-with(@class, 'row-')]")


def text(el: lxml_html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


# --- without a browser ---------------------------------------------------------------------


def _inline(doc: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", doc, re.DOTALL)


def test_csp_names_exactly_the_inline_style_and_script() -> None:
    doc = html.render(report(finding("a.md")))
    csp = lxml_html.fromstring(doc).xpath('//meta[@http-equiv="Content-Security-Policy"]')[0]
    policy = dict(part.partition(" ")[::2] for part in csp.get("content").split("; "))
    assert policy["default-src"] == "'none'"
    (style,) = _inline(doc, "style")
    (script,) = _inline(doc, "script")  # the JSON block has a type and is not executable

    def digest(code: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"

    assert policy["style-src"] == digest(style)
    assert policy["script-src"] == digest(script)
    assert "unsafe-inline" not in csp.get("content")


def test_nothing_is_loaded_from_anywhere() -> None:
    doc = html.render(report(finding("a.md"), pages=(PageInfo("a.md", source="NCI"),)))
    tree = lxml_html.fromstring(doc)
    assert not tree.xpath("//*[@src]"), "no external scripts, images or frames"
    assert not tree.xpath("//link"), "no stylesheets or preloads"
    assert not re.search(r"url\(|@import|https?://", _inline(doc, "style")[0])
    assert not re.search(r"https?://|fetch\(|XMLHttpRequest|import\(", _inline(doc, "script")[0])


@pytest.mark.parametrize(
    "value",
    ["</script><script>alert(1)</script>", "<!--", "a & b > c", "\u2028\u2029", HOSTILE],
)
def test_script_json_cannot_close_its_element(value: str) -> None:
    encoded = html.script_json({"v": value})
    assert not re.search(r"[<>&\u2028\u2029]", encoded)
    assert json.loads(encoded) == {"v": value}


@pytest.mark.parametrize(
    ("path", "base", "href"),
    [
        ("seeds/a.md", "", "seeds/a.md"),
        ("./seeds/a b.md", "../", "../seeds/a%20b.md"),
        ("javascript:alert(1).md", "", "javascript%3Aalert%281%29.md"),
        ("docs/#x?.md", "", "docs/%23x%3F.md"),
        ("/abs/page.md", "../", "file:///abs/page.md"),
        ("//evil.example/x.md", "", "file:////evil.example/x.md"),
    ],
)
def test_links_are_built_from_paths_only(path: str, base: str, href: str) -> None:
    assert html.file_href(path, base) == href


def test_health_verdicts() -> None:
    today = dt.date.fromisoformat(TODAY)
    late = today - dt.timedelta(days=1)
    pages = tuple(PageInfo(f"p{i}.md") for i in range(10))
    assert html.health(report(pages=pages)).label == "Healthy"
    one = report(finding("p0.md"), pages=pages)
    assert html.health(one).label == "Needs attention"
    overdue = tuple(PageInfo(p.path, review_due=late) for p in pages[:2]) + pages[2:]
    assert html.health(report(pages=overdue)).label == "At risk"
    warning_only = report(finding("p0.md", severity=Severity.WARNING), pages=pages)
    assert html.health(warning_only).label == "Healthy"


def test_hostile_text_never_reaches_the_markup(tmp_path: Path) -> None:
    pages = (PageInfo(f"{HOSTILE}.md", title=HOSTILE, source=HOSTILE),)
    doc = html.render(report(finding(f"{HOSTILE}.md", HOSTILE, help=HOSTILE), pages=pages))
    tree = lxml_html.fromstring(doc)
    assert len(tree.xpath("//script")) == 2
    assert not tree.xpath("//img") and not tree.xpath("//*[@onerror]")
    assert not [a for a in tree.xpath("//a/@href") if a.lower().startswith("javascript")]
    # The source name is shown (escaped) in the chart.
    assert any(HOSTILE[:20] in t for t in tree.xpath("//svg//text()"))


# --- in Chromium ----------------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_seeds_report_in_chromium(seeds: Path, tmp_path: Path) -> None:
    run = check(seeds, "seeds", "--format", "json", "--report", "html=out/report.html")
    findings = json.loads(run.stdout)["findings"]
    report_file = seeds / "out" / "report.html"
    shot = ARTIFACTS / "html-seeds.png"
    page = chromium(report_file.as_uri(), tmp_path / "profile", shot)
    assert len(rows(page)) == len(findings)
    assert text(page.get_element_by_id("match-count")) == f"{len(findings)} findings"
    assert text(page.find_class("badge")[0]) == "At risk"
    links = page.get_element_by_id("rows").xpath(".//td[@class='file']/a/@href")
    assert links[0].startswith("../seeds/") and "#L" in links[0]
    assert (report_file.parent / links[0].split("#")[0]).is_file(), "the link reaches the page"

    page = chromium(report_file.as_uri() + "?q=nci-ado&sort=line", tmp_path / "profile")
    want = sorted(f["line"] for f in findings if "nci-ado" in f["path"])
    got = [int(text(r.find_class("num")[0]).split(":")[0]) for r in rows(page)]
    assert got == want
    assert text(page.get_element_by_id("match-count")) == f"{len(want)} of {len(findings)} findings"


@pytest.mark.browser
@needs_chromium
def test_corpus_report_in_chromium(corpus: Run, tmp_path: Path) -> None:
    findings = corpus.json("out/report.json")["findings"]
    report_file = corpus.cwd / "out" / "report.html"
    profile = tmp_path / "profile"
    page = chromium(report_file.as_uri(), profile, ARTIFACTS / "html-corpus-1000.png")
    assert len(findings) > 500, "enough findings to need the 'show more' button"
    assert len(rows(page)) == 500
    assert text(page.get_element_by_id("match-count")) == f"{len(findings)} findings"
    assert page.get_element_by_id("more").find("button") is not None
    assert text(page.find_class("card-value")[0]) == "1,000"
    sources = page.get_element_by_id("f-source").xpath("./option/@value")
    assert "NCI" in sources

    # Filters and sort from the query string, checked against the embedded data.
    data = embedded(report_file)
    nci = {i for i, f in enumerate(data["files"]) if f[2] == "NCI"}
    rule = next(i for i, r in enumerate(data["rules"]) if r[0] == "ML101")
    want = [f for f in data["findings"] if f[1] == rule and f[2] in nci and f[0] == "error"]
    page = chromium(
        report_file.as_uri() + "?rule=ML101&source=NCI&severity=error&sort=-file", profile
    )
    got = rows(page)
    assert len(got) == len(want) > 0
    assert all(text(r.find_class("rule")[0]) == "ML101 mojibake" for r in got)
    files = [text(r.find_class("file")[0]) for r in got]
    assert files == sorted(files, reverse=True)


@pytest.mark.browser
@needs_chromium
def test_a_clean_run_says_so(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD_PAGE, encoding="utf-8")
    run = check(tmp_path, "good.md", "--report", "html=report.html")
    assert run.exit_code == 0
    page = chromium((tmp_path / "report.html").as_uri(), tmp_path / "profile")
    assert text(page.find_class("badge")[0]) == "Healthy"
    assert not rows(page)
    assert text(page.get_element_by_id("rows")) == "No findings."


HOSTILE_PAGE = """\
---
title: "</script><script>document.body.setAttribute('data-pwned','1')</script>"
source: "</script><script>document.body.setAttribute('data-pwned','2')</script>"
"<img src=x onerror=document.body.setAttribute('data-pwned','3')>": 1
---

# Page

Placeholder slot

[click me](javascript:document.body.setAttribute('data-pwned','4'))
"""


@pytest.mark.browser
@needs_chromium
def test_a_hostile_page_cannot_run_anything_in_the_report(tmp_path: Path) -> None:
    name = "javascript:document.body.setAttribute('data-pwned','5').md"
    (tmp_path / name).write_text(HOSTILE_PAGE, encoding="utf-8")
    run = check(tmp_path, ".", "--format", "json", "--report", "html=report.html")
    messages = " ".join(f["message"] for f in json.loads(run.stdout)["findings"])
    assert "<img src=x" in messages, "the hostile key reaches a finding's message"
    page = chromium((tmp_path / "report.html").as_uri(), tmp_path / "profile")
    assert page.body.get("data-pwned") is None
    assert len(page.xpath("//script")) == 2
    assert not page.xpath("//img")
    hrefs = page.xpath("//a/@href")
    assert hrefs and not [h for h in hrefs if not h.startswith("javascript%3A")]
    shown = " ".join(text(td) for td in page.xpath("//td[@class='msg']"))
    assert "<img src=x onerror=" in shown, "hostile text is shown as text"
    assert page.get_element_by_id("f-source").xpath("./option/@value")[1].startswith("</script>")
