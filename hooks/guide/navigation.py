"""Linear-cost navigation: the sidebar holds home and section pages; articles hang off their section.

Rendering every article in every page's sidebar makes a build quadratic (see BENCHMARKS.md). We keep
articles out of the rendered nav but give each one its section as parent (for Material's breadcrumbs)
and previous/next links within the section (for Material's footer).
"""
from __future__ import annotations

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

TITLE_ID = "page-title"


def toc_under_title(toc: TableOfContents, title: str) -> TableOfContents:
    """Put the page's h1 at the top of its table of contents.

    Material's skip link jumps to the first TOC entry, and pages without `##` headings get none at
    all. With the h1 first, every page has a skip link, and it lands on the title, not past the
    standfirst and Key points. Material's TOC sidebar lists an h1's children, so it looks the same.
    """
    items = list(toc)
    if items and items[0].level == 1:
        return toc
    top = AnchorLink(title, TITLE_ID, 1)
    top.children = items
    return TableOfContents([top])


def section_nodes(nav: Navigation) -> dict[str, Section]:
    """Nav sections by folder, found through the landing page each one starts with."""
    out = {}
    for item in nav.items:
        if isinstance(item, Section):
            first = next((c for c in item.children if isinstance(c, Page)), None)
            if first and first.file.src_uri.endswith("/index.md"):
                out[first.file.src_uri.split("/")[0]] = item
    return out


def attach(nav: Navigation, members: dict[str, list[Page]]) -> None:
    """Give each section member its section as parent and its neighbours as previous/next."""
    sections = section_nodes(nav)
    for folder, pages in members.items():
        parent = sections.get(folder)
        for i, page in enumerate(pages):
            if page.parent is None and parent is not None:
                page.parent = parent
            page.previous_page = pages[i - 1] if i else None
            page.next_page = pages[i + 1] if i + 1 < len(pages) else None
