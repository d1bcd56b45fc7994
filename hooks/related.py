"""Related articles: computed once per build, rendered by overrides/partials/related.html."""
from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

import guide.related_view
import guide.state


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    state = guide.state.get(config)
    state.extras["related"] = guide.related_view.compute(state.site, state.settings.related)
    return files


def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    state = guide.state.get(config)
    suggestions = state.extras["related"].lists.get(page.file.src_uri)
    if suggestions:
        context["guide_related"] = guide.related_view.items(state.site, suggestions)
    return context
