"""Worksheets: forms rendered from their front-matter spec, and the boxes that link to them."""
from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

import guide.state
import guide.worksheet_form
import guide.worksheet_links as links


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    info = guide.state.get(config).site.pages.get(page.file.src_uri)
    if info is None or info.kind != "worksheet":
        return html
    form = guide.worksheet_form.render(info.slug, info.meta.worksheet, info.meta.title)
    return f'<div class="guide-ws__guidance">{html}</div>\n{form}'


def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    state = guide.state.get(config)
    info = state.site.pages.get(page.file.src_uri)
    if info is None:
        return context
    if info.kind == "article":
        context["guide_worksheets"] = links.boxes(state.site, info)
    elif info.kind == "worksheet":
        context["guide_read_more"] = links.read_more(state.site, info)
    elif info.src_uri == "worksheets/index.md":
        context["guide_page"]["groups"] = links.grouped(state.site, state.extras["section_order"])
    return context
