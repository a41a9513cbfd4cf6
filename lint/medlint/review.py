"""Review currency: when a page was last reviewed and when it is due again."""

from __future__ import annotations

import calendar
import datetime as dt

from medlint.schema import FREQUENCY_MONTHS


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def review_dates(meta: dict[str, object]) -> tuple[dt.date | None, dt.date | None]:
    """(lastReviewed, due date) when both can be read from the frontmatter."""
    last = parse_date(meta.get("lastReviewed"))
    freq = meta.get("reviewFrequency")
    if last is None or not isinstance(freq, str) or freq not in FREQUENCY_MONTHS:
        return last, None
    return last, add_months(last, FREQUENCY_MONTHS[freq])
