"""broken-link and redirected-link: absolute http(s) links checked over the network.

Both are run-scope rules: every link of the run is collected first, each distinct URL is checked
once (medlint.links), and the verdict is mapped back to every place the URL appears.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from medlint.findings import Edit, Finding, Severity
from medlint.registry import Rule, register

if TYPE_CHECKING:
    from medlint.config import Config
    from medlint.document import Document
    from medlint.engine import FileResult, Settings
    from medlint.links.cache import LinkCache
    from medlint.links.checker import LinkSettings
    from medlint.markdown import Link
    from medlint.runner import RunOptions, RunResult


@register
class BrokenLink(Rule):
    """An absolute http(s) link that does not work.

    ## What it does
    Checks every absolute `http://` and `https://` link of the run (inline, reference
    definitions, autolinks, bare URLs, HTML `href`/`src`), each distinct URL once, and reports
    those that answer 400 or above (after retries for 429 and 5xx, honouring `Retry-After`),
    that loop or redirect too often, whose host does not exist, that refuse connections or fail
    TLS. Failures that say nothing about the link (no network, DNS unavailable, timeouts) are
    counted as unchecked and reported once in the summary; they do not fail the run.

    Requests go only to public addresses: loopback, private, link-local (cloud metadata),
    CGNAT, multicast and unspecified addresses, in any spelling, are blocked unless allowed with
    `--allow-private` or `links.allow-private`. Answers are cached in `.medlint_cache/` for a
    day (failures for an hour). `--offline` skips this rule entirely.

    ## Why it matters
    A dead link in patient material sends a frightened reader to an error page and makes the
    whole page look abandoned.

    ## Example
    ```markdown
    [FDA label](https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=removed)
    ```
    `broken-link`: 404 Not Found.

    ## Fix
    None: find the page's new address or remove the link. Exclude a URL in config
    (`links.exclude`, regular expressions) or suppress one place with
    `<!-- medlint-disable-next-line broken-link -- reason -->`.
    """

    code = "ML202"
    name = "broken-link"
    summary = "absolute link does not work"
    scope = "run"


@register
class RedirectedLink(Rule):
    """An absolute link that permanently redirects elsewhere.

    ## What it does
    Reports, as information, a link whose every redirect hop is permanent (301 or 308) and
    which ends at a working page: the publisher has moved the page for good.

    ## Why it matters
    Permanent redirects are removed without warning when sites are rebuilt; linking the final
    address keeps the page working and saves readers a hop.

    ## Example
    ```markdown
    [MedlinePlus](http://medlineplus.gov/druginfo/meds/a613031.html)
    ```
    redirects permanently to `https://medlineplus.gov/druginfo/meds/a613031.html`.

    ## Fix
    Unsafe (`--unsafe-fixes`): replaces the link with its final address. Unsafe because the
    final address may be a generic landing page rather than the content that was linked.
    `medlint fix` never goes to the network: it applies the redirects that the last online
    `medlint check` recorded in the link cache (`.medlint_cache/`), so run `check` first.
    """

    code = "ML203"
    name = "redirected-link"
    summary = "link permanently redirects to another address"
    severity = Severity.INFO
    fix = "unsafe"
    scope = "run"


def redirect_finding(rule: Rule, doc: Document, link: Link, final_url: str) -> Finding:
    """A permanent redirect at `link`; the unsafe fix needs the target spelled as written."""
    fix = None
    if link.exact:
        fix = rule.make_fix(
            f"Replace with {final_url}",
            Edit(start=link.start, end=link.end, replacement=final_url),
            safe=False,
        )
    return rule.finding(
        doc,
        doc.span(link.start, link.end),
        f"link redirects permanently to {final_url}: link that instead",
        fix=fix,
        data=(("url", link.target),),
    )


_OPEN_CACHES: dict[Path, LinkCache | None] = {}


def cached_redirects_check(
    rule: Rule, cache_dir: Path
) -> Callable[[Document], list[Finding]] | None:
    """The fixer's hook: permanent redirects the link cache knows of, without any request.

    None when there is no cache yet (nothing is created by asking).
    """
    from medlint.links.cache import CACHE_FILE, LinkCache

    folder = cache_dir.resolve()
    if folder not in _OPEN_CACHES:
        if not (folder / CACHE_FILE).is_file():
            return None
        # One handle per process: the fixer asks for its checks once per file.
        _OPEN_CACHES[folder] = LinkCache.open(folder)
    cache = _OPEN_CACHES[folder]
    if cache is None:
        return None
    from medlint.links.urls import MalformedURL, UnsupportedScheme, prepare_url

    def check(doc: Document) -> list[Finding]:
        keys: dict[str, str] = {}
        for link in doc.body.links:
            if link.exact and _is_remote(link.target):
                try:
                    keys[link.target] = prepare_url(link.target)
                except (MalformedURL, UnsupportedScheme):
                    continue
        if not keys or cache is None:
            return []
        answers = cache.get_many(sorted(set(keys.values())))
        found: list[Finding] = []
        for link in doc.body.links:
            answer = answers.get(keys.get(link.target, ""))
            if answer is None or answer.status != "redirected" or not answer.final_url:
                continue
            if answer.final_url == link.target:
                continue
            found.append(redirect_finding(rule, doc, link, answer.final_url))
        return found

    return check


def _is_remote(target: str) -> bool:
    head = target[:8].lower()
    return head.startswith(("http://", "https://"))


def link_settings(config: Config, options: RunOptions) -> LinkSettings:
    from medlint.links.checker import LinkSettings

    links = config.links
    cache_dir = None if options.no_cache else Path(config.cache_dir)
    return LinkSettings(
        timeout=links.timeout,
        max_concurrency=links.max_concurrency,
        per_host=links.per_host,
        host_spacing=links.host_spacing,
        retries=links.retries,
        max_redirects=links.max_redirects,
        cache_ttl=links.cache_ttl,
        exclude=tuple(links.exclude),
        allow_private=(*links.allow_private, *options.allow_private),
        use_env_proxy=links.use_env_proxy,
        cache_dir=cache_dir,
    )


def run_phase(
    results: list[FileResult],
    settings: Settings,
    config: Config,
    options: RunOptions,
    out: RunResult,
) -> None:
    """Check every distinct remote URL of the run once; add findings where each appears."""
    broken = settings.rule(BrokenLink.name)
    moved = settings.rule(RedirectedLink.name)
    if options.offline or (broken is None and moved is None):
        return
    urls = [
        link.target
        for result in results
        if result.document is not None
        for link in result.links
        if _is_remote(link.target)
    ]
    if not urls:
        return
    from medlint.config import ConfigError
    from medlint.links.checker import check_urls

    try:
        verdicts = check_urls(urls, link_settings(config, options))
    except ValueError as exc:  # an invalid exclude pattern or allow-private entry
        raise ConfigError(f"links: {exc}") from None
    unchecked = [v for v in verdicts.values() if v.status == "unchecked"]
    out.unchecked_links = len(unchecked)
    if unchecked:
        reasons = Counter(v.reason for v in unchecked)
        out.unchecked_reason = reasons.most_common(1)[0][0]
    for result in results:
        doc = result.document
        if doc is None:
            continue
        for link in result.links:
            verdict = verdicts.get(link.target)
            if verdict is None:
                continue
            span = doc.span(link.start, link.end)
            data = (("url", link.target),)
            if verdict.status in ("broken", "blocked") and broken is not None:
                what = "blocked" if verdict.status == "blocked" else "broken"
                result.findings.append(
                    broken.finding(
                        doc, span, f"link is {what}: {verdict.reason} ({link.target})", data=data
                    )
                )
            elif verdict.status == "redirected" and moved is not None and verdict.final_url:
                result.findings.append(redirect_finding(moved, doc, link, verdict.final_url))
