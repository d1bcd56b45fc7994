"""One build's shared data, typed, kept on the MkDocs config so that every build starts from nothing.

Everything derived (related lists, cards) is computed on first use from `site`, so no hook depends
on another hook having run first.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from markupsafe import Markup

from . import related, related_view, views
from .problems import Problem
from .settings import GuideSettings
from .site import Site


@dataclass
class State:
    settings: GuideSettings
    serving: bool
    today: dt.date
    locale: str = "en"  # theme.language: dates are formatted for it
    shown_prefix: str = "content/"  # how problems name files: the docs folder, from the project
    site: Site | None = None
    problems: list[Problem] = field(default_factory=list)  # shown in the browser by `serve`
    urgent_help: Markup = Markup("")  # the shared urgent-help box, rendered once

    @functools.cached_property
    def related(self) -> related.Ranking:
        return related_view.compute(self.site, self.settings.related)

    @functools.cached_property
    def cards(self) -> dict[str, dict]:
        """Every page as a list item, made once: a page appears in many lists."""
        return {uri: views.card(p) for uri, p in self.site.pages.items()}
