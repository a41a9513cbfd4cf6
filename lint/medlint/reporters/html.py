"""One self-contained HTML page that shows the health of a corpus at a glance.

Header with a verdict, cards with totals, charts (findings by rule and severity, review currency
now and review due dates over time, findings by source), the files with most findings, and a
sortable, filterable table of every finding linking to file and line.

Safety: pages are untrusted input, and the report must be safe to open from a CI artifact.
- Charts are inline SVG made by html_charts; every piece of document text in them is escaped.
- The findings table is built in the browser from JSON embedded in a `<script
  type="application/json">` block (`<`, `>`, `&`, U+2028/9 escaped, so the block cannot be
  closed from inside), and the script fills cells with `textContent`, never `innerHTML`.
- Links are built from file paths only (percent-encoded, so a path can carry no scheme), never
  from a page's URL; the script refuses any href that has a scheme other than file.
- A Content-Security-Policy allows nothing but this page's own style and script, named by their
  SHA-256 hashes: no network, no other inline code, no `javascript:` execution.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from medlint.findings import Severity
from medlint.reporters.base import Report
from medlint.reporters.html_charts import Bar, donut, due_timeline, hbars
from medlint.reporters.markdown import (
    REVIEW_LABELS,
    REVIEW_STATES,
    SEVERITIES,
    failing,
    review_counts,
    review_state,
    worst_files,
)
from medlint.reporters.sarif import relative_path

MAX_BARS = 12
NO_SOURCE = "(no source)"
# A verdict turns from "needs attention" to "at risk" when this share of pages has a failing
# finding or an overdue review.
AT_RISK_SHARE = 0.2


def _asset(name: str) -> str:
    return files("medlint.reporters").joinpath(name).read_text(encoding="utf-8")


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def script_json(value: object) -> str:
    """JSON that is inert inside a <script> element: it can never close the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def file_href(path: str, link_base: str) -> str:
    """A link to a checked file: relative and percent-encoded (a path can carry no scheme)."""
    rel = relative_path(path)
    if os.path.isabs(rel):
        return Path(rel).as_uri()
    return link_base + quote(str(PurePosixPath(rel)), safe="/")


@dataclass(frozen=True, slots=True)
class Health:
    level: str  # "good" | "warn" | "bad"
    label: str
    pages: int
    failing_pages: int
    overdue_pages: int
    clean_pages: int  # no failing finding and review not overdue


def health(report: Report) -> Health:
    pages = max(report.files, len(report.pages))
    failing_paths = {f.path for f in report.findings if f.severity >= report.fail_on}
    overdue = {p.path for p in report.pages if review_state(p, report.today) == "overdue"}
    affected = len(failing_paths | overdue)
    if not affected:
        level, label = "good", "Healthy"
    elif affected < AT_RISK_SHARE * pages:
        level, label = "warn", "Needs attention"
    else:
        level, label = "bad", "At risk"
    return Health(level, label, pages, len(failing_paths), len(overdue), pages - affected)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _card(title: str, value: str, sub: str, cls: str) -> str:
    return (
        f'<div class="card {cls}"><div class="card-title">{escape(title)}</div>'
        f'<div class="card-value">{escape(value)}</div><div class="card-sub">{escape(sub)}</div>'
        "</div>"
    )


def _panel(title: str, body: str) -> str:
    return f'<section class="panel"><h2>{escape(title)}</h2>{body}</section>'


def _sev_parts(counts: Counter[Severity]) -> tuple[tuple[int, str], ...]:
    return tuple((counts[s], f"sev-{s.label}") for s in SEVERITIES)


