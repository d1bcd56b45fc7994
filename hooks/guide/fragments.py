"""Template fragments that come out the same on many pages, rendered once per build.

Material renders the whole sidebar nav on every page. On an article it depends only on which
section is open and on the page's depth (MkDocs writes relative links), so every article of a
section gets the same HTML: the first one renders it, the others reuse it. Material's header is
the same at every depth but for the page's title, and is rendered once per depth with a slot for it.
"""
from __future__ import annotations

from typing import Callable, Hashable


class Fragment:
    """One cached piece of HTML: `html` when an earlier page rendered it; else the template renders
    it and passes it through `keep`."""

    def __init__(self, store: dict, key: Hashable):
        self._store, self._key = store, key

    @property
    def html(self) -> str | None:
        return self._store.get(self._key)

    def keep(self, html: str) -> str:
        self._store[self._key] = html
        return html


class AtDepth:
    """Template blocks that come out the same on every page at one depth (`base_url`): their links
    are relative, and nothing else in them depends on the page. `part(name, render)` renders a
    block on the first such page (`render` is the block's `super`) and reuses it on the others."""

    def __init__(self, store: dict, depth: str):
        self._store, self._depth = store, depth

    def part(self, name: str, render: Callable[[], str]) -> str:
        key = (name, self._depth)
        if key not in self._store:
            self._store[key] = str(render())
        return self._store[key]


class Titled(Fragment):
    """Like Fragment, for HTML that is the same on many pages but for one place that shows the page's
    title (Material's header: the same at every depth). The template renders it once with `slot` in
    that place; each page gets it with its own title there."""

    slot = "\x00guide-page-title\x00"  # nothing else in a header can contain a NUL character

    def keep(self, html: str) -> str:
        # Kept only with the slot in exactly one place: an override of the header without it would
        # otherwise give every page the first page's title.
        if html.count(self.slot) == 1:
            self._store[self._key] = html
        return html

    def titled(self, html: str, title: object) -> str:
        return html.replace(self.slot, str(title))
