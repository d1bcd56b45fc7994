"""Search: index the built site with Pagefind after every build, `mkdocs build` and `serve` alike.

`build` waits for the index (a site is whole or the build fails). `serve` indexes on a thread of its
own (`guide.search.Background`): the browser reloads as soon as the pages are written, and search
catches up a moment later (BENCHMARKS.md: about 2.5 s at 1,000 articles).

Which pages are found, and what a result shows, is in each page's context (`guide.search.entry`,
through hooks/guide/context.py) and overrides/partials/content.html.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import guide.search
from guide.state import KEY

log = logging.getLogger("mkdocs.hooks.guide")
_background: guide.search.Background | None = None  # `serve`: one for the process, across rebuilds
_cleans = False  # plain `mkdocs serve`: every rebuild empties the site folder first


def on_startup(*, command: str, dirty: bool) -> None:
    global _cleans
    _cleans = command == "serve" and not dirty


def on_pre_build(*, config: MkDocsConfig) -> None:
    """Plain `mkdocs serve` empties the site folder before each rebuild (`make serve`, dirty, never
    does). Pagefind still writing there would lose its folder and then retry for ever, so the run
    going finishes first: the rebuild waits a moment, and the folder is emptied after it."""
    if _cleans and _background is not None:
        _background.wait(timeout=600)


@event_priority(-100)  # last: every page and file is written
def on_post_build(*, config: MkDocsConfig) -> None:
    global _background
    index = functools.partial(guide.search.index_site, Path(config.site_dir), config.theme.get("language") or "en",
                              stopping=lambda: _background is not None and _background.closing)
    if config[KEY].serving:
        if _background is None:
            _background = guide.search.Background(_reported)
        _background.request(index)
        return
    try:
        _reported(index(), None)
    except guide.search.SearchIndexError as e:
        raise PluginError(f"Search index: {e}") from None


def on_shutdown() -> None:
    """`serve` stops (Ctrl+C): let an index being written finish before MkDocs removes the folder."""
    if _background is not None:
        _background.close(timeout=120)


def _reported(stats: guide.search.IndexStats | None, error: Exception | None) -> None:
    if isinstance(error, guide.search.IndexStopped):  # `serve` stopped with Ctrl+C: nothing to fix
        return
    if error is not None:  # `serve` only: the preview keeps going
        log.error(f"Search index: {error}")
    else:
        log.info(f"Search: Pagefind indexed {stats.pages} pages in {stats.seconds:.1f} s"
                 f" ({stats.common_words} common words left out of queries)")
