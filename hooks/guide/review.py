"""Evergreen governance: which pages are due for review, as a page for editors and a CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io

from markupsafe import escape

from .problems import Problem
from .site import Site
from .views import review_status

REPORT_URI = "review-report.md"
CSV_NAME = "review-report.csv"


def rows(site: Site, years: int, soon_days: int, today: dt.date) -> list[dict]:
    """Every reviewed page, most urgent first."""
    out = []
    for page in site.pages.values():
        status = review_status(page, years, soon_days, today)
        if status:
            out.append({"path": page.src_uri, "title": page.meta.title, "url": page.url, **status})
    return sorted(out, key=lambda r: (r["due"], r["path"]))


def to_csv(report: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["path", "title", "reviewed", "next_review_due", "status", "days_left"])
    for r in report:
        writer.writerow([f"content/{r['path']}", _cell(r["title"]), r["reviewed"], r["due"], r["state"], r["days_left"]])
    return buf.getvalue()


def _cell(text: str) -> str:
    # A title starting with = + - @ would run as a formula when the CSV is opened in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_markdown(report: list[dict], years: int, soon_days: int, today: dt.date) -> str:
    overdue = [r for r in report if r["state"] == "overdue"]
    soon = [r for r in report if r["state"] == "soon"]
    lines = [
        "---",
        "title: Review report",
        "description: For editors. Which pages are overdue or soon due for their review.",
        "robots: noindex",
        "search:",
        "  exclude: true",
        "---",
        "",
        f"Built on {today:%-d %B %Y}. Every page is reviewed at least every {years} years; "
        f"'soon' means due within {soon_days} days. [Download as CSV]({CSV_NAME}).",
        "",
        f"**{len(overdue)} overdue · {len(soon)} due soon · {len(report)} reviewed pages in all.**",
        "",
        "| Page | Last reviewed | Next review due | Status |",
        "|---|---|---|---|",
    ]
    for r in report:
        # Titles are publisher text: escape them, and keep pipes from breaking the table.
        title = str(escape(r["title"])).replace("|", "&#124;")
        state = {"overdue": "**Overdue**", "soon": "Due soon", "ok": "Up to date"}[r["state"]]
        lines.append(f"| [{title}]({r['path']}) | {r['reviewed']} | {r['due']} | {state} |")
    return "\n".join(lines) + "\n"


def overdue_problems(report: list[dict], shown_prefix: str) -> list[Problem]:
    return [
        Problem(f"{shown_prefix}{r['path']}", "reviewed",
                f"review overdue since {r['due']} (review the page, then set `reviewed:` to the review date)")
        for r in report if r["state"] == "overdue"
    ]
