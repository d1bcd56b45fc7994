"""Booklets: each section, and the whole guide, as one page to read or print (guide/booklet.py).

The pages are generated; their content comes from the articles as the build rendered them. MkDocs
renders every page's Markdown (on_page_content) before it renders any template (on_page_context),
so by the time a booklet's template runs every article it needs is already there.
"""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

import guide.booklet
import guide.navigation
from guide.state import KEY

_env: jinja2.Environment | None = None  # set each build (on_env)


@event_priority(50)  # after validate.py has read the site (100), before review.py adds its page (0): a fixed file order
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    state = config[KEY]
    for key in guide.booklet.keys(state.site):
        uri = guide.booklet.src_uri(key)
        if files.get_file_from_path(uri) is not None:
            continue  # a publisher's file at that address: `serve` shows the problem (site.cross_checks), `build` stops
        page = File.generated(config, uri, content=guide.booklet.markdown(state.site, key, state.site_name))
        page.inclusion = InclusionLevel.NOT_IN_NAV  # reached from its section page and the home page
        files.append(page)
        state.booklets[uri] = page.url
    return files


@event_priority(-100)  # after every other on_page_content hook: the article as its own page shows it
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    state = config[KEY]
    info = state.site.pages.get(page.file.src_uri)
    if info is not None and info.kind == "article":
        state.rendered[page.file.src_uri] = html
    return html


@event_priority(50)  # before layout.py's (0), which keeps a TOC that already starts with the h1
def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    state = config[KEY]
    if page.file.src_uri in state.booklets:
        top = AnchorLink(str(page.title), guide.navigation.TITLE_ID, 1)
        top.children = [AnchorLink(str(title), anchor, 2) for anchor, title in guide.booklet.toc(state.booklet(page.file.src_uri))]
        page.toc = TableOfContents([top])
    return context


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    view = config[KEY].booklet_views.get(page.file.src_uri)
    if view is not None:
        view["path"] = page.file.abs_dest_path
    return output


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    global _env
    _env = env  # the theme's, with every hook's filters by the time on_post_build uses it
    return env


def on_post_build(*, config: MkDocsConfig) -> None:
    """Each booklet page was written with a placeholder where its articles go: put them in, one at
    a time (guide.booklet.fill), so a whole-guide booklet is never one string in memory."""
    state = config[KEY]
    written = [(Path(view["path"]), view) for view in state.booklet_views.values() if "path" in view]
    try:
        templates = {name: _env.get_template(name) for name in (guide.booklet.ARTICLE_TEMPLATE, guide.booklet.SHEET_TEMPLATE)}
        guide.booklet.fill(written, lambda name, context: templates[name].render(context), functools.partial(guide.booklet.read, state))
    except guide.booklet.BookletError as e:
        raise PluginError(f"Booklet {e}") from None
    except jinja2.TemplateError as e:  # a template in overrides/ changed by hand
        raise PluginError(f"Booklets: {type(e).__name__} in a booklet template: {e}") from None
    state.booklet_views.clear()