def _charts(report: Report, h: Health) -> str:
    rules: dict[str, Counter[Severity]] = {}
    for f in report.findings:
        rules.setdefault(f"{f.code} {f.rule}", Counter())[f.severity] += 1
    rule_bars = sorted(rules.items(), key=lambda kv: (-kv[1].total(), kv[0]))[:MAX_BARS]
    by_rule = hbars([Bar(name, _sev_parts(c)) for name, c in rule_bars])
    sev = donut(
        [(s.label.capitalize(), report.count(s), f"sev-{s.label}") for s in SEVERITIES],
        f"{len(report.findings):,}",
        "findings",
    )
    warn_only = report.files_with_findings - h.failing_pages
    pages = donut(
        [
            ("No findings", h.pages - report.files_with_findings, "ok"),
            (
                "Warnings or info only"
                if report.fail_on is Severity.ERROR
                else f"Only below {report.fail_on.label}",
                warn_only,
                "sev-warning",
            ),
            ("Failing", h.failing_pages, "sev-error"),
        ],
        f"{h.pages:,}",
        "pages",
    )
    reviews = review_counts(report)
    currency = donut(
        [(REVIEW_LABELS[s], reviews[s], f"rv-{s}") for s in REVIEW_STATES],
        f"{reviews['overdue']:,}",
        "overdue",
    )
    source_of = {p.path: p.source or NO_SOURCE for p in report.pages}
    page_count = Counter(source_of.values())
    by_source: dict[str, Counter[Severity]] = {s: Counter() for s in page_count}
    for f in report.findings:
        by_source.setdefault(source_of.get(f.path, NO_SOURCE), Counter())[f.severity] += 1
    ranked = sorted(by_source.items(), key=lambda kv: (-kv[1].total(), kv[0]))
    source_bars = [
        Bar(name, _sev_parts(c), _plural(page_count[name], "page")) for name, c in ranked
    ][:MAX_BARS]
    none = '<p class="empty">No findings.</p>'
    return "".join(
        [
            '<div class="grid">',
            _panel("Findings by rule", by_rule or none),
            _panel("Findings and pages by severity", f'<div class="pair">{sev}{pages}</div>'),
            _panel("Review currency today", currency + _outlook(report)),
            _panel("Review due dates over time", due_timeline(report)),
            _panel(
                "Findings by source",
                (hbars(source_bars) if report.findings else "") or none,
            ),
            _panel("Files with the most findings", _worst(report) or none),
            "</div>",
        ]
    )


def _outlook(report: Report) -> str:
    """How many more reviews fall overdue soon if nobody reviews anything."""
    dues = [p.review_due for p in report.pages if p.review_due is not None]
    if not dues:
        return ""
    items = []
    for days in (30, 90, 180):
        horizon = report.today + dt.timedelta(days=days)
        n = sum(1 for d in dues if report.today <= d < horizon)
        items.append(f"<li><b>{n:,}</b> more in {days} days</li>")
    return (
        '<p class="outlook-title">If no page is reviewed, overdue reviews grow by</p>'
        f'<ul class="outlook">{"".join(items)}</ul>'
    )


def _worst(report: Report) -> str:
    rows = worst_files(report, 10)
    if not rows:
        return ""
    items = []
    for r in rows:
        href = escape(file_href(r.path, report.link_base))
        counts = "".join(
            f'<span class="pill sev-{cls}">{n}</span>'
            for n, cls in ((r.errors, "error"), (r.warnings, "warning"), (r.infos, "info"))
            if n
        )
        items.append(
            f'<li><a href="{href}" rel="noopener noreferrer">{escape(r.path)}</a>{counts}</li>'
        )
    return f'<ol class="worst">{"".join(items)}</ol>'


def payload(report: Report) -> dict[str, object]:
    """What the table script needs, with paths and rules stored once."""
    source_of = {p.path: p.source or "" for p in report.pages}
    file_index: dict[str, int] = {}
    file_rows: list[list[str]] = []
    rule_index: dict[tuple[str, str], int] = {}
    rule_rows: list[list[str]] = []
    rows: list[list[object]] = []
    for f in report.findings:
        if f.path not in file_index:
            file_index[f.path] = len(file_rows)
            file_rows.append(
                [f.path, file_href(f.path, report.link_base), source_of.get(f.path, "")]
            )
        key = (f.code, f.rule)
        if key not in rule_index:
            rule_index[key] = len(rule_rows)
            rule_rows.append([f.code, f.rule])
        fix = "" if f.fix is None else f.fix.applicability.value
        rows.append(
            [
                f.severity.label,
                rule_index[key],
                file_index[f.path],
                f.span.line,
                f.span.column,
                f.message,
                fix,
                f.help or "",
            ]
        )
    return {"files": file_rows, "rules": rule_rows, "findings": rows}


