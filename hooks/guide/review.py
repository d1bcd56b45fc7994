"""Evergreen governance: which pages are due for review, as a page for editors and a CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io

from markupsafe import escape

from .problems import Problem
from .site import Site
from .dates import add_years, long
from .views import review_status

REPORT_URI = "review-report.md"
CSV_NAME = "review-report.csv"


def rows(site: Site, years: int, soon_days: int, today: dt.date) -> list[dict]:
    """Every reviewed page, most urgent first."""
    out = []
    for page in site.pages.values():
        status = review_status(page, years, soon_days, today)
        if status:
            stale = [src for src in page.meta.sources if add_years(src.checked, years) < today]
            out.append({"path": page.src_uri, "title": page.meta.title, "url": page.url, "stale_sources": stale, **status})
    return sorted(out, key=lambda r: (r["due"], r["path"]))


def to_csv(report: list[dict], shown_prefix: str = "content/") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["path", "title", "reviewed", "next_review_due", "status", "days_left", "sources_to_recheck"])
    for r in report:
        writer.writerow([f"{shown_prefix}{r['path']}", _cell(r["title"]), r["reviewed"], r["due"], r["state"], r["days_left"],
                         len(r["stale_sources"])])
    return buf.getvalue()


def _cell(text: str) -> str:
    # A title starting with = + - @ would run as a formula when the CSV is opened in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


TABLE = "<!-- guide: review table -->"  # replaced by `table()` once the page is HTML


def to_markdown(report: list[dict], years: int, soon_days: int, today: dt.date, locale: str = "en") -> str:
    """The report page, with TABLE where the table goes: as Markdown, or as raw HTML (which
    Python-Markdown parses too), a table of thousands of rows made it the slowest page of a build."""
    overdue, soon = _due(report)
    recheck = sum(len(r["stale_sources"]) for r in report)
    lines = [
        "---",
        "title: Review report",
        "description: For editors. Which pages are overdue or soon due for their review.",
        "robots: noindex",
        "search:",
        "  exclude: true",
        "---",
        "",
        f"Built on {long(today, locale)}. Every page is reviewed at least every {years} years; "
        f"'soon' means due within {soon_days} days. [Download as CSV]({CSV_NAME}).",
        "",
        f"**{overdue} overdue · {soon} due soon · {len(report)} reviewed pages in all · "
        f"{recheck} source{'s' if recheck != 1 else ''} checked more than {years} years ago.**",
        "",
        TABLE,
    ]
    return "\n".join(lines) + "\n"


def table(report: list[dict], url: str) -> str:
    """The report's table as HTML; `url` is the report page's own address (links are relative to it)."""
    up = "../" * url.rstrip("/").count("/") + ("../" if url.endswith("/") else "")
    rows = []
    for r in report:
        # Titles and sources are publisher text: escaped.
        state = {"overdue": "<strong>Overdue</strong>", "soon": "Due soon", "ok": "Up to date"}[r["state"]]
        stale = "<br>".join(f'{escape(src.publisher)}: <a href="{escape(src.url)}">{escape(src.title)}</a> (checked {src.checked})'
                            for src in r["stale_sources"])
        rows.append(f'<tr><td><a href="{escape(up + r["url"] or "./")}">{escape(r["title"])}</a></td><td>{r["reviewed"]}</td>'
                    f'<td>{r["due"]}</td><td>{state}</td><td>{stale or "–"}</td></tr>')
    head = "<tr><th>Page</th><th>Last reviewed</th><th>Next review due</th><th>Status</th><th>Sources to re-check</th></tr>"
    return f"<table>\n<thead>{head}</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def summary(report: list[dict]) -> str:
    """One line for the build log when pages are overdue or soon due; empty when none are."""
    overdue, soon = _due(report)
    if not overdue and not soon:
        return ""
    return (f"Review: {overdue} page{'s' if overdue != 1 else ''} overdue, {soon} due soon; the list is on "
            f"/{REPORT_URI.removesuffix('.md')}/ and in {CSV_NAME} (STRICT_REVIEW=1 make build stops on overdue pages)")


def _due(report: list[dict]) -> tuple[int, int]:
    """How many pages are overdue, and how many due soon."""
    return sum(r["state"] == "overdue" for r in report), sum(r["state"] == "soon" for r in report)


def overdue_problems(report: list[dict], shown_prefix: str) -> list[Problem]:
    return [
        Problem(f"{shown_prefix}{r['path']}", "reviewed",
                f"review overdue since {r['due']} (review the page, then set `reviewed:` to the review date)")
        for r in report if r["state"] == "overdue"
    ]
