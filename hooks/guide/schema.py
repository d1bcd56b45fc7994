"""The one front-matter schema for every page of the guide.

Each field's `description` is the publisher-facing documentation: the README's front-matter
reference is generated from these models (`python -m guide reference`), and a test checks that the
README and the schema agree.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .dates import today

DESCRIPTION_MAX = 160  # longer descriptions are cut off in search results and link previews
TITLE_MAX = 90

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- worksheet fields -------------------------------------------------------------------------


class _Field(_Strict):
    label: Text = Field(description="What the reader is asked; shown as the field's label.")
    hint: str | None = Field(None, description="Optional help text shown under the label.")


class TextField(_Field):
    type: Literal["text"]


class LinesField(_Field):
    type: Literal["lines"]
    rows: int = Field(3, ge=1, le=12, description="Number of writing lines (1 to 12).")


class ScaleField(_Field):
    type: Literal["scale"]
    min: int = Field(1, ge=0, le=10, description="Lowest point on the scale.")
    max: int = Field(5, ge=1, le=10, description="Highest point on the scale.")
    low: str = Field("Low", description="Words under the lowest point.")
    high: str = Field("High", description="Words under the highest point.")

    @model_validator(mode="after")
    def _range(self):
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be smaller than max ({self.max}) (swap them or widen the range)")
        return self


class ChecklistField(_Field):
    type: Literal["checklist"]
    options: list[Text] = Field(min_length=1, description="The boxes to tick.")
    other: bool = Field(False, description="Add an 'Other' box with a line to write on.")


class TableField(_Field):
    type: Literal["table"]
    columns: list[Text] = Field(min_length=1, max_length=6, description="Column headings (1 to 6).")
    rows: int = Field(5, ge=1, le=10, description="Number of blank rows (1 to 10).")
    row_labels: list[Text] | None = Field(
        None, description="Optional labels down the first column (e.g. the days of the week); `columns[0]` is their heading."
    )

    @model_validator(mode="after")
    def _row_labels(self):
        if self.row_labels is not None and len(self.row_labels) != self.rows:
            raise ValueError(f"row_labels has {len(self.row_labels)} items but rows is {self.rows} (make them match)")
        if self.row_labels is not None and len(self.columns) < 2:
            raise ValueError("with row_labels the first column heads the labels (add a column to write in)")
        return self


class DateField(_Field):
    type: Literal["date"]


class SignatureField(_Field):
    type: Literal["signature"]
    signers: int = Field(2, ge=1, le=4, description="How many 'agreed by / date' lines.")


WorksheetField = Annotated[
    Union[TextField, LinesField, ScaleField, ChecklistField, TableField, DateField, SignatureField],
    Field(discriminator="type"),
]
FIELD_TYPES = ("text", "lines", "scale", "checklist", "table", "date", "signature")


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
    boost: float = Field(1.0, gt=0, le=10, description="Rank this page higher (>1) or lower (<1) in search.")
    exclude: bool = Field(False, description="Leave this page out of search.")


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
    group: Text | None = Field(None, description="Articles only: the heading its card sits under on the section page (one of the section's `groups`).")
    groups: list[Text] = Field(default_factory=list, description="Section pages only: the order of the card groups (the articles' `group` values).")
    section: Slug | None = Field(None, description="Worksheets only: the section the worksheet belongs to.")
    worksheet: WorksheetSpec | None = Field(None, description="Worksheets only: the form. See 'Worksheet fields'.")
    draft: bool = Field(False, description="`true`: shown by `make serve`, left out of `make build`, search, related lists and nav.")
    search: SearchSettings | None = Field(None, description="Material's search settings: `boost`, `exclude`.")
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
ONLY_FOR = {"worksheet": ("worksheet",), "section": ("worksheet",), "group": ("article",), "groups": ("section",)}
