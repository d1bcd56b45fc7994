"""Article furniture: the page context our partials read, section parents and neighbours, dates."""
from __future__ import annotations

import functools

import jinja2
import material.plugins.tags
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

import guide.context
import guide.dates
import guide.fragments
import guide.navigation
import guide.views
from guide.state import KEY


@event_priority(110)  # before Material's tags plugin renders the topics page with these templates (100)
def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    site = config[KEY].site
    env.globals["guide_topics"] = {t.label: t.meaning for t in site.tags.values()} if site else {}  # label: meaning
    env.filters["long_date"] = functools.partial(guide.dates.long, locale=config[KEY].locale)
    env.globals["guide_date_locale"] = config[KEY].locale.replace("_", "-")  # the same locale, for guide.js
    # MkDocs makes a new environment for every build (every `serve` rebuild too), so Material's ~40
    # templates would be compiled every time: a fifth of a small build. Jinja keeps the compiled
    # code in the user's temp folder and checks it against each template's source before use.
    env.bytecode_cache = jinja2.FileSystemBytecodeCache()
    return env


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    site = config[KEY].site
    members = {}
    for folder in site.sections:
        pages = (files.get_file_from_path(p.src_uri) for p in site.members.get(folder, []))
        # In `serve`, MkDocs has no Page objects for drafts yet when on_nav runs: they go without neighbours.
        members[folder] = [f.page for f in pages if f is not None and f.page is not None]
    guide.navigation.attach(nav, members)
    _topics(config)
    return nav


def _topics(config: MkDocsConfig) -> None:
    """Material's tags plugin, before it reads any page's tags (their labels, `views.page_meta`): a
    topic's anchor is its tag's name, whatever its label says, so links to the topics page outlive
    a new label; and labels sort whatever their case ("eHealth" among the e's)."""
    plugin = config.plugins.get("material/tags")
    if plugin is None or config[KEY].site is None:
        return
    c = plugin.config
    fallback = getattr(c.tags_slugify, "fallback", c.tags_slugify)  # `serve`: not wrapped twice
    c.tags_slugify = guide.views.tag_slugify(config[KEY].site.tags, fallback)
    for key in ("tags_sort_by", "listings_tags_sort_by"):
        if c[key] is material.plugins.tags.tag_name:  # Material's default; a publisher's own choice stays
            c[key] = material.plugins.tags.tag_name_casefold


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    # MkDocs keeps every page's Markdown until the build ends, but once it is HTML nothing reads it
    # (titles come from the front matter): freed here, the build holds one copy of each page, not two.
    page.markdown = ""
    info = config[KEY].site.pages.get(page.file.src_uri)
    return guide.views.with_standfirst(html, info) if info else html


def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    state = config[KEY]
    page.toc = guide.navigation.toc_under_title(page.toc, page.title)
    context["guide"] = guide.context.page_context(state, page.file.src_uri, page.canonical_url or page.abs_url or "")
    if guide.views.TOPIC_HEADING in page.content:  # the topics page, as Material's tags plugin wrote it (on_env)
        page.content = guide.views.with_topic_index(page.content, state.site.tags)
    # Parts of Material's page that are the same on many pages (overrides/main.html, fragments.py):
    # its settings for the scripts, its styles and scripts and its header (but for the title), the
    # same at every depth; and the sidebar, which on a page in the nav shows the page's own table of
    # contents, but on any other page is its section's.
    context["guide_depth"] = guide.fragments.AtDepth(state.fragments, context["base_url"])
    if page not in nav.pages:
        context["guide_sidebar"] = ("sidebar", tuple(a.title for a in page.ancestors))  # its key at this depth
    return context


@event_priority(-100)  # after every other plugin has seen the page
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Likewise the page's HTML, once the page is written (the search plugin has indexed it)."""
    page.content = ""
    return output
