"""Which worksheets an article links to, and which articles use each worksheet."""
from __future__ import annotations

from .pages import PageInfo
from .site import Site
from .views import card, section_name


def boxes(site: Site, page: PageInfo) -> list[dict]:
    """The worksheets an article names in its front matter, in that order."""
    return [card(w) for w in (site.worksheet(s) for s in page.meta.worksheets) if w is not None]


def read_more(site: Site, worksheet: PageInfo) -> list[dict]:
    """Articles that use a worksheet, by title."""
    return [card(p) for p in site.worksheet_users.get(worksheet.slug, [])]


def grouped(site: Site, section_order: list[str]) -> list[dict]:
    """Every worksheet, grouped by its section in nav order, for the worksheets index."""
    order = {name: i for i, name in enumerate(section_order)}
    sheets = sorted(site.of_kind("worksheet"), key=lambda w: (order.get(w.section, len(order)), w.section, w.meta.title.casefold()))
    groups: list[dict] = []
    for w in sheets:
        if not groups or groups[-1]["key"] != w.section:
            groups.append({"key": w.section, "title": section_name(site, w.section), "cards": []})
        groups[-1]["cards"].append(card(w))
    return groups
