"""Booklets: each section, and the whole guide, as one page to read or print, made from pages the
build has already rendered. Publishers maintain nothing: a booklet is the section's articles, in the
order its page lists them, with the worksheets they link to at the end.

An article's HTML (as its own page shows it) is read into `Parts` (`prepare`): headings one
level down (the booklet has the one h1, article titles are h2), ids prefixed with the article's
anchor, and every internal link resolved to a site path. Each booklet then joins the parts
(`render`): a link to a page in this booklet points at its #anchor; any other link points at the page
and carries the full address to print (`data-print-url`).

HTML is read with one regular expression over the tags (`TAG`), not an HTML parser: the input is
what Python-Markdown and our own templates wrote, and the standard library's parser, only reading and
writing back every token, took 2.7 times as long as all of `prepare` (docs/DESIGN.md).
"""
from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
import html
import os
import posixpath
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO
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


def worksheets(site: Site, pages: list[PageInfo], targets: dict[str, list[str]]) -> list[PageInfo]:
    """The worksheets the articles link to (front-matter `worksheets:` or a link in the text), in
    the order the booklet first names them."""
    by_url = {p.url: p for p in site.of_kind("worksheet")}
    found: dict[str, PageInfo] = {}
    for page in pages:
        for slug in page.meta.worksheets:
            sheet = site.worksheet(slug)
            if sheet:
                found.setdefault(sheet.src_uri, sheet)
        for target in targets.get(page.src_uri, ()):
            if target in by_url:
                found.setdefault(by_url[target].src_uri, by_url[target])
    return list(found.values())


def review_span(pages: list[PageInfo]) -> tuple[dt.date | None, dt.date | None]:
    """The review dates of the booklet's oldest and newest article (published, if never reviewed)."""
    dates = [p.date for p in pages if p.date]
    return (min(dates), max(dates)) if dates else (None, None)


# ---- reading an article's HTML ----------------------------------------------------------------

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
    """An article or worksheet, read for a booklet: HTML text with its internal links left open."""

    items: list[str | Link]


def prepare(text: str, page_url: str, prefix: str, drop_attrs: frozenset[str] = frozenset()) -> Parts:
    """Read a page's HTML for a booklet: headings down one level (h6 stays h6), ids prefixed with `prefix--`,
    internal links resolved against `page_url` (site-relative, as MkDocs made it), `drop_attrs` removed."""
    items: list[str | Link] = []
    targets: list[str] = []  # `links` gives these
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
    return Parts(_merged(items))


def links(text: str, page_url: str) -> list[str]:
    """The internal pages a page's HTML links to, in order, as `prepare` resolves them, without
    making the parts (a booklet needs only these until it is filled in; `fill` reads each page again)."""
    targets: list[str] = []
    for m in TAG.finditer(text):
        attrs = m.group(4) if m.group(3) else m.group(6)
        if attrs and "href" in attrs.lower():
            _attributes(attrs, page_url, "", frozenset(), [], targets)
    return targets


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

def render(parts: Parts, booklet_url: str, anchors: dict[str, str], site_url: str,
           labels: dict[str, str] | None = None, own: str = "") -> Markup:
    """The HTML for one booklet: links to its own pages become #anchors; other internal links are
    made relative to the booklet and carry their full address for print; `src` is made relative.
    A link to another article or worksheet of the booklet (not to `own`, the page being written in)
    carries its `labels` entry ("article 4") for print, where a link is only words."""
    out = []
    for item in parts.items:
        if isinstance(item, str):
            out.append(item)
            continue
        here = anchors.get(item.path) if item.attr == "href" else None
        if here is not None:
            out.append(f'href="#{escape(f"{here}--{item.fragment}" if item.fragment else here)}"')
            if labels and item.path != own and item.path in labels:
                out.append(f' data-print-see="{escape(labels[item.path])}"')
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

ARTICLE_TEMPLATE = "partials/booklet-article.html"  # one article in a booklet, as `fill` writes it
SHEET_TEMPLATE = "partials/booklet-sheet.html"


