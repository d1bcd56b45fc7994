"""The one front-matter schema for every page of the guide.

Each field's `description` is the publisher-facing documentation: the README's front-matter
reference is generated from these models (`python -m guide reference`), and a test checks that the
README and the schema agree.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from .dates import today
from .fields import FIELD_TYPES, WorksheetField  # noqa: F401  (FIELD_TYPES is re-exported: pages.py names the types in messages)

DESCRIPTION_MAX = 160  # longer descriptions are cut off in search results and link previews
TITLE_MAX = 90

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- worksheets: each field type is one module in guide/fields/, the union is derived there -----


class WorksheetSpec(_Strict):
    intro: str | None = Field(None, description="One or two sentences shown above the form.")
    fields: list[WorksheetField] = Field(min_length=1, description="The form, top to bottom.")


# --- sources ----------------------------------------------------------------------------------


def _page_address(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"{url!r} is not an https address (copy the full address, starting https://)")
    if parts.path.strip("/") == "" and not parts.query:
        raise ValueError(f"{url!r} is a site's home page (link the specific page that supports the article)")
    return url


def _not_future(day: dt.date) -> dt.date:
    if day > today():
        raise ValueError(f"{day} is in the future (write the day you read the page, YYYY-MM-DD)")
    return day


class Source(_Strict):
    """One page the article's facts come from; rendered as the article's sources list."""

    publisher: Text = Field(description="Who publishes the page, e.g. NHS, British Heart Foundation.")
    title: Text = Field(description="The page's own title.")
    url: Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_page_address)] = Field(
        description="The page's full `https://` address: the specific page, not the site's home page."
    )
    checked: Annotated[dt.date, AfterValidator(_not_future)] = Field(
        description="The day an editor last checked the page supports the article, `YYYY-MM-DD`."
    )


# --- pages ------------------------------------------------------------------------------------


class SearchSettings(_Strict):
    boost: float = Field(1.0, gt=0, le=10, description="Rank this page higher (>1) or lower (<1) in search: its title and keywords weigh more or less.")
    exclude: bool = Field(False, description="Leave this page out of search (pages for editors, booklets).")


class PageMeta(_Strict):
    """Keys allowed on every page. Which are required depends on the kind of page."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX)] = Field(
        description=f"The page title (up to {TITLE_MAX} characters). Plain text: `<`, `&` and quotes show as typed."
    )
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DESCRIPTION_MAX)] = Field(
        description=f"One sentence, up to {DESCRIPTION_MAX} characters: the standfirst, and the summary in related lists and search."
    )
    tags: list[Slug] = Field(default_factory=list, description="Topic tags, each one listed in `tags.yml`.")
    keywords: list[Text] = Field(
        default_factory=list,
        description="Extra search words readers might type: plain words, synonyms, common misspellings. Not shown.",
    )
    published: dt.date | None = Field(None, description="First publication date, `YYYY-MM-DD`.")
    reviewed: dt.date | None = Field(None, description="Date of the last clinical and editorial review, `YYYY-MM-DD`.")
    related: list[Text] | Literal[False] = Field(
        default_factory=list,
        description="Pinned related pages (paths from `content/`), shown first in this order; `false` hides the list.",
    )
    worksheets: list[Slug] = Field(default_factory=list, description="Worksheet slugs (file names in `content/worksheets/`) this page links to.")
    sources: list[Source] = Field(
        default_factory=list,
        description="The pages the article's facts come from, each with `publisher`, `title`, `url`, `checked`: shown as its sources list.",
    )
    order: StrictInt | None = Field(None, ge=1, le=999, description="Articles only: its place in the section's reading order (1 first): its card, the booklets and previous/next follow it; articles without one come after, by title.")
    group: Text | None = Field(None, description="Articles only: the heading its card sits under on the section page (one of the section's `groups`).")
    groups: list[Text] = Field(default_factory=list, description="Section pages only: the order of the card groups (the articles' `group` values).")
    section: Slug | None = Field(None, description="Worksheets only: the section the worksheet belongs to.")
    worksheet: WorksheetSpec | None = Field(None, description="Worksheets only: the form. See 'Worksheet fields'.")
    draft: bool = Field(False, description="`true`: shown by `make serve`, left out of `make build`, search, related lists and nav. A problem in a draft is listed but does not stop `make build`; a published page may not link to a draft.")
    search: SearchSettings | None = Field(None, description="Search settings: `exclude: true` keeps the page out of search; `boost` (default 1) ranks it higher or lower.")
    hide: list[Literal["navigation", "toc", "footer", "path", "tags"]] = Field(
        default_factory=list, description="Parts of Material's layout to hide on this page."
    )


# Which keys each kind of page must have; the kind comes from where the file is.
REQUIRED = {
    "article": ("title", "description", "tags", "published", "reviewed", "sources"),
    "worksheet": ("title", "description", "section", "worksheet", "published", "reviewed"),
    "section": ("title", "description"),
    "home": ("title", "description"),
    "about": ("title", "description", "reviewed"),
    "page": ("title", "description"),
}
# A draft is work in progress: it may lack these until it is published.
DRAFT_MAY_LACK = ("sources",)
# Keys that belong to one kind of page only: elsewhere they would silently do nothing.
ONLY_FOR = {"worksheet": ("worksheet",), "section": ("worksheet",), "group": ("article",), "groups": ("section",), "order": ("article",)}