def _header(report: Report, h: Health) -> str:
    target = ", ".join(report.targets) or "."
    share = h.clean_pages / h.pages if h.pages else 1.0
    detail = [
        _plural(h.failing_pages, "page") + " with failing findings",
        _plural(h.overdue_pages, "overdue review"),
    ]
    return (
        f'<header class="top {h.level}"><div class="title"><h1>medlint report</h1>'
        f'<p class="meta"><span class="target">{escape(target)}</span> · '
        f"checked {report.today.isoformat()} · medlint {escape(report.version)}</p></div>"
        f'<div class="verdict"><div class="badge">{escape(h.label)}</div>'
        f'<div class="score"><b>{share:.0%}</b> of pages clean and current</div>'
        f'<div class="why">{escape("; ".join(detail))}</div></div></header>'
    )


def _cards(report: Report, h: Health) -> str:
    def pages_with(sev: Severity) -> int:
        return len({f.path for f in report.findings if f.severity == sev})

    reviews = review_counts(report)
    safe, unsafe = report.fixable()
    return "".join(
        [
            '<div class="cards">',
            _card("Pages", f"{h.pages:,}", f"{h.clean_pages:,} clean and current", "pages"),
            _card(
                "Errors",
                f"{report.count(Severity.ERROR):,}",
                f"in {_plural(pages_with(Severity.ERROR), 'page')}",
                "sev-error" if report.count(Severity.ERROR) else "zero",
            ),
            _card(
                "Warnings",
                f"{report.count(Severity.WARNING):,}",
                f"in {_plural(pages_with(Severity.WARNING), 'page')}",
                "sev-warning" if report.count(Severity.WARNING) else "zero",
            ),
            _card(
                "Info",
                f"{report.count(Severity.INFO):,}",
                f"in {_plural(pages_with(Severity.INFO), 'page')}",
                "sev-info" if report.count(Severity.INFO) else "zero",
            ),
            _card(
                "Reviews overdue",
                f"{reviews['overdue']:,}",
                f"{reviews['due-soon']:,} due within 30 days",
                "rv-overdue" if reviews["overdue"] else "zero",
            ),
            _card("Fixable", f"{safe:,}", f"safe · {unsafe:,} more unsafe", "fixable"),
            "</div>",
        ]
    )


_TABLE = """<section class="panel findings" id="findings"><h2>Findings</h2>
<form class="filters" id="filters" autocomplete="off">
<input type="search" id="f-q" name="q" placeholder="Filter by text, file or rule">
<select id="f-severity" name="severity"><option value="">All severities</option>
<option value="error">Errors</option><option value="warning">Warnings</option>
<option value="info">Info</option></select>
<select id="f-rule" name="rule"><option value="">All rules</option></select>
<select id="f-source" name="source"><option value="">All sources</option></select>
<span class="count" id="match-count"></span></form>
<table id="table"><thead><tr>
<th data-key="severity" scope="col">Severity</th><th data-key="rule" scope="col">Rule</th>
<th data-key="file" scope="col">File</th><th data-key="line" scope="col">Line</th>
<th data-key="message" scope="col">Message</th><th data-key="fix" scope="col">Fix</th>
</tr></thead><tbody id="rows"></tbody></table>
<p class="more" id="more" hidden></p>
<noscript><p class="empty">The findings table needs JavaScript; the JSON report has them all.</p>
</noscript></section>"""


def render(report: Report) -> str:
    # The page facts are read in several passes here: made once, not once a pass.
    report = dataclasses.replace(report, pages=tuple(report.pages))
    css, js = _asset("html_report.css"), _asset("html_report.js")
    csp = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    h = health(report)
    state = "fails" if failing(report) else "passes"
    title = f"medlint: {h.label} · {len(report.findings):,} findings in {h.pages:,} pages"
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title><style>{css}</style></head>",
            f'<body data-health="{h.level}" data-run="{state}">',
            _header(report, h),
            "<main>",
            _cards(report, h),
            _charts(report, h),
            _TABLE,
            "</main>",
            f"<footer>Generated by medlint {escape(report.version)} on "
            f"{report.today.isoformat()}. Opens offline; contains no external resources.</footer>",
            f'<script type="application/json" id="data">{script_json(payload(report))}</script>',
            f"<script>{js}</script></body></html>\n",
        ]
    )
