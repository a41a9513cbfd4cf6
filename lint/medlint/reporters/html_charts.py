"""Hand-made inline SVG charts for the HTML report: horizontal stacked bars, rings, a timeline.

No chart library and nothing fetched: each function returns SVG markup in which every piece of
text is HTML-escaped (labels are source names and rule names, which come from pages and config).
Colours are CSS classes (`sev-error`, `rv-overdue`, …) styled by the report's stylesheet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from html import escape

from medlint.reporters.base import Report
from medlint.reporters.markdown import REVIEW_LABELS, review_state


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    parts: tuple[tuple[int, str], ...]  # (value, css class) stacked left to right
    note: str = ""  # shown after the bar, e.g. "12 pages"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def hbars(bars: list[Bar], *, label_width: int = 230, width: int = 640) -> str:
    """Horizontal stacked bars with labels; empty string when there is nothing to draw."""
    if not bars:
        return ""
    top = max(sum(v for v, _ in b.parts) for b in bars) or 1
    row, area = 26, width - label_width - 130
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {row * len(bars) + 4}" role="img" '
        f'width="{width}" height="{row * len(bars) + 4}">'
    ]
    for i, b in enumerate(bars):
        y = i * row + 4
        total = sum(v for v, _ in b.parts)
        tip = escape(f"{b.label}: {total:,}" + (f" ({b.note})" if b.note else ""))
        out.append(f"<g><title>{tip}</title>")
        out.append(
            f'<text class="lbl" x="{label_width - 8}" y="{y + 14}" text-anchor="end">'
            f"{escape(_clip(b.label, 34))}</text>"
        )
        x = float(label_width)
        for value, cls in b.parts:
            if value:
                w = max(value / top * area, 2.0)
                out.append(
                    f'<rect class="{cls}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" rx="3"/>'
                )
                x += w
        note = f"{total:,}" + (f" · {b.note}" if b.note else "")
        out.append(f'<text class="num" x="{x + 6:.1f}" y="{y + 14}">{escape(note)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def donut(parts: list[tuple[str, int, str]], centre: str, caption: str) -> str:
    """A ring of (label, value, css class) with a big number in the middle, and a legend."""
    total = sum(v for _, v, _ in parts)
    r, c = 52, 2 * 3.141592653589793 * 52
    out = ['<div class="donut"><svg viewBox="0 0 140 140" width="140" height="140" role="img">']
    out.append(f'<circle class="ring" cx="70" cy="70" r="{r}"/>')
    offset = 0.0
    for label, value, cls in parts:
        if value and total:
            length = value / total * c
            out.append(
                f'<circle class="seg {cls}" cx="70" cy="70" r="{r}" '
                f'stroke-dasharray="{length:.2f} {c - length:.2f}" '
                f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 70 70)">'
                f"<title>{escape(label)}: {value}</title></circle>"
            )
            offset += length
    out.append(f'<text class="big" x="70" y="72" text-anchor="middle">{escape(centre)}</text>')
    out.append(f'<text class="small" x="70" y="92" text-anchor="middle">{escape(caption)}</text>')
    out.append('</svg><ul class="legend">')
    for label, value, cls in parts:
        out.append(f'<li><span class="key {cls}"></span>{escape(label)}<b>{value}</b></li>')
    out.append("</ul></div>")
    return "".join(out)


def _month(day: dt.date, shift: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + shift
    return dt.date(index // 12, index % 12 + 1, 1)


def due_timeline(report: Report, months: int = 12) -> str:
    """Reviews due per month, a year back and a year ahead, coloured by their state today."""
    today = report.today
    first, last = _month(today, -months), _month(today, months)
    buckets: list[Counter[str]] = [Counter() for _ in range(2 * months + 3)]
    for page in report.pages:
        if page.review_due is None:
            continue
        due = page.review_due
        if due < first:
            i = 0
        elif due >= _month(last, 1):
            i = len(buckets) - 1
        else:
            i = (due.year - first.year) * 12 + due.month - first.month + 1
        buckets[i][review_state(page, today)] += 1
    if not any(buckets):
        return '<p class="empty">No page has both lastReviewed and reviewFrequency.</p>'
    width, height, left, bottom = 640, 190, 34, 30
    slot = (width - left - 4) / len(buckets)
    top = max(sum(b.values()) for b in buckets) or 1
    scale = (height - bottom - 14) / top
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img">',
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 4}" '
        f'y2="{height - bottom}"/>',
        f'<text class="tick" x="{left - 6}" y="18" text-anchor="end">{top}</text>',
    ]
    for i, bucket in enumerate(buckets):
        x = left + i * slot + 2
        y = float(height - bottom)
        month = _month(first, i - 1)
        if i == 0:
            name, tick = f"before {first:%b %Y}", "earlier"
        elif i == len(buckets) - 1:
            name, tick = f"after {last:%b %Y}", "later"
        else:
            name = f"{month:%b %Y}"
            tick = name if month.month in (1, 7) else ""
        for state in ("overdue", "due-soon", "current"):
            n = bucket[state]
            if n:
                h = n * scale
                y -= h
                out.append(
                    f'<rect class="rv-{state}" x="{x:.1f}" y="{y:.1f}" width="{slot - 4:.1f}" '
                    f'height="{h:.1f}"><title>{escape(name)}: {n} '
                    f"{escape(REVIEW_LABELS[state].lower())}</title></rect>"
                )
        if tick:
            out.append(
                f'<text class="tick" x="{x + slot / 2 - 2:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{tick}</text>'
            )
    # Today's marker, placed inside its month by the day of the month.
    tx = left + (months + 1 + (today.day - 1) / 31) * slot
    out.append(
        f'<line class="today" x1="{tx:.1f}" y1="8" x2="{tx:.1f}" y2="{height - bottom}"/>'
        f'<text class="today-lbl" x="{tx + 4:.1f}" y="16">today</text></svg>'
    )
    return "".join(out)
