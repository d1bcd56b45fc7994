"""Article furniture: section parents and neighbours, review dates, reading time, section cards."""
from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

import guide.navigation
import guide.state
import guide.views as views


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    state = guide.state.get(config)
    site = state.site
    state.extras["section_order"] = list(guide.navigation.section_nodes(nav))
    members = {}
    for folder in site.sections:
        pages = (files.get_file_from_path(p.src_uri).page for p in views.section_members(site, folder))
        # Under `serve`, MkDocs has no Page for a draft yet when on_nav runs: it gets no neighbours.
        members[folder] = [p for p in pages if p is not None]
    guide.navigation.attach(nav, members)
    return nav


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    info = guide.state.get(config).site.pages.get(page.file.src_uri)
    return views.with_standfirst(html, info) if info else html


def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    page.toc = guide.navigation.toc_under_title(page.toc, page.title)
    state = guide.state.get(config)
    site, s = state.site, state.settings
    info = site.pages.get(page.file.src_uri)
    if info is None:
        return context
    context["guide_page"] = {
        "kind": info.kind,
        "section": views.section_name(site, info.section),
        "minutes": views.reading_minutes(info),
        "review": views.review_status(info, s.review_years, s.review_soon_days, views.today()),
        "share": views.share_links(page.canonical_url or page.abs_url or "", info.meta.title),
        "groups": [{"title": None, "cards": [views.card(p) for p in views.section_members(site, info.src_uri.split("/")[0])]}]
        if info.kind == "section" else [],
    }
    return context
