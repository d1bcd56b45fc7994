"""Review dates: a report page and CSV for editors; STRICT_REVIEW=1 fails the build on overdue pages."""
from __future__ import annotations

import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

import guide.review as review
import guide.state
import guide.views
from guide.problems import raise_if


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    state = guide.state.get(config)
    s, today = state.settings, guide.views.today()
    report = review.rows(state.site, s.review_years, s.review_soon_days, today)
    if os.environ.get("STRICT_REVIEW") == "1":
        raise_if(review.overdue_problems(report, state.content_prefix))
    page = File.generated(config, review.REPORT_URI, content=review.to_markdown(report, s.review_years, s.review_soon_days, today))
    page.inclusion = InclusionLevel.NOT_IN_NAV  # for editors: reached by its address, not from the nav
    files.append(page)
    files.append(File.generated(config, review.CSV_NAME, content=review.to_csv(report)))
    return files
