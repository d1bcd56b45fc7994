"""A page's whole template context, built in one place from plain data.

The template partials read `guide.*` only; nothing else writes there, so no hook depends on
another hook's order.
"""
from __future__ import annotations

from markupsafe import escape

from . import booklet, related_view, search, views
from .pages import WORKSHEETS, INDEX, PageInfo
from .state import State


def page_context(state: State, src_uri: str, canonical_url: str) -> dict:
    problems = [{"path": p.path, "field": p.field, "message": p.message} for p in state.problems]
    site = state.site
    if src_uri in state.booklets:
        return {"kind": "booklet", "problems": problems, "booklet": state.booklet(src_uri), "urgent_help": state.urgent_help or None}
    info = site.pages.get(src_uri) if site else None
    if info is None:
        return {"kind": None, "problems": problems}
    s = state.settings
    out = {
        "kind": info.kind,
        "draft": info.meta.draft,
        "problems": problems,
        "section": views.section_name(site, info.section),
        "minutes": views.reading_minutes(info),
        "review": views.review_status(info, s.review_years, s.review_soon_days, state.today),
        "groups": _groups(state, info),
        "cards_title": "All worksheets" if src_uri == f"{WORKSHEETS}/{INDEX}" else "In this section",
        "related": [], "worksheets": [], "read_more": [], "sources": [], "share": [],
        "urgent_help": None, "form": None, "booklet_link": None,
        "search": search.entry(info, search.section_label(site, info)),  # None: never found by search
    }
    if info.kind in ("home", "section"):
        # The home page links the whole-guide booklet; each article section, its own.
        key = booklet.GUIDE if info.kind == "home" else booklet.key_of(info.src_uri)
        url = state.booklets.get(booklet.src_uri(key))
        if url is not None:
            out["booklet_link"] = {"url": url, "scope": "section" if key else "guide"}
    if info.kind == "article":
        out["share"] = views.share_links(canonical_url, info.meta.title)
        out["sources"] = views.sources(info, s.review_years, state.today)
        out["urgent_help"] = state.urgent_help or None
        out["worksheets"] = [state.cards[w.src_uri] for w in map(site.worksheet, info.meta.worksheets) if w is not None]
        suggestions = state.related.lists.get(src_uri, [])
        out["related"] = [{**state.cards[x.key], "section_name": views.section_name(site, site.pages[x.key].section),
                           "hint": escape(related_view.hint(site, x))} for x in suggestions]
    elif info.kind == "home":
        out["urgent_help"] = state.urgent_help or None  # near the top, before the start-here paths
    elif info.kind == "worksheet":
        out["form"] = state.form(info)
        out["read_more"] = [state.cards[p.src_uri] for p in site.worksheet_users.get(info.slug, [])]
    return out


def _groups(state: State, info: PageInfo) -> list[dict]:
    """A landing page's cards: worksheets by section in nav order; a section's articles by `groups`."""
    site = state.site
    if info.kind != "section":
        return []
    folder = info.src_uri.split("/")[0]
    if folder == WORKSHEETS:
        order = {name: i for i, name in enumerate(site.section_order)}
        sheets = sorted(site.members.get(WORKSHEETS, []), key=lambda w: (order.get(w.section, len(order)), w.section))
        keys = list(dict.fromkeys(w.section for w in sheets))
        return [{"key": k, "title": views.section_name(site, k), "cards": [state.cards[w.src_uri] for w in sheets if w.section == k]}
                for k in keys]
    *named, (_, rest) = site.grouped(folder)
    groups = [{"key": _slug(g), "title": escape(g), "cards": [state.cards[p.src_uri] for p in pages]} for g, pages in named]
    if rest or not groups:
        groups.append({"key": "more" if groups else None, "title": escape("More in this section") if groups else None,
                       "cards": [state.cards[p.src_uri] for p in rest]})
    return [g for g in groups if g["cards"]] or [{"key": None, "title": None, "cards": []}]


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
