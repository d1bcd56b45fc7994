"""Booklets: each section, and the whole guide, as one page to read or print, made from pages the
build has already rendered. Publishers maintain nothing: a booklet is the section's articles, in the
order its page lists them, with the worksheets they link to at the end.

An article's HTML (as its own page shows it) is read once into `Parts` (`prepare`): headings one
level down (the booklet has the one h1, article titles are h2), ids prefixed with the article's
anchor, and every internal link resolved to a site path. Each booklet then joins the parts
(`render`): a link to a page in this booklet points at its #anchor; any other link points at the page
and carries the full address to print (`data-print-url`).

HTML is read with one regular expression over the tags (`TAG`), not an HTML parser: the input is
what Python-Markdown and our own templates wrote, and the standard library's parser, only reading and
writing back every token, took 2.7 times as long as all of `prepare` (docs/DESIGN.md).
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import os
import posixpath
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import yaml
from markupsafe import Markup, escape

from . import views
from .pages import BOOKLET, INDEX, PageInfo
from .site import Site

if TYPE_CHECKING:
    from .state import State

GUIDE = ""  # the key of the whole-guide booklet; a section's booklet has the section's folder name


def src_uri(key: str) -> str:
    """Where a booklet sits among the docs: `<section>/booklet.md`, or `booklet.md` for the whole guide."""
    return f"{key}/{BOOKLET}.md" if key else f"{BOOKLET}.md"


def key_of(src_uri: str) -> str:
    """A booklet's key from its src_uri (the inverse of `src_uri`)."""
    return posixpath.dirname(src_uri)


def title(site: Site, key: str, site_name: str) -> str:
    landing = site.sections.get(key)
    return f"{landing.meta.title if landing else key} booklet" if key else f"{site_name}: the whole guide"


def markdown(site: Site, key: str, site_name: str) -> str:
    """The generated page: front matter only. Its body is filled in from the rendered articles."""
    what = f"Every article in {title(site, key, site_name).removesuffix(' booklet')}" if key else "Every article in the guide"
    meta = {"title": title(site, key, site_name),
            "description": f"{what} on one page to read or print, with a cover, contents, page numbers and blank worksheets.",
            "search": {"exclude": True}}  # Pagefind indexes only data-pagefind-body pages; the booklet is never one
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def keys(site: Site) -> list[str]:
    """Every booklet: one per article section in nav order, then the whole guide."""
    return [*site.article_sections, GUIDE]


def articles(site: Site, key: str) -> list[PageInfo]:
    """A booklet's articles in reading order: each section as its page lists them, sections in nav order."""
    return [p for folder in ([key] if key else site.article_sections) for _, pages in site.grouped(folder) for p in pages]


def anchor(src_uri: str) -> str:
    """A page's id in a booklet, from its path: unique across sections (`pacing--pacing-ladder`)."""
    return "--".join(re.sub(r"[^A-Za-z0-9_-]+", "-", part) for part in src_uri.removesuffix(".md").split("/"))


def worksheets(site: Site, pages: list[PageInfo], parts: dict[str, Parts]) -> list[PageInfo]:
    """The worksheets the articles link to (front-matter `worksheets:` or a link in the text), in
    the order the booklet first names them."""
    by_url = {p.url: p for p in site.of_kind("worksheet")}
    found: dict[str, PageInfo] = {}
    for page in pages:
        for slug in page.meta.worksheets:
            sheet = site.worksheet(slug)
            if sheet:
                found.setdefault(sheet.src_uri, sheet)
        for target in parts[page.src_uri].targets if page.src_uri in parts else ():
            if target in by_url:
                found.setdefault(by_url[target].src_uri, by_url[target])
    return list(found.values())


def review_span(pages: list[PageInfo]) -> tuple[dt.date | None, dt.date | None]:
    """The review dates of the booklet's oldest and newest article (published, if never reviewed)."""
    dates = [p.date for p in pages if p.date]
    return (min(dates), max(dates)) if dates else (None, None)


# ---- reading an article's HTML once ------------------------------------------------------------

