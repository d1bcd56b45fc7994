"""Review dates: a report page and CSV for editors; STRICT_REVIEW=1 fails the build on overdue pages."""
from __future__ import annotations

import logging
import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

import guide.review as review
from guide.problems import raise_if
from guide.state import KEY

log = logging.getLogger("mkdocs.hooks.guide")


def on_files(files: Files, *, config: MkDocsConfig) -> Files:  # default priority: after validate.py's (100)
    state = config[KEY]
    s = state.settings
    report = state.review_rows
    if os.environ.get("STRICT_REVIEW") == "1":
        raise_if(review.overdue_problems(report, state.shown_prefix))
    if summary := review.summary(report):  # INFO: a warning would stop `mkdocs build --strict`
        log.info(summary)
    page = File.generated(config, review.REPORT_URI, content=review.to_markdown(report, s.review_years, s.review_soon_days, state.today, state.locale))
    page.inclusion = InclusionLevel.NOT_IN_NAV  # for editors: reached by its address, not from the nav
    files.append(page)
    files.append(File.generated(config, review.CSV_NAME, content=review.to_csv(report, state.shown_prefix)))
    return files


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != review.REPORT_URI:
        return html
    return html.replace(review.TABLE, review.table(config[KEY].review_rows, page.url))
