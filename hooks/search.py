"""Search: index the built site with Pagefind after every build, `mkdocs build` and `serve` alike.

Which pages are found, and what a result shows, is in each page's context (`guide.search.entry`,
through hooks/guide/context.py) and overrides/partials/content.html.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import guide.search
from guide.state import KEY

log = logging.getLogger("mkdocs.hooks.guide")


@event_priority(-100)  # last: every page and file is written
def on_post_build(*, config: MkDocsConfig) -> None:
    try:
        stats = guide.search.index_site(Path(config.site_dir), config.theme.get("language") or "en")
    except guide.search.SearchIndexError as e:
        if config[KEY].serving:  # the preview keeps going (a failed build would leave it hanging)
            log.error(f"Search index: {e}")
            return
        raise PluginError(f"Search index: {e}") from None
    log.info(f"Search: Pagefind indexed {stats.pages} pages in {stats.seconds:.1f} s"
             f" ({stats.common_words} common words left out of queries)")