def view(state: State, src_uri: str) -> dict:
    """Everything overrides/partials/booklet.html shows, from the pages the build rendered: the
    cover and the contents. The articles and worksheets themselves are written into the page after
    the build (`fill`), one at a time.

    An article the build did not render (`mkdocs serve --dirty` renders only changed pages) is named
    as missing instead. `article` and `sheet` make what the two partials show for one article or
    worksheet, from its parts (`read`), as `fill` writes it in.
    """
    site, s, key = state.site, state.settings, key_of(src_uri)
    url, site_url = state.booklets[src_uri], state.site_url
    pages = articles(site, key)
    shown = [p for p in pages if p.src_uri in state.rendered]
    for p in shown:  # each article read once for its links, whichever booklet asks first
        if p.src_uri not in state.booklet_links:
            state.booklet_links[p.src_uri] = links(state.rendered[p.src_uri], p.url)
    sheets = worksheets(site, shown, state.booklet_links)
    anchors = {p.url: anchor(p.src_uri) for p in [*shown, *sheets]}
    labels = {p.url: f"article {i}" for i, p in enumerate(shown, 1)} | {w.url: "the worksheets at the end" for w in sheets}
    joined = functools.partial(render, booklet_url=url, anchors=anchors, site_url=site_url, labels=labels)
    items = [{"src_uri": p.src_uri, "anchor": anchor(p.src_uri), "number": i, "title": escape(p.meta.title)}
             for i, p in enumerate(shown, 1)]
    by_uri = {item["src_uri"]: item for item in items}
    oldest, newest = review_span(shown)
    landing = site.sections.get(key) if key else site.pages.get(INDEX)
    n, m = len(shown), len(sheets)
    # Plain text, escaped once below (views.section_name is already escaped).
    where = f"the {landing.meta.title if landing else key} section of {state.site_name}" if key else f"{len(site.article_sections)} sections of {state.site_name}"

    def article(item: dict, parts: Parts) -> dict:
        """What partials/booklet-article.html shows for one article: made as `fill` writes it."""
        p = site.pages[item["src_uri"]]
        return {**item, "draft": p.meta.draft, "section": views.section_name(site, p.section), "minutes": views.reading_minutes(p),
                "date": p.date, "html": joined(parts, own=p.url), "sources": views.sources(p, s.review_years, state.today),
                "online": absolute(p.url, site_url)}

    def sheet_of(item: dict, parts: Parts) -> dict:
        return {**item, "html": joined(parts, own=site.pages[item["src_uri"]].url)}

    return {
        "key": key,
        "about": escape(landing.meta.description) if landing else "",
        "summary": escape(f"{'All ' if not key and n > 1 else ''}{_count(n, 'article')} from {where}"
                          + (f", and {_count(m, 'worksheet')} to fill in." if m else ".")),
        "oldest": oldest, "newest": newest,
        "online": absolute(url, site_url) if site_url else "",
        "contents": _contents(site, key, shown, by_uri),
        "articles": items,
        "worksheets": [{"src_uri": w.src_uri, "anchor": anchor(w.src_uri), "title": escape(w.meta.title), "page": relative(w.url, url)}
                       for w in sheets],
        "missing": [escape(p.meta.title) for p in pages if p.src_uri not in state.rendered],
        # Where `fill` puts the articles and worksheets: a comment, so the page reads the same without it.
        "body": Markup(f"<!--guide-booklet {secrets.token_hex(8)}-->"),  # random: no article can hold it by chance
        "article": article, "sheet": sheet_of,
    }


def read(state: State, src_uri: str) -> Parts:
    """An article or worksheet of this build, read into parts for the booklets."""
    page = state.site.pages[src_uri]
    if page.kind == "worksheet":
        return sheet(state.form(page), page)
    return prepare(state.rendered[src_uri], page.url, anchor(src_uri))


class BookletError(Exception):
    """A booklet page could not be completed; the message says why."""