_ATTRS = r"""(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)"""
TAG = re.compile(
    r"<!--.*?-->"  # comments: left as they are
    r"|<(script|style)\b.*?</\1\s*>"  # raw text: nothing inside is a tag
    r"|</(h[1-6])\s*>"  # a heading's end
    r"|<(h[1-6])(" + _ATTRS + r"*)\s*>"  # a heading's start, with or without attributes
    r"|<([a-zA-Z][\w:-]*)(" + _ATTRS + r"+)\s*(/?)>",  # any other start tag that has attributes
    re.S | re.I,
)
ATTR = re.compile(r"""(\s+)([^\s"'>/=]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
# Attributes that name ids: prefixed with the page's anchor, so two articles' ids never clash.
ID_ATTRS = {"id", "for", "headers", "list", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"}
URL_ATTRS = {"href", "src"}
# Tags worth rebuilding: any of those attributes, or data-* ones (which `drop_attrs` may name).
_WANTED = re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, sorted(ID_ATTRS | URL_ATTRS))) + r"|data-[\w-]+)\s*=", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


@dataclass(frozen=True)
class Link:
    """An internal URL in an attribute, resolved to a site path (`consent/agreed-signals/`)."""

    attr: str  # href or src
    path: str
    query: str
    fragment: str


@dataclass
class Parts:
    """An article or worksheet, read once: HTML text with its internal links left open."""

    items: list[str | Link]
    targets: list[str] = field(default_factory=list)  # internal pages it links to, in order


def prepare(text: str, page_url: str, prefix: str, drop_attrs: frozenset[str] = frozenset()) -> Parts:
    """Read a page's HTML once: headings down one level (h6 stays h6), ids prefixed with `prefix--`,
    internal links resolved against `page_url` (site-relative, as MkDocs made it), `drop_attrs` removed."""
    items: list[str | Link] = []
    targets: list[str] = []
    pos = 0
    for m in TAG.finditer(text):
        raw, end_heading, heading, heading_attrs, name, attrs, slash = m.group(0), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7)
        items.append(text[pos:m.start()])
        pos = m.end()
        if end_heading:
            items.append(f"</{_down(end_heading)}>")
        elif heading:
            items.append(f"<{_down(heading)}")
            _attributes(heading_attrs or "", page_url, prefix, drop_attrs, items, targets)
            items.append(">")
        elif name and _WANTED.search(attrs):
            items.append(f"<{name}")
            _attributes(attrs, page_url, prefix, drop_attrs, items, targets)
            items.append(f"{' /' if slash else ''}>")
        else:
            items.append(raw)
    items.append(text[pos:])
    return Parts(_merged(items), targets)


def _down(tag: str) -> str:
    return f"h{min(int(tag[1]) + 1, 6)}"


def _attributes(attrs: str, page_url: str, prefix: str, drop: frozenset[str], items: list, targets: list) -> None:
    for space, name, eq, quoted in ATTR.findall(attrs):
        key = name.lower()
        if key in drop:
            continue
        value = html.unescape(quoted[1:-1] if quoted[:1] in ('"', "'") else quoted)
        if key in ID_ATTRS and quoted:
            items.append(f'{space}{name}="{escape(" ".join(f"{prefix}--{v}" for v in value.split()))}"')
        elif key == "href" and value.startswith(("http://", "https://")):
            # Printed after the link. Not `a[href^="http"]` in CSS: Material's instant navigation makes
            # every href absolute in the browser, links inside the booklet included.
            items.append(f'{space}{name}{eq}{quoted} data-print-url="{escape(value)}"')
        elif key in URL_ATTRS and quoted and not _SCHEME.match(value):
            link = _resolve(value, page_url, key)
            items.append(space)
            items.append(link)
            if key == "href":
                targets.append(link.path)
        else:
            items.append(f"{space}{name}{eq}{quoted}")


def _resolve(value: str, page_url: str, attr: str) -> Link:
    if value.startswith("#"):
        return Link(attr, page_url, "", value[1:])
    parts = urlsplit(urljoin("/" + page_url, value))
    return Link(attr, parts.path.lstrip("/") or "./", parts.query, parts.fragment)  # the home page's URL is ./


def _merged(items: list[str | Link]) -> list[str | Link]:
    out: list[str | Link] = []
    text: list[str] = []
    for item in items:
        if isinstance(item, str):
            text.append(item)
        else:
            out.extend(["".join(text), item])
            text = []
    out.append("".join(text))
    return [x for x in out if x != ""]


# ---- joining the parts in one booklet --------------------------------------------------------

def render(parts: Parts, booklet_url: str, anchors: dict[str, str], site_url: str) -> Markup:
    """The HTML for one booklet: links to its own pages become #anchors; other internal links are
    made relative to the booklet and carry their full address for print; `src` is made relative."""
    out = []
    for item in parts.items:
        if isinstance(item, str):
            out.append(item)
            continue
        here = anchors.get(item.path) if item.attr == "href" else None
        if here is not None:
            out.append(f'href="#{escape(f"{here}--{item.fragment}" if item.fragment else here)}"')
            continue
        tail = (f"?{item.query}" if item.query else "") + (f"#{item.fragment}" if item.fragment else "")
        out.append(f'{item.attr}="{escape(relative(item.path, booklet_url) + tail)}"')
        if item.attr == "href":
            out.append(f' data-print-url="{escape(absolute(item.path, site_url) + tail)}"')
    return Markup("".join(out))


def relative(path: str, from_url: str) -> str:
    """`path` (site-relative) as a link from the page at `from_url`, both as MkDocs makes URLs
    (`a/b/` with directory URLs, `a/b.html` without)."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    rel = posixpath.relpath("/" + path, "/" + base)
    return rel + "/" if path.endswith("/") and rel != "." else ("./" if rel == "." else rel)


def absolute(path: str, site_url: str) -> str:
    """The address a reader types: the site's URL when mkdocs.yml has one, otherwise from the root."""
    return (site_url.rstrip("/") + "/" if site_url else "/") + path.removeprefix("./")


def without(text: str, class_name: str) -> str:
    """`text` without the element(s) that have `class_name` (and everything inside them)."""
    start = re.compile(r"<([a-zA-Z][\w-]*)\b[^>]*\sclass=\"(?:[^\"]*\s)?" + re.escape(class_name) + r"(?:\s[^\"]*)?\"[^>]*>")
    while m := start.search(text):
        tag = m.group(1)
        depth, pos = 1, m.end()
        for t in re.finditer(rf"<(/?){tag}\b[^>]*>", text[pos:], re.I):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                pos += t.end()
                break
        else:
            return text  # not closed: leave the HTML as it is rather than cut the rest away
        text = text[:m.start()] + text[pos:]
    return text


def sheet(form: str, page: PageInfo) -> Parts:
    """A worksheet in a booklet: its form as its own page renders it, blank and still: no toolbar,
    and no `data-guide-worksheet`, so guide.js neither loads saved answers into it nor saves any."""
    return prepare(without(str(form), "guide-ws__toolbar"), page.url, anchor(page.src_uri), frozenset({"data-guide-worksheet"}))


# ---- what the booklet page shows ------------------------------------------------------------

def view(state: State, src_uri: str) -> dict:
    """Everything overrides/partials/booklet.html shows, from the pages the build rendered.

    Each article and worksheet is read once per build (`state.booklet_parts`), whichever booklet
    asks first; an article the build did not render (`mkdocs serve --dirty` renders only changed
    pages) is named as missing instead.
    """
    site, s, key = state.site, state.settings, key_of(src_uri)
    url, site_url = state.booklets[src_uri], state.site_url
    pages = articles(site, key)
    for p in pages:
        if p.src_uri in state.rendered:  # read once, then only the parts are kept
            state.booklet_parts[p.src_uri] = prepare(state.rendered.pop(p.src_uri), p.url, anchor(p.src_uri))
    shown = [p for p in pages if p.src_uri in state.booklet_parts]
    sheets = worksheets(site, shown, state.booklet_parts)
    for w in sheets:
        if w.src_uri not in state.booklet_parts:
            state.booklet_parts[w.src_uri] = sheet(state.form(w), w)
    anchors = {p.url: anchor(p.src_uri) for p in [*shown, *sheets]}
    pending: list[Parts] = []
    token = secrets.token_hex(8)  # no article can hold a placeholder by chance

    def later(parts: Parts) -> Markup:
        """A placeholder for this article's HTML, filled in the written file (`fill`)."""
        pending.append(parts)
        return Markup(f"<!--guide-booklet {token} {len(pending) - 1}-->")

    numbers = {p.src_uri: i for i, p in enumerate(shown, 1)}
    items = [{"anchor": anchor(p.src_uri), "number": numbers[p.src_uri], "title": escape(p.meta.title), "draft": p.meta.draft,
              "section": views.section_name(site, p.section), "minutes": views.reading_minutes(p), "date": p.date,
              "html": later(state.booklet_parts[p.src_uri]),
              "sources": views.sources(p, s.review_years, state.today), "online": absolute(p.url, site_url)} for p in shown]
    by_uri = {p.src_uri: item for p, item in zip(shown, items)}
    oldest, newest = review_span(shown)
    landing = site.sections.get(key) if key else site.pages.get(INDEX)
    n, m = len(shown), len(sheets)
    # Plain text, escaped once below (views.section_name is already escaped).
    where = f"the {landing.meta.title if landing else key} section of {state.site_name}" if key else f"{len(site.article_sections)} sections of {state.site_name}"
    return {
        "key": key,
        "about": escape(landing.meta.description) if landing else "",
        "summary": escape(f"{'All ' if not key and n > 1 else ''}{_count(n, 'article')} from {where}"
                          + (f", and {_count(m, 'worksheet')} to fill in." if m else ".")),
        "oldest": oldest, "newest": newest,
        "online": absolute(url, site_url) if site_url else "",
        "contents": _contents(site, key, shown, by_uri),
        "articles": items,
        "worksheets": [{"anchor": anchor(w.src_uri), "title": escape(w.meta.title), "page": relative(w.url, url),
                        "html": later(state.booklet_parts[w.src_uri])} for w in sheets],
        "missing": [escape(p.meta.title) for p in pages if p.src_uri not in state.booklet_parts],
        "token": token, "pending": pending,
        "render": functools.partial(render, booklet_url=url, anchors=anchors, site_url=site_url),
    }


class BookletError(Exception):
    """A booklet page could not be completed; the message says why."""


def fill(path: Path, view_data: dict) -> None:
    """Put each article's HTML in place of its placeholder in the booklet page as MkDocs wrote it.

    Written piece by piece to a file beside it, which then replaces it: the whole-guide booklet is
    29 MB of HTML at 5,000 articles, and as one string it was held three times over (the view, the
    rendered page, its bytes). Placeholders are comments: the page reads the same without them.
    If any is missing (a plugin that strips comments), nothing is written and BookletError says so.
    """
    mark = re.compile(rf"<!--guide-booklet {view_data['token']} (\d+)-->")
    with path.open(encoding="utf-8", newline="") as page:  # line endings as MkDocs wrote them
        text = page.read()
    marks = list(mark.finditer(text))
    numbers = [int(m.group(1)) for m in marks]
    pending = view_data["pending"]
    if sorted(numbers) != list(range(len(pending))):
        raise BookletError(f"{len(pending) - len(marks)} of its {len(pending)} articles and worksheets have no place in the page"
                           " as written: something after the page template removed our HTML comments (a minifier?)")
    part = path.with_name(f".{path.name}.part")
    try:
        with part.open("w", encoding="utf-8", errors="xmlcharrefreplace", newline="") as out:  # as MkDocs writes pages
            pos = 0
            for m, number in zip(marks, numbers):
                out.write(text[pos:m.start()])
                out.write(view_data["render"](pending[number]))
                pos = m.end()
            out.write(text[pos:])
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)  # gone already once it replaced the page


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _contents(site: Site, key: str, shown: list[PageInfo], by_uri: dict[str, dict]) -> list[dict]:
    """The contents list: a section's groups (as its page shows them), or the guide's sections."""
    if key:
        named = [(g, ps) for g, ps in site.grouped(key) if ps]
        groups = [(escape(g) if g else (escape("More in this section") if len(named) > 1 else None), ps) for g, ps in named]
    else:
        groups = [(views.section_name(site, f), [p for _, ps in site.grouped(f) for p in ps]) for f in site.article_sections]
    out = []
    for name, ps in groups:
        entries = [by_uri[p.src_uri] for p in ps if p.src_uri in by_uri]
        if entries:
            out.append({"title": name, "start": entries[0]["number"], "entries": entries})
    return out


def toc(view_data: dict) -> list[tuple[str, Markup]]:
    """(anchor, title) of the booklet's contents, articles and worksheets: its table of contents."""
    return ([("guide-booklet-contents", Markup("Contents"))]
            + [(a["anchor"], a["title"]) for a in view_data["articles"]]
            + [(w["anchor"], w["title"]) for w in view_data["worksheets"]])
