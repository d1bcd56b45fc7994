"""Dates: the build's 'today', review arithmetic, and dates formatted for readers in one place."""
from __future__ import annotations

import datetime as dt
import functools
import os

from babel.dates import format_date


def today() -> dt.date:
    """The build date; GUIDE_TODAY=YYYY-MM-DD pins it, for tests and reproducible builds."""
    pinned = os.environ.get("GUIDE_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def locale_problem(name: str) -> str | None:
    """Why `name` is not a Babel locale, or None when it is one."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return f"{name!r} is not a language Babel knows (use e.g. en, en_GB, de)"
    return None


@functools.lru_cache(maxsize=4096)
def long(day: dt.date, locale: str = "en") -> str:
    """'27 November 2026' style, in the site's language (theme.language), via Babel.

    Babel ships with Material; strftime("%-d") is glibc-only and English-only. Cached: a large
    build formats the same few hundred dates many thousands of times.
    """
    return format_date(day, format="long", locale=locale.replace("-", "_"))