class _Filling:
    """One booklet page being filled in: the page as MkDocs wrote it, cut at its placeholder, and
    the file beside it that replaces it once every booklet is complete."""

    def __init__(self, path: Path, view_data: dict, render_page: Callable[[str, dict], str]) -> None:
        self.path, self.view, self.render_page = path, view_data, render_page
        with self._named("read"), path.open(encoding="utf-8", newline="") as page:  # line endings as MkDocs wrote them
            text = page.read()
        found = text.count(view_data["body"])
        if found != 1:
            raise BookletError(f"{path}: the page as written has its articles' placeholder {found} times, not once:"
                               " something after the page template changed our HTML comments (a minifier?)")
        self.head, self.tail = text.split(view_data["body"])
        self.todo = collections.deque(view_data["articles"])
        self.part = path.with_name(f".{path.name}.part")
        self.out: TextIO | None = None

    def start(self) -> None:
        with self._named("write"):
            self.out = self.part.open("w", encoding="utf-8", errors="xmlcharrefreplace", newline="")  # as MkDocs writes pages
            self.out.write(self.head)
        self.head = ""  # written: the whole guide's contents are not needed twice

    def article(self, parts: Parts) -> None:
        item = self.todo.popleft()
        html = self.render_page(ARTICLE_TEMPLATE, {"a": self.view["article"](item, parts)})
        with self._named("write"):
            self.out.write("\n" + html + "\n")

    def finish(self, parts_of: Callable[[str], Parts]) -> None:
        while self.todo:  # an article the shared pass did not reach in this booklet's order
            self.article(parts_of(self.todo[0]["src_uri"]))
        sheets = [self.render_page(SHEET_TEMPLATE, {"w": self.view["sheet"](item, parts_of(item["src_uri"]))}) + "\n"
                  for item in self.view["worksheets"]]
        with self._named("write"):
            self.out.write("\n" + "".join(sheets) + self.tail)
            self.out.close()

    def swap(self) -> None:
        with self._named("write"):
            os.replace(self.part, self.path)

    def discard(self) -> None:
        """Whatever happened: no copy left beside the page (closing may fail again on a full disk)."""
        with contextlib.suppress(OSError):
            if self.out is not None:
                self.out.close()
        with contextlib.suppress(OSError):
            self.part.unlink(missing_ok=True)  # gone already once it replaced the page

    @contextlib.contextmanager
    def _named(self, doing: str):
        try:
            yield
        except OSError as e:  # a full disk, say: name the booklet, not only the error
            raise BookletError(f"{self.path}: could not {doing} it ({e.strerror or e})") from e


def fill(written: list[tuple[Path, dict]], render_page: Callable[[str, dict], str], read_parts: Callable[[str], Parts]) -> None:
    """Write the articles and worksheets into each booklet page as MkDocs wrote it, in place of the
    page's placeholder (`view`), one at a time: at 5,000 articles the whole-guide booklet is 29 MB of
    HTML, and every article is in two booklets (its section's and the whole guide's). `render_page`
    renders a template (ARTICLE_TEMPLATE, SHEET_TEMPLATE) with a context; `read_parts` reads an
    article or worksheet by its src_uri (`read`).

    One pass over the articles in the order of the booklet that has most (the whole guide: its
    sections one after another) reads each article once and writes it into every booklet that has it
    next, so only one article's parts are in memory at a time. Each page is written to a file beside
    it, and the files replace the pages only once all are complete; if a page has no placeholder (a
    plugin that strips comments) or a file cannot be written, no copy is left beside any page and
    BookletError names the booklet.
    """
    fillings = [_Filling(path, v, render_page) for path, v in written]
    sheet_uris = {w["src_uri"] for _, v in written for w in v["worksheets"]}
    sheets: dict[str, Parts] = {}  # a few, each in several booklets: kept

    def parts_of(src_uri: str) -> Parts:
        if src_uri in sheets:
            return sheets[src_uri]
        parts = read_parts(src_uri)
        if src_uri in sheet_uris:
            sheets[src_uri] = parts
        return parts

    try:
        for f in fillings:
            f.start()
        for item in max((v["articles"] for _, v in written), key=len, default=[]):
            next_here = [f for f in fillings if f.todo and f.todo[0]["src_uri"] == item["src_uri"]]
            parts = parts_of(item["src_uri"])  # the booklet this order is from is always one of them
            for f in next_here:
                f.article(parts)
        for f in fillings:
            f.finish(parts_of)
        for f in fillings:
            f.swap()
    finally:
        for f in fillings:
            f.discard()


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
