"""One build's shared data, typed, kept on the MkDocs config so that every build starts from nothing.

Everything derived (related lists, cards) is computed on first use from `site`, so no hook depends
on another hook having run first.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from markupsafe import Markup

from . import apart, booklet, related_view, review, views, worksheet_form
from .related import Ranking
from .problems import Problem
from .settings import GuideSettings
from .pages import PageInfo
from .site import Site


# Where the hooks keep the State: on the MkDocs config, set by validate.py's on_config, which runs
# first at any hook order (priority 100). A new config, so a new State, every build.
KEY = "guide_state"


@dataclass
class State:
    settings: GuideSettings
    serving: bool
    today: dt.date
    locale: str = "en"  # theme.language: dates are formatted for it
    shown_prefix: str = "content/"  # how problems name files: the docs folder, from the project
    site: Site | None = None
    problems: list[Problem] = field(default_factory=list)  # shown in the browser by `serve`
    setting_problems: list[Problem] = field(default_factory=list)  # mkdocs.yml's; `serve` runs on the defaults
    urgent_help: Markup = Markup("")  # the shared urgent-help box, rendered once
    site_name: str = ""  # mkdocs.yml site_name and site_url, for what a booklet prints on its cover
    site_url: str = ""
    booklets: dict[str, str] = field(default_factory=dict)  # generated booklet src_uri -> its URL (hooks/booklets.py)
    rendered: dict[str, str] = field(default_factory=dict)  # article src_uri -> its HTML as its page shows it (page.content's own string)
    booklet_links: dict[str, list[str]] = field(default_factory=dict)  # article src_uri -> the pages it links to (booklet.links)
    booklet_views: dict[str, dict] = field(default_factory=dict)  # booklet src_uri -> what its page shows
    forms: dict[str, Markup] = field(default_factory=dict)  # worksheet src_uri -> its form, rendered once
    fragments: dict = field(default_factory=dict)  # template fragments shared by many pages (fragments.py)

    @functools.cached_property
    def related(self) -> Ranking:
        """`build` ranks in a child process (guide.apart: numpy and the ranking's working memory stay
        out of the build's); `serve`, whose process has threads, ranks here."""
        rank = functools.partial(related_view.compute, self.site, self.settings.related)
        return rank() if self.serving else apart.run(rank)

    def form(self, page: PageInfo) -> Markup:
        """A worksheet's form, rendered once: its own page and the booklets show the same HTML."""
        if page.src_uri not in self.forms:
            self.forms[page.src_uri] = worksheet_form.render(page.slug, page.meta.worksheet, page.meta.title)
        return self.forms[page.src_uri]

    def booklet(self, src_uri: str) -> dict:
        """A booklet page's content, made on first use: both hooks that need it run after every page
        has been rendered (MkDocs renders all Markdown before any template)."""
        if src_uri not in self.booklet_views:
            self.booklet_views[src_uri] = booklet.view(self, src_uri)
        return self.booklet_views[src_uri]

    @functools.cached_property
    def review_rows(self) -> list[dict]:
        """The review report's rows, made once: its page, its table and its CSV all show them."""
        s = self.settings
        return review.rows(self.site, s.review_years, s.review_soon_days, self.today)

    @functools.cached_property
    def cards(self) -> dict[str, dict]:
        """Every page as a list item, made once: a page appears in many lists."""
        return {uri: views.card(p) for uri, p in self.site.pages.items()}
