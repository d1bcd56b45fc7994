"""Search: mark each findable page for Pagefind, then index the built site (build and serve alike)."""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

import guide.search
import guide.state

log = logging.getLogger("mkdocs.hooks.search")


def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    site = guide.state.get(config).site
    info = site.pages.get(page.file.src_uri)
    if info is not None:
        context["guide_search"] = guide.search.entry(info, guide.search.section_label(site, info, config.site_name))
    return context


@event_priority(-100)  # last: every page and file is written
def on_post_build(*, config: MkDocsConfig) -> None:
    try:
        stats = guide.search.index_site(Path(config.site_dir), config.theme["language"] or "en")
    except guide.search.SearchIndexError as e:
        raise PluginError(f"Search index: {e}") from None
    log.info(f"Search: Pagefind indexed {stats.pages} pages in {stats.seconds:.1f} s ({stats.common_words} common words left out of queries)")
