"""What our templates show for a page, as plain data. Text is escaped here or by the templates' `| e`."""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Callable
from urllib.parse import quote

from markupsafe import Markup, escape

from .dates import add_years
from .pages import PageInfo
from .site import Site, Tag, labels

WORDS_PER_MINUTE = 200


def safe_meta(meta: dict) -> None:
    """Make front-matter text safe in every template, Material's own included.

    MkDocs renders templates without autoescaping, so Material writes `page.meta.title` raw into
    <title>, the header and the nav. Escaped `Markup` shows as typed there, and Jinja's `| e` (used
    in a few Material templates) leaves Markup alone instead of escaping it twice.
    """
    for key in ("title", "description"):
        if isinstance(meta.get(key), str) and not isinstance(meta[key], Markup):
            meta[key] = escape(meta[key])


def problem_meta(meta: dict) -> dict:
    """What MkDocs and Material may see of a page whose front matter has a problem: its title, if it
    is text. Anything else could have any type, and the problem list already says what to fix."""
    title = meta.get("title")
    return {"title": title} if isinstance(title, str) and title.strip() else {}


def page_meta(page: PageInfo, tags: dict[str, Tag]) -> dict:
    """`page.meta` for MkDocs and Material: the checked front matter, with the keys the file gives,
    equal to what MkDocs' own YAML reading gives (tests/test_publishers.py checks every page of the
    guide), except that tags are their labels: Material shows a tag by the name it finds here (the
    page's chips, the topics page's headings and contents), and `tag_slugify` gives it the anchor of
    its tag's name."""
    meta = page.meta.model_dump(exclude_unset=True)
    if "tags" in meta:
        meta["tags"] = labels(tags, meta["tags"])
    return meta


def tag_slugify(tags: dict[str, Tag], fallback: Callable[[str, str], str]) -> Callable[[str, str], str]:
    """Material's `tags_slugify` for labels: a label's anchor is its tag's name (`GP` and `Family
    doctor` are both `#tag:gp`), so a new label keeps every link to the topics page. Names that are
    not labels (none, in a checked site) go to `fallback`, Material's own."""
    by_label = {t.label: name for name, t in tags.items()}

    def slugify(text: str, separator: str = "-") -> str:
        return by_label.get(text) or fallback(text, separator)

    slugify.fallback = fallback
    return slugify


def review_status(page: PageInfo, years: int, soon_days: int, today: dt.date) -> dict | None:
    reviewed = page.meta.reviewed
    if reviewed is None:
        return None
    due = add_years(reviewed, years)
    days_left = (due - today).days
    state = "overdue" if days_left < 0 else "soon" if days_left <= soon_days else "ok"
    return {"reviewed": reviewed, "due": due, "state": state, "days_left": days_left}


def reading_minutes(page: PageInfo) -> int:
    return max(1, math.ceil(page.words / WORDS_PER_MINUTE))


def with_standfirst(html: str, page: PageInfo) -> str:
    """The description as the page's standfirst, in the body; search results show it as the
    page's summary (`data-pagefind-meta`), and its words are searched like the body's."""
    return f'<p class="guide-standfirst" data-pagefind-meta="description">{escape(page.meta.description)}</p>\n{html}'


TOPIC_HEADING = '<h2 id="tag:'  # Material's listing of one topic on the topics page (tags_slugify_format)
_TOPIC_NAME = re.compile(re.escape(TOPIC_HEADING) + r'([^"]+)"')


def with_topic_index(html: str, tags: dict[str, Tag]) -> str:
    """The topics page with a row of links to its topics above the first one: on a phone the page
    is long, and its table of contents is behind the menu. Only topics the page lists (a tag no
    published page uses has no heading), by label as the headings are."""
    first = html.find(TOPIC_HEADING)
    if first < 0:
        return html
    listed = sorted((tags[name].label.casefold(), tags[name].label, name) for name in set(_TOPIC_NAME.findall(html)) if name in tags)
    links = "".join(f'<li><a class="md-tag" href="#tag:{name}">{escape(label)}</a></li>' for _, label, name in listed)
    index = f'<nav class="guide-topics" aria-label="Topics on this page"><ul>{links}</ul></nav>\n'
    return html[:first] + index + html[first:]


def card(page: PageInfo) -> dict:
    """A page as a list item: title, summary, section, date (text escaped once, here)."""
    return {
        "title": escape(page.meta.title),
        "description": escape(page.meta.description),
        "url": page.url,
        "section": page.section,
        "date": page.date,
        "minutes": reading_minutes(page),
        "draft": page.meta.draft,
    }


def section_title(site: Site, folder: str | None) -> str:
    """A section's title as plain text (escape it where it goes into HTML, once: `section_name`)."""
    landing = site.sections.get(folder or "")
    return landing.meta.title if landing else (folder or "").replace("-", " ").capitalize()


def section_name(site: Site, folder: str | None) -> Markup:
    return escape(section_title(site, folder))


def share_links(url: str, title: str) -> list[dict]:
    """Plain links only: nothing loads from these sites unless the reader follows a link."""
    u, t = quote(url, safe=""), quote(title, safe="")
    return [
        {"name": "Email", "href": f"mailto:?subject={t}&body={u}"},
        {"name": "WhatsApp", "href": f"https://wa.me/?text={t}%20{u}"},
        {"name": "Facebook", "href": f"https://www.facebook.com/sharer/sharer.php?u={u}"},
        {"name": "Bluesky", "href": f"https://bsky.app/intent/compose?text={t}%20{u}"},
    ]


def sources(page: PageInfo, years: int, today: dt.date) -> list[dict]:
    """The article's sources list; `stale` when a check is older than the review cycle."""
    return [
        {"publisher": escape(s.publisher), "title": escape(s.title), "url": s.url, "checked": s.checked,
         "stale": add_years(s.checked, years) < today}
        for s in page.meta.sources
    ]
